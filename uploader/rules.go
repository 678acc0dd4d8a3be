package uploader

import (
	"net/http"
	"path/filepath"

	"cosdrop/auth"
	"cosdrop/contenttype"
)

// Upload rules (issue 13): the headers a profile's rules give each object
// travel with the request that creates it: the PUT, the Initiate of a
// multipart upload (COS keeps them for the Complete; parts carry none),
// or the server-signed PUT or POST form.

// relOf is the task's path relative to the folder it was dropped in (what
// rules match), or its name when dropped on its own or journaled before
// rules existed.
func relOf(r *record) string {
	if r.RelAt > 0 && r.RelAt < len(r.Path) {
		return filepath.ToSlash(r.Path[r.RelAt:])
	}
	return filepath.Base(r.Path)
}

// headers are what the rules give the task's file.
func (w *worker) headers() auth.ObjectHeaders {
	if w.e.cfg.Headers == nil {
		return auth.ObjectHeaders{}
	}
	return w.e.cfg.Headers(relOf(&w.r))
}

// writeOpts are the headers of a write of the task's file to key: the
// rules' Content-Type or the one of the key's name, and the others.
func (w *worker) writeOpts(key string) writeOpts {
	h := w.headers()
	ct := h.ContentType
	if ct == "" {
		ct = contenttype.ForName(key)
	}
	return writeOpts{ctype: ct, forbid: w.forbid(), hdr: h}
}

// optionHeader is x-cos-forbid-overwrite and the rules' headers (all
// but Content-Type, which has its own field), or nil when there are none.
func (o writeOpts) optionHeader() *http.Header {
	h := o.hdr.Header()
	if o.forbid {
		h.Set("X-Cos-Forbid-Overwrite", "true")
	}
	if len(h) == 0 {
		return nil
	}
	return &h
}
