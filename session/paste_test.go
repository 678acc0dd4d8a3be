package session

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPastedImageNames: two pastes in one second get two names; an old
// pasted image is removed at the next paste; a non-PNG is refused.
func TestPastedImageNames(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 5, 9, 7, 3, 0, time.Local)
	png := append(append([]byte{}, pngMagic...), "rest"...)
	old := filepath.Join(dir, "2026-11-01", "old.png")
	if err := os.MkdirAll(filepath.Dir(old), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, png, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(old, now.Add(-pasteKeep-time.Hour), now.Add(-pasteKeep-time.Hour)); err != nil {
		t.Fatal(err)
	}
	a, err := PastedImage(png, "", dir, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := PastedImage(png, "", dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Rel != "2026-12-05/090703-screenshot.png" || b.Rel != "2026-12-05/090703-screenshot-2.png" {
		t.Errorf("names %q and %q", a.Rel, b.Rel)
	}
	if got, _ := os.ReadFile(b.Path); string(got) != string(png) {
		t.Errorf("saved %q", got)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an image pasted over %v ago is still there: %v", pasteKeep, err)
	}
	if _, err := PastedImage([]byte("GIF89a"), "", dir, now); PasteWords(err) == "" {
		t.Errorf("a GIF: %v, want a paste error with words", err)
	}
}
