package profile

// PolicySpec is everything CosDrop knows of one conflict policy: what
// happens when an upload's object key is already taken.
type PolicySpec struct {
	// Name is the value in the profile file and of `--on-conflict`.
	Name string
	// Aliases are other spellings `--on-conflict` takes.
	Aliases []string
	// Label is the policy's name in the editor (a translation key).
	Label string
	// Answer is the policy as an answer in the window's "Some files
	// already exist" dialog (a translation key); empty for a policy that
	// asks, which is no answer.
	Answer string
	// Engine is the engine's name of the policy (uploader.ConflictPolicy;
	// profile does not import the engine, session maps it and tests that
	// the engine knows each).
	Engine string
	// Permissions are the COS actions (CAM API names) the policy needs
	// besides uploading. Rename and ask need none: every write carries
	// x-cos-forbid-overwrite, and COS's refusal is where they apply.
	Permissions []string
	// Asks someone each time: where nobody can answer (a script, a watch
	// folder) the policy becomes Unattended instead.
	Asks bool
	// Unattended is the policy used instead where nobody can answer;
	// empty for a policy that asks nobody.
	Unattended string
}

// DefaultPolicy is the policy of a profile that names none.
const DefaultPolicy = "overwrite"

// Policies is the one table of conflict policies: the editor's choices,
// the CLI's `--on-conflict` values, Validate, session's mapping to the
// engine and the permission probe's words all read it. Its order is the
// editor's.
var Policies = []PolicySpec{
	{Name: "overwrite", Label: "Replace existing files", Answer: "Replace them", Engine: "overwrite"},
	{Name: "skip-identical", Aliases: []string{"skip"}, Label: "Skip identical files", Answer: "Skip files that are identical",
		Engine: "skip", Permissions: []string{"HeadObject"}},
	{Name: "rename", Label: "Keep both (add a number)", Answer: "Keep both (add a number)", Engine: "rename"},
	{Name: "ask", Label: "Ask each time", Engine: "ask", Asks: true, Unattended: "rename"},
}

// PolicyOf is the entry a policy name or alias names ("" is
// DefaultPolicy); ok is false for a name Policies does not hold.
func PolicyOf(name string) (spec PolicySpec, ok bool) {
	if name == "" {
		name = DefaultPolicy
	}
	for _, s := range Policies {
		if s.Name == name {
			return s, true
		}
		for _, a := range s.Aliases {
			if a == name {
				return s, true
			}
		}
	}
	return PolicySpec{}, false
}

// PolicyNames are the policies' names, in table order; attended false
// leaves out those that ask someone.
func PolicyNames(attended bool) []string {
	var out []string
	for _, s := range Policies {
		if attended || !s.Asks {
			out = append(out, s.Name)
		}
	}
	return out
}
