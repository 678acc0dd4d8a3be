package uploader

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// HistoryEntry is one task in an export: what a receipt needs.
type HistoryEntry struct {
	ID         TaskID    `json:"id"`
	Path       string    `json:"path"`
	Key        string    `json:"key"`
	Size       int64     `json:"size"`
	State      State     `json:"state"`
	CRC64      string    `json:"crc64"` // decimal, as COS prints it (JSON numbers lose uint64 precision)
	ETag       string    `json:"etag"`
	UploadID   string    `json:"upload_id,omitempty"`
	RequestIDs []string  `json:"request_ids"`
	Created    time.Time `json:"created"`
	Started    time.Time `json:"started,omitzero"`
	Finished   time.Time `json:"finished,omitzero"`
	Error      string    `json:"error,omitempty"`
	// Verified: done, and COS's object was checked against the file's
	// CRC64. A receipt must not claim more: an upload whose Complete
	// answer was lost under a policy without HeadObject is done but not
	// verified (its CRC64 is then the file's, not COS's).
	Verified bool `json:"verified"`
}

// History returns every task in ID order as export entries.
func (e *Engine) History() []HistoryEntry {
	e.mu.RLock()
	out := make([]HistoryEntry, 0, len(e.tasks))
	e.view(func(rd journalReader) {
		for _, t := range e.tasks {
			out = append(out, historyOf(e.snapshot(t, rd)))
		}
	})
	e.mu.RUnlock()
	slices.SortFunc(out, func(a, b HistoryEntry) int { return int(a.ID) - int(b.ID) })
	return out
}

// historyOf is a task's export entry.
func historyOf(r Snapshot) HistoryEntry {
	h := HistoryEntry{ID: r.ID, Path: r.Path, Key: r.Key, Size: r.Size, State: r.State,
		ETag: strings.Trim(r.ETag, `"`), UploadID: r.UploadID, RequestIDs: slices.Clone(r.RequestIDs),
		Created: r.Created, Started: r.Started, Finished: r.Finished, Verified: r.Verified}
	if r.CRC64 != 0 || r.State == Done {
		h.CRC64 = strconv.FormatUint(r.CRC64, 10)
	}
	if r.LastErr != nil {
		h.Error = r.LastErr.Message
	}
	if h.RequestIDs == nil {
		h.RequestIDs = []string{}
	}
	return h
}

// ExportHistory writes every task (finished ones are the history) as "csv"
// or "json": key, size, CRC64, ETag, request IDs and times.
func (e *Engine) ExportHistory(w io.Writer, format string) error {
	hist := e.History()
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(hist)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"id", "path", "key", "size", "state", "crc64", "etag", "upload_id", "request_ids", "created", "started", "finished", "error", "verified"})
		ts := func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format(time.RFC3339)
		}
		for _, h := range hist {
			cw.Write([]string{strconv.FormatUint(uint64(h.ID), 10), h.Path, h.Key, strconv.FormatInt(h.Size, 10),
				string(h.State), h.CRC64, h.ETag, h.UploadID, strings.Join(h.RequestIDs, ";"),
				ts(h.Created), ts(h.Started), ts(h.Finished), h.Error, strconv.FormatBool(h.Verified)})
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("unknown export format %q: use csv or json", format)
}

// PresignedURL returns a GET URL for a done task's object, valid for
// expires. Server-signed mode has no key to sign with, so it is an error.
// The context bounds the credential fetch (an STS server that never
// answers must not hang the caller).
func (e *Engine) PresignedURL(ctx context.Context, id TaskID, expires time.Duration) (string, error) {
	if e.cfg.Signer != nil || e.cfg.Credentials == nil {
		return "", errors.New("this profile uploads with server signatures and cannot make share links")
	}
	s, ok := e.Get(id)
	if !ok {
		return "", fmt.Errorf("no task %d", id)
	}
	if s.State != Done {
		return "", fmt.Errorf("%s is not uploaded yet", s.Path)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := e.cfg.Credentials.Credentials(ctx)
	if err != nil {
		return "", fmt.Errorf("credentials: %w", err)
	}
	var opt any
	if c.SessionToken != "" {
		opt = &cos.PresignedURLOptions{Query: &url.Values{"x-cos-security-token": {c.SessionToken}}}
	}
	u, err := e.client.Object.GetPresignedURL(ctx, http.MethodGet, s.Key, c.SecretID, c.SecretKey, expires, opt)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}
