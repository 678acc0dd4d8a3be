package session

import (
	"slices"
	"testing"

	"cosdrop/profile"
	"cosdrop/uploader"
)

// Every conflict policy of profile's table, by name and by alias, maps
// to a policy the engine implements; one that asks maps to its
// unattended fallback where nobody can answer.
func TestPoliciesMapToEngine(t *testing.T) {
	engine := []uploader.ConflictPolicy{uploader.Overwrite, uploader.SkipIdentical, uploader.Rename, uploader.Ask}
	for _, p := range profile.Policies {
		for _, name := range append([]string{p.Name}, p.Aliases...) {
			got, err := ConflictPolicy(name, true)
			if err != nil || !slices.Contains(engine, got) || string(got) != p.Engine {
				t.Errorf("policy %q maps to %q, %v: want the engine's %q", name, got, err, p.Engine)
			}
		}
		if unattended, _ := ConflictPolicy(p.Name, false); p.Asks && unattended == uploader.ConflictPolicy(p.Engine) {
			t.Errorf("policy %q still asks where nobody can answer", p.Name)
		}
	}
}
