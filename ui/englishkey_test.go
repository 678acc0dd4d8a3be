package ui

import (
	"bytes"
	"log"
	"testing"

	"cosdrop/profile"
	"cosdrop/session"
)

// A plain message needs no English catalogue line (internal/i18ncheck
// requires only the Chinese one): in English the window and the session
// give its key, which is its text, and Fyne logs nothing. The mode and
// policy tables' words have no English lines, so a new mode touches its
// table and the Chinese catalogue only.
func TestEnglishNeedsNoLineForAPlainMessage(t *testing.T) {
	setLocale("en_US.UTF-8")
	var logged bytes.Buffer
	old := log.Writer()
	log.SetOutput(&logged)
	defer log.SetOutput(old)
	words := []string{"no catalogue has this line {{.Name}}"}
	for _, m := range profile.Modes {
		words = append(words, m.Label)
	}
	for _, p := range profile.Policies {
		words = append(words, p.Label)
	}
	for _, w := range words {
		want := w
		if w == words[0] {
			want = "no catalogue has this line Ann"
		}
		if got := T(w, map[string]any{"Name": "Ann"}); got != want {
			t.Errorf("window: %q became %q", w, got)
		}
		if got := session.T(w, map[string]any{"Name": "Ann"}); got != want {
			t.Errorf("session: %q became %q", w, got)
		}
	}
	if logged.Len() > 0 {
		t.Errorf("Fyne logged:\n%s", logged.String())
	}
}
