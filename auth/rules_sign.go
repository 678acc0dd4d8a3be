package auth

import (
	"net/http"
	"sort"
	"strings"
)

// ApplyHeaders puts the headers of the profile's rules on a server-signed
// upload of size bytes and returns the names of those it cannot send.
//
// A signed PUT carries them as headers. COS checks only the headers a
// signature lists in q-header-list (https://cloud.tencent.com/document/product/436/7778; Tencent's cos-demo signs
// "host" alone), so an unlisted header may be added; a listed one was
// signed with a value CosDrop does not know, so changing or adding it
// would break the signature: it is left out and named in notSent, for the
// task's note, rather than dropped silently.
//
// A POST form carries them as form fields, as COS's POST Object takes
// them (doc 436/14690: Cache-Control, Content-Disposition, x-cos-meta-*,
// x-cos-storage-class). A policy condition on the Content-Type is checked
// against the rules' type before any byte is sent, as Sign does.
func (u *SignedUpload) ApplyHeaders(h ObjectHeaders, size int64) (notSent []string, err error) {
	extra := h.Header()
	if u.Method == MethodPost {
		if h.ContentType != "" {
			if lim, ok := u.Post.Limits(); ok {
				if err := lim.Check(size, h.ContentType); err != nil {
					return nil, err
				}
			}
			u.ContentType, u.Post.ContentType = h.ContentType, h.ContentType
		}
		if len(extra) > 0 {
			u.Post.Extra = extra
		}
		return nil, nil
	}
	signed := signedHeaders(u.Put.Authorization)
	if h.ContentType != "" && h.ContentType != u.Put.ContentType {
		if signed["content-type"] {
			notSent = append(notSent, "Content-Type")
		} else {
			u.ContentType, u.Put.ContentType = h.ContentType, h.ContentType
		}
	}
	for k := range extra {
		if signed[strings.ToLower(k)] {
			notSent = append(notSent, k)
			extra.Del(k)
		}
	}
	if len(extra) > 0 {
		u.Put.Extra = extra
	}
	sort.Strings(notSent)
	return notSent, nil
}

// signedHeaders are the lower-case names an Authorization value lists in
// its q-header-list.
func signedHeaders(authorization string) map[string]bool {
	out := map[string]bool{}
	for _, kv := range strings.Split(authorization, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if strings.EqualFold(strings.TrimSpace(k), "q-header-list") {
			for _, p := range strings.Split(v, ";") {
				out[strings.ToLower(strings.TrimSpace(p))] = true
			}
		}
	}
	return out
}

// sortedFields are the fields of h as form fields, in a stable order.
func sortedFields(h http.Header) [][2]string {
	out := make([][2]string, 0, len(h))
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, [2]string{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
