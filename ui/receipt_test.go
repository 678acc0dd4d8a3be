package ui

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"cosdrop/session"
	"cosdrop/uploader"
)

// Finding 9 (issue #12): receipts name the profile, bucket and region of
// every upload, and the CSV starts with a UTF-8 BOM so Excel shows Chinese
// paths; diagnostics carry the recent errors with request IDs and the
// profile's settings, redacted.
func TestReceiptsAndDiagnostics(t *testing.T) {
	engineCSV := "id,path,key,size,state\n1,/d/报告.pdf,uploads/报告.pdf,10,done\n"
	fake := func(out io.Writer, format string) error {
		if format == "csv" {
			_, err := out.Write([]byte(engineCSV))
			return err
		}
		_, err := out.Write([]byte(`[{"id":1,"path":"/d/报告.pdf","crc64":"123"}]`))
		return err
	}
	p := receiptPlace{Profile: "Marketing", Bucket: "photos-1250000000", Region: "ap-shanghai",
		Words: map[string][2]string{"1": {"Excluded by the rule *.tmp", "https://cdn.example.com/uploads/报告.pdf"}}}
	var csvOut bytes.Buffer
	if err := writeReceipt(&csvOut, "csv", p, fake); err != nil {
		t.Fatal(err)
	}
	got := csvOut.String()
	if !strings.HasPrefix(got, "\ufeff") {
		t.Errorf("CSV receipt has no UTF-8 BOM: %q", got[:min(10, len(got))])
	}
	if !strings.Contains(got, "profile,bucket,region,id,path,key,size,state,note,link") ||
		!strings.Contains(got, "Marketing,photos-1250000000,ap-shanghai,1,/d/报告.pdf,uploads/报告.pdf,10,done,Excluded by the rule *.tmp,https://cdn.example.com/uploads/报告.pdf") {
		t.Errorf("CSV receipt lacks where the upload went:\n%s", got)
	}
	var jsonOut bytes.Buffer
	if err := writeReceipt(&jsonOut, "json", p, fake); err != nil {
		t.Fatal(err)
	}
	var entries []map[string]any
	if err := json.Unmarshal(jsonOut.Bytes(), &entries); err != nil || len(entries) != 1 {
		t.Fatalf("JSON receipt: %v %s", err, jsonOut.String())
	}
	if entries[0]["bucket"] != p.Bucket || entries[0]["region"] != p.Region || entries[0]["profile"] != p.Profile || entries[0]["crc64"] != "123" ||
		entries[0]["note"] != "Excluded by the rule *.tmp" || entries[0]["link"] != "https://cdn.example.com/uploads/报告.pdf" {
		t.Errorf("JSON receipt entry %v", entries[0])
	}

	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.jpg")
	e.set(1, func(s *uploader.Snapshot) {
		s.State = uploader.Failed
		s.Errors = []uploader.TaskError{{Op: "upload part 2", Code: "InternalError", HTTPStatus: 500, RequestID: "NjQ1ZmE2"}}
	})
	w.tick()
	d := w.history.diagnostics()
	for _, want := range []string{"Recent errors", "NjQ1ZmE2", "InternalError", "Bucket: " + session.SandboxBucket, "Region: " + session.SandboxRegion, "Speed limit", "failed 1"} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, d)
		}
	}
	if n := strings.Count(d, "\n"); n < 8 {
		t.Errorf("diagnostics are %d lines; support needs more", n)
	}
}
