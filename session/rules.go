package session

import (
	"slices"

	"cosdrop/profile"
	"cosdrop/uploader"
)

// EffectiveRules are the upload rules an engine configured from o applies:
// o.Rules (the profile's) with the CLI's --exclude patterns added and
// --no-default-excludes applied. The result is validated like a profile's
// rules; nil when nothing is set (the defaults).
func EffectiveRules(o Overrides) (*profile.Rules, error) {
	if len(o.Exclude) == 0 && !o.NoDefaultExcludes {
		return o.Rules, o.Rules.Validate()
	}
	r := &profile.Rules{}
	if o.Rules != nil {
		c := *o.Rules
		c.Exclude = slices.Clone(c.Exclude)
		r = &c
	}
	r.Exclude = append(r.Exclude, o.Exclude...)
	r.NoDefaultExcludes = r.NoDefaultExcludes || o.NoDefaultExcludes
	return r, r.Validate()
}

// applyRules hands the rules to the engine: which files of a dropped
// folder are left out and which headers each object gets.
func applyRules(cfg *uploader.Config, o Overrides) error {
	r, err := EffectiveRules(o)
	if err != nil {
		return err
	}
	cfg.Exclude, cfg.Headers = r.Excluded, r.HeadersFor
	return nil
}
