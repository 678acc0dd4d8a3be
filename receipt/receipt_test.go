package receipt

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func sample() Receipt {
	return Receipt{
		ID:      "a1b2c3d4-17",
		Who:     Who{Label: "Alice Wong", User: "alice", Machine: "ALICE-PC"},
		Started: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC),
		Ended:   time.Date(2026, 12, 4, 9, 5, 7, 0, time.UTC),
		Bucket:  "b-1250000000", Region: "ap-guangzhou", Paths: PathsNames,
		Counts: Counts{Done: 1, Failed: 1},
		Files: []File{
			{Key: "in/a.pdf", Path: "a.pdf", Size: 3, CRC64: "123", State: StateDone, Verified: true},
			{Key: "in/b.pdf", State: StateFailed, Reason: "The file could not be read.", Party: "file", RequestIDs: []string{"NjQ="}},
		},
	}
}

func TestEncodeParseRoundTrip(t *testing.T) {
	b, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != Kind || r.Version != Version || len(r.Files) != 2 || !r.Failed() || r.Files[1].RequestIDs[0] != "NjQ=" {
		t.Fatalf("round trip: %+v", r)
	}
}

func TestParseForeignAndDamaged(t *testing.T) {
	var d *DamagedError
	cases := []struct {
		body    string
		foreign bool
	}{
		{`{"hello":1}`, true},
		{`not json at all`, true},
		{`{"kind":"cosdrop-receipt","version":1,"id":"x"`, false},
		{`{"kind":"cosdrop-receipt","version":99,"id":"x"}`, false},
		{`{"kind":"cosdrop-receipt","version":1}`, false},
	}
	for _, c := range cases {
		_, err := Parse(strings.NewReader(c.body))
		if c.foreign && !errors.Is(err, ErrForeign) || !c.foreign && !errors.As(err, &d) {
			t.Errorf("%s: got %v", c.body, err)
		}
	}
	big := strings.NewReader(`{"kind":"cosdrop-receipt"` + strings.Repeat(" ", MaxSize) + `}`)
	if _, err := Parse(big); !errors.As(err, &d) {
		t.Errorf("oversized: got %v", err)
	}
}

func TestNameRoundTrip(t *testing.T) {
	r := sample()
	key := Name(".cosdrop/receipts/", r)
	if key != ".cosdrop/receipts/2026/12/04/090507_alice-wong_alice-pc_a1b2c3d4-17.json" {
		t.Fatalf("name: %s", key)
	}
	e, ok := ParseName(".cosdrop/receipts", key)
	if !ok || e.Who != "alice-wong" || e.Machine != "alice-pc" || e.ID != "a1b2c3d4-17" || !e.Ended.Equal(r.Ended) {
		t.Fatalf("parse name: %+v %v", e, ok)
	}
	if !strings.HasPrefix(key, DayPrefix(".cosdrop/receipts", r.Ended)) {
		t.Fatal("day prefix")
	}
	for _, k := range []string{".cosdrop/receipts/readme.txt", "other/2026/12/04/090507_a_b_c.json", ".cosdrop/receipts/2026/12/04/x_a_b_c.json"} {
		if _, ok := ParseName(".cosdrop/receipts", k); ok {
			t.Errorf("%s parsed", k)
		}
	}
	if e, ok := ParseName("", "2026/12/04/090507_a_b_c.json"); !ok || e.ID != "c" {
		t.Errorf("empty prefix: %+v %v", e, ok)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "unknown",
		"张三":                     "张三",
		"a_b/c\\d":               "a-b-c-d",
		"../..":                  "unknown",
		"\u202eevil\u0000":       "evil",
		strings.Repeat("x", 100): strings.Repeat("x", 32),
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
