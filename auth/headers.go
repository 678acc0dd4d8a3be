package auth

import "net/http"

// MetaPrefix is what COS user metadata header names start with.
const MetaPrefix = "x-cos-meta-"

// ObjectHeaders are the headers rules give one object. An empty
// ContentType means "from the file name" (contenttype.ForName).
type ObjectHeaders struct {
	ContentType        string            `json:"content_type,omitempty"`
	CacheControl       string            `json:"cache_control,omitempty"`
	ContentDisposition string            `json:"content_disposition,omitempty"`
	StorageClass       string            `json:"storage_class,omitempty"`
	Meta               map[string]string `json:"meta,omitempty"` // names without x-cos-meta-
}

// IsZero reports whether h adds nothing to an upload.
func (h ObjectHeaders) IsZero() bool {
	return h.ContentType == "" && h.CacheControl == "" && h.ContentDisposition == "" && h.StorageClass == "" && len(h.Meta) == 0
}

// Header is h as request headers, without Content-Type (the caller sets
// it, from ContentType or the file name): Cache-Control,
// Content-Disposition, x-cos-storage-class and x-cos-meta-*.
func (h ObjectHeaders) Header() http.Header {
	out := http.Header{}
	if h.CacheControl != "" {
		out.Set("Cache-Control", h.CacheControl)
	}
	if h.ContentDisposition != "" {
		out.Set("Content-Disposition", h.ContentDisposition)
	}
	if h.StorageClass != "" {
		out.Set("X-Cos-Storage-Class", h.StorageClass)
	}
	for k, v := range h.Meta {
		out.Set(MetaPrefix+k, v)
	}
	return out
}
