package autostart

import (
	"testing"

	"golang.org/x/sys/windows/registry"
)

// The real HKCU Run key (in CI: Wine's registry, which stores it as Windows
// does): New's backend writes the value Windows runs at login, reads it back
// and removes it, leaving the key's other values alone.
func TestRunKeyRealRegistry(t *testing.T) {
	a := testApp(`C:\Program Files\CosDrop\cosdrop.exe`)
	a.Name = "CosDrop test " + t.Name() // never the installed app's own value
	s := New(a)
	t.Cleanup(func() { s.Disable() })
	for range 2 {
		if err := s.Enable(); err != nil {
			t.Fatal(err)
		}
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, RunKeyPath, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := k.GetStringValue(a.Name)
	k.Close()
	if err != nil || v != `"C:\Program Files\CosDrop\cosdrop.exe" --background` {
		t.Fatalf("Run value %q, %v", v, err)
	}
	if on, err := s.IsEnabled(); err != nil || !on {
		t.Fatalf("IsEnabled after Enable: %v %v", on, err)
	}
	for range 2 {
		if err := s.Disable(); err != nil {
			t.Fatal(err)
		}
	}
	if on, err := s.IsEnabled(); err != nil || on {
		t.Fatalf("IsEnabled after Disable: %v %v", on, err)
	}
}
