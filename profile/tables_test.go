package profile

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cosdrop/auth"
	"cosdrop/internal/i18ncheck"
)

// flagValueRE is what a table name must look like to be typed after
// --mode or --on-conflict and stored in a profile file.
var flagValueRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// knownFields are the credential fields Validate and the editor handle.
var knownFields = []Field{FieldSecretID, FieldCredentialURL, FieldSign}

// wordProblems lists the words (translation keys) missing from the
// catalogues (Chinese; English only for counted ones), or translated with
// other placeholders.
func wordProblems(t *testing.T, words map[string]string) []string {
	t.Helper()
	var msgs []i18ncheck.Message
	var out []string
	for where, text := range words {
		if text == "" {
			out = append(out, where+": no words (a translation key with its Chinese line)")
			continue
		}
		msgs = append(msgs, i18ncheck.Message{Text: text, Where: where})
	}
	problems, err := i18ncheck.Check(filepath.Join("..", "assets", "translations"), msgs)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, problems...)
}

// permissionProblem says why the probe cannot word permission a, or "".
func permissionProblem(a string) string {
	if c := auth.ProbeCode(a, auth.Allowed); c.Template() == string(c) {
		return fmt.Sprintf("the permission probe has no words for %q (auth/probe.go probeWords)", a)
	}
	return ""
}

// sample is a profile of spec's mode with every field it uses filled in.
func sample(spec ModeSpec) Profile {
	p := Profile{Name: "sample", Mode: spec.Mode, Bucket: "examplebucket-1250000000", Region: "ap-guangzhou"}
	if spec.Uses(FieldSecretID) {
		p.SecretID = "AKIDEXAMPLE0000000000"
	}
	if spec.Uses(FieldCredentialURL) {
		p.CredentialURL = "https://sts.example.com/sts"
	}
	if spec.Uses(FieldSign) {
		p.PutSignURL = "https://sign.example.com/put-sign"
	}
	return p
}

// modeProblems lists what entry i of Modes lacks.
func modeProblems(t *testing.T, i int, spec ModeSpec, seen map[Mode]bool) []string {
	where := fmt.Sprintf("Modes[%d] (%q)", i, spec.Mode)
	var out []string
	bad := func(format string, a ...any) { out = append(out, where+": "+fmt.Sprintf(format, a...)) }
	if !flagValueRE.MatchString(string(spec.Mode)) || seen[spec.Mode] {
		bad("the name must be a new --mode value of lower-case letters, digits and '-'")
	}
	seen[spec.Mode] = true
	for _, f := range spec.Fields {
		if !slices.Contains(knownFields, f) {
			bad("field %q is not one Validate and the editor handle", f)
		}
	}
	if spec.Secret.Account == nil || spec.Secret.Account("x") == "" {
		bad("Secret.Account is missing: which keyring item holds its secret")
	}
	if strings.Count(spec.Secret.Next, "%s") != 1 {
		bad("Secret.Next must name the profile once (%%s): what to do after saving it")
	}
	if _, ok := openers[spec.Signs]; !ok {
		bad("Signs %q has no opener in profile/open.go: Open could not sign its uploads", spec.Signs)
	}
	if len(spec.Permissions) == 0 {
		bad("Permissions is empty: the probe would check nothing")
	}
	for _, a := range spec.Permissions {
		if p := permissionProblem(a); p != "" {
			bad("%s", p)
		}
	}
	if err := sample(spec).Validate(); err != nil {
		bad("a profile with the fields it uses does not validate: %v", err)
	}
	out = append(out, wordProblems(t, map[string]string{where + ".Label": spec.Label,
		where + ".Secret.Word": spec.Secret.Word, where + ".Secret.Next": spec.Secret.Next})...)
	return out
}

// TestModesComplete is the completeness test of the mode table: every
// entry has a flag value, words with their Chinese line, known fields, a
// keyring secret with its words, a way of signing that Open builds, and
// permissions the probe words; a profile with the fields it uses is valid.
func TestModesComplete(t *testing.T) {
	if len(Modes) == 0 {
		t.Fatal("no modes")
	}
	seen := map[Mode]bool{}
	for i, spec := range Modes {
		for _, p := range modeProblems(t, i, spec, seen) {
			t.Error(p)
		}
	}
}

// policyProblems lists what entry i of Policies lacks.
func policyProblems(t *testing.T, i int, spec PolicySpec, seen map[string]bool) []string {
	where := fmt.Sprintf("Policies[%d] (%q)", i, spec.Name)
	var out []string
	bad := func(format string, a ...any) { out = append(out, where+": "+fmt.Sprintf(format, a...)) }
	for _, n := range append([]string{spec.Name}, spec.Aliases...) {
		if !flagValueRE.MatchString(n) || seen[n] {
			bad("%q must be a new --on-conflict value of lower-case letters, digits and '-'", n)
		}
		seen[n] = true
	}
	if spec.Engine == "" {
		bad("Engine is missing: which engine policy it is")
	}
	for _, a := range spec.Permissions {
		if p := permissionProblem(a); p != "" {
			bad("%s", p)
		}
	}
	words := map[string]string{where + ".Label": spec.Label}
	if spec.Asks {
		if u, ok := PolicyOf(spec.Unattended); !ok || u.Asks || spec.Unattended == "" {
			bad("Unattended %q must name a policy that asks nobody: where nobody can answer", spec.Unattended)
		}
	} else {
		words[where+".Answer"] = spec.Answer
	}
	p := Profile{Name: "sample", Mode: ModePermanent, Bucket: "examplebucket-1250000000", Region: "ap-guangzhou",
		SecretID: "AKIDEXAMPLE0000000000", OnConflict: spec.Name}
	if err := p.Validate(); err != nil {
		bad("a profile naming it does not validate: %v", err)
	}
	return append(out, wordProblems(t, words)...)
}

// TestPoliciesComplete is the completeness test of the policy table:
// every entry has flag values, words with their Chinese line (its name in
// the editor, its answer in the window's dialog), an engine policy,
// permissions the probe words, and a fallback where it asks someone.
func TestPoliciesComplete(t *testing.T) {
	if _, ok := PolicyOf(DefaultPolicy); !ok {
		t.Fatalf("DefaultPolicy %q is not in the table", DefaultPolicy)
	}
	seen := map[string]bool{}
	for i, spec := range Policies {
		for _, p := range policyProblems(t, i, spec, seen) {
			t.Error(p)
		}
	}
}

// Validate refuses, in every mode, a credential field the mode does not
// use: the table's Fields are what it enforces.
func TestModesRefuseUnusedFields(t *testing.T) {
	for _, spec := range Modes {
		for _, f := range knownFields {
			if spec.Uses(f) {
				continue
			}
			p := sample(spec)
			switch f {
			case FieldSecretID:
				p.SecretID = "AKIDEXAMPLE0000000000"
			case FieldCredentialURL:
				p.CredentialURL = "https://sts.example.com/sts"
			case FieldSign:
				p.SignMethod = auth.SignPut
			}
			if err := p.Validate(); err == nil {
				t.Errorf("mode %s accepts %s, which it does not use", spec.Mode, f)
			}
		}
	}
}
