// Package workflows checks files that build and ship CosDrop but hold no
// Go code. The public repository's GitHub Actions files, which no machine
// of ours runs: each must parse, every job must say where it runs and what
// it does, and every make target and package directory a step names must
// exist, so a rename here cannot silently break them. What the macOS
// recipe adds to the app's Info.plist (macos_plist_test.go), which only a
// Mac runs. And the words of the first build (buildsh_test.go).
package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// workflow is the part of a GitHub Actions file these checks read.
type workflow struct {
	Name string `yaml:"name"`
	Jobs map[string]struct {
		RunsOn string `yaml:"runs-on"`
		Steps  []struct {
			Uses string `yaml:"uses"`
			Run  string `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

var (
	makeCall = regexp.MustCompile(`\bmake\s+([a-z][a-z0-9-]*)`)
	pkgArg   = regexp.MustCompile(`\s\./([a-z][a-z0-9/]*)/`)
	target   = regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*)\s*:`)
)

// makeTargets are the targets the Makefile and its includes define.
func makeTargets(t *testing.T, root string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, f := range []string{"Makefile", "packaging.mk"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range target.FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
	}
	return out
}

func TestWorkflowsParseAndNameWhatExists(t *testing.T) {
	root := filepath.Join("..", "..")
	files, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if len(files) == 0 {
		t.Fatal("no workflow files")
	}
	targets := makeTargets(t, root)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w workflow
		if err := yaml.Unmarshal(b, &w); err != nil {
			t.Errorf("%s does not parse: %v", f, err)
			continue
		}
		if w.Name == "" || len(w.Jobs) == 0 {
			t.Errorf("%s: no name or no jobs", f)
		}
		for name, j := range w.Jobs {
			if j.RunsOn == "" || len(j.Steps) == 0 {
				t.Errorf("%s: job %s has no runs-on or no steps", f, name)
			}
			for _, s := range j.Steps {
				checkRun(t, root, f+": job "+name, s.Run, targets)
			}
		}
	}
}

// checkRun checks that the make targets and package directories a step's
// script names exist.
func checkRun(t *testing.T, root, where, run string, targets map[string]bool) {
	t.Helper()
	for _, m := range makeCall.FindAllStringSubmatch(run, -1) {
		if !targets[m[1]] {
			t.Errorf("%s runs make %s, which the Makefile does not define", where, m[1])
		}
	}
	for _, m := range pkgArg.FindAllStringSubmatch(run, -1) {
		if fi, err := os.Stat(filepath.Join(root, m[1])); err != nil || !fi.IsDir() {
			t.Errorf("%s names ./%s/, which is not a folder of the repository", where, m[1])
		}
	}
	for _, line := range strings.Split(run, "\n") {
		if strings.Contains(line, "packaging/") {
			for _, f := range strings.Fields(line) {
				if strings.HasPrefix(f, "packaging/") {
					if _, err := os.Stat(filepath.Join(root, f)); err != nil {
						t.Errorf("%s runs %s, which does not exist", where, f)
					}
				}
			}
		}
	}
}
