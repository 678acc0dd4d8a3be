package profile

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"cosdrop/receipt"
)

// TestReceiptsFieldsChecked: receipts_prefix is a plain key folder
// (no root, no "." or "..", no control, bidi or invisible characters, no
// template), receipts_who a printable label of bounded length,
// receipts_paths a word of the ReceiptsPaths table.
func TestReceiptsFieldsChecked(t *testing.T) {
	good := []Profile{
		{}, {ReceiptsPrefix: ".cosdrop/receipts"}, {ReceiptsPrefix: "in/.cosdrop/receipts/", ReceiptsWho: "张三 (Support)", ReceiptsPaths: receipt.PathsNone},
		{ReceiptsPrefix: "r", ReceiptsPaths: receipt.PathsFull},
	}
	for _, p := range good {
		if err := p.CheckReceipts(); err != nil {
			t.Errorf("%+v refused: %v", p, err)
		}
	}
	bad := map[string]Profile{
		"root":       {ReceiptsPrefix: "/receipts/"},
		"dotdot":     {ReceiptsPrefix: "a/../b/"},
		"dot":        {ReceiptsPrefix: "./r"},
		"empty seg":  {ReceiptsPrefix: "a//b"},
		"control":    {ReceiptsPrefix: "a\nb/"},
		"bidi":       {ReceiptsPrefix: "r\u202eevil/"},
		"invisible":  {ReceiptsPrefix: "r\u200b/"},
		"template":   {ReceiptsPrefix: "r/{date}/"},
		"backslash":  {ReceiptsPrefix: `r\x`},
		"long":       {ReceiptsPrefix: strings.Repeat("a", 300)},
		"who bidi":   {ReceiptsWho: "Bob\u202e"},
		"who ctl":    {ReceiptsWho: "Bob\x1b[31m"},
		"who long":   {ReceiptsWho: strings.Repeat("x", 65)},
		"paths word": {ReceiptsPaths: "some"},
	}
	for name, p := range bad {
		var pe *Error
		if err := p.CheckReceipts(); !errors.As(err, &pe) || !strings.HasPrefix(pe.Field, "receipts-") {
			t.Errorf("%s: %+v accepted or unnamed: %v", name, p, err)
		}
	}
	full := Profile{Name: "x", Mode: ModePermanent, Bucket: "examplebucket-1250000000", Region: "ap-guangzhou", SecretID: "AKIDEXAMPLE", ReceiptsPrefix: "/r"}
	if err := full.Validate(); err == nil {
		t.Error("Validate accepted a receipts prefix at the root")
	}
	if got := NormalReceiptsPrefix(" .cosdrop/receipts "); got != ".cosdrop/receipts/" {
		t.Errorf("normal form %q", got)
	}
}

// TestReceiptsPathsTable: each receipts_paths word is one of package
// receipt's policies, with words in both languages.
func TestReceiptsPathsTable(t *testing.T) {
	words := map[string]string{}
	for i, s := range ReceiptsPaths {
		switch s.Name {
		case receipt.PathsFull, receipt.PathsNames, receipt.PathsNone:
		default:
			t.Errorf("ReceiptsPaths[%d] %q is not a receipt.Paths", i, s.Name)
		}
		words[fmt.Sprintf("ReceiptsPaths[%d].Label", i)] = s.Label
	}
	if ReceiptsPaths[0].Name != receipt.PathsNames {
		t.Error("the default (first) is not names only")
	}
	if len(ReceiptsPaths) != 3 {
		t.Errorf("%d entries, want full, names and none", len(ReceiptsPaths))
	}
	for _, p := range wordProblems(t, words) {
		t.Error(p)
	}
}

// TestReceiptsExportImportRoundTrip: the receipts fields survive export
// and import, and an import with a bad prefix is refused.
func TestReceiptsExportImportRoundTrip(t *testing.T) {
	p := Profile{Name: "team", Mode: ModeSTS, Bucket: "examplebucket-1250000000", Region: "ap-guangzhou",
		CredentialURL: "https://sts.example.com/sts", ReceiptsPrefix: "in/.cosdrop/receipts/", ReceiptsWho: "Front desk", ReceiptsPaths: receipt.PathsFull}
	var buf bytes.Buffer
	if err := ExportProfile(&buf, p); err != nil {
		t.Fatal(err)
	}
	got, err := ParseProfileExport(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
	}
	bad := strings.Replace(buf.String(), "in/.cosdrop", "../.cosdrop", 1)
	if _, err := ParseProfileExport([]byte(bad)); err == nil {
		t.Error("an import with a receipts prefix of .. was accepted")
	}
}
