package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// exportFormat marks a file as a CosDrop profile export.
const exportFormat = "cosdrop-profile"

// exportDoc is what an admin hands to staff: one profile, no secret.
type exportDoc struct {
	Format  string  `json:"format"`
	Version int     `json:"version"`
	Profile Profile `json:"profile"`
}

// maxImportSize bounds what ImportProfile reads; a real export is < 1 KB.
const maxImportSize = 64 << 10

// ExportProfile writes p as a profile file. Profile has no secret field,
// so an export cannot carry one; the result is checked with the same rules
// as an import anyway, so what we write we can read back.
func ExportProfile(w io.Writer, p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(exportDoc{Format: exportFormat, Version: 1, Profile: p}, "", "  ")
	if err != nil {
		return err
	}
	if _, err := ParseProfileExport(b); err != nil {
		return fmt.Errorf("export would not import: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ProfileFileExt is the extension of a profile file: desktops associate
// it with CosDrop (a double click imports it), and export adds it.
const ProfileFileExt = ".cosdrop"

// IsProfileExport reports whether b is a profile file by its content (a
// JSON object whose "format" is CosDrop's), whatever the file is called
// and whether or not it would import: an admin's marketing.json must be
// recognised, and must never be uploaded as an ordinary file unasked.
func IsProfileExport(b []byte) bool {
	if len(b) > maxImportSize {
		return false
	}
	var head struct {
		Format string `json:"format"`
	}
	return json.Unmarshal(b, &head) == nil && head.Format == exportFormat
}

// ErrSecretInProfile is returned (wrapped) by ParseProfileExport for a file
// that carries a secret: such a file has been mishandled, and accepting it
// would teach people that sending keys around is normal.
var ErrSecretInProfile = errors.New("profile file contains a secret")

// ParseProfileExport reads a profile file written by ExportProfile (or by
// hand). It refuses a file that contains any secret-looking field at any
// depth, unknown fields, a credential URL on plain http to a non-loopback
// host, and anything else Validate rejects.
func ParseProfileExport(b []byte) (Profile, error) {
	if len(b) > maxImportSize {
		return Profile{}, profileErr("", CodeImportTooLarge, "KB", maxImportSize>>10)
	}
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		e := profileErr("", CodeImportNotJSON, "Reason", err.Error())
		e.Err = err
		return Profile{}, e
	}
	if fields := secretFields(raw, ""); len(fields) > 0 {
		e := profileErr("", CodeImportSecret, "Fields", strings.Join(fields, ", "))
		e.Err = ErrSecretInProfile
		return Profile{}, e
	}
	var doc exportDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		e := profileErr("", CodeImportInvalid, "Reason", err.Error())
		e.Err = err
		return Profile{}, e
	}
	if doc.Format != exportFormat {
		return Profile{}, profileErr("", CodeImportFormat, "Value", quote(doc.Format), "Want", quote(exportFormat))
	}
	if doc.Version != 1 {
		return Profile{}, profileErr("", CodeImportVersion, "Version", doc.Version)
	}
	if err := doc.Profile.Validate(); err != nil {
		return Profile{}, fmt.Errorf("profile file: %w", err)
	}
	// Watch folders from a file are proposals: the user confirms each
	// before anything is watched (issue 20, finding 5).
	doc.Profile.proposeWatchFolders()
	return doc.Profile, nil
}

// secretFields lists the JSON paths in v whose names look like a secret.
func secretFields(v any, path string) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if looksSecretField(k) {
				out = append(out, p)
				continue
			}
			out = append(out, secretFields(t[k], p)...)
		}
	case []any:
		for i, e := range t {
			out = append(out, secretFields(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

// looksSecretField reports whether a field or parameter name names a
// secret. SecretId is an identifier, not a secret, so it is allowed.
func looksSecretField(name string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(name))
	for _, s := range []string{"secretkey", "token", "password", "passwd", "authorization", "signature", "privatekey", "credential"} {
		if strings.Contains(n, s) && n != "credentialurl" {
			return true
		}
	}
	return n == "key" || n == "sk" || n == "secret" || n == "apikey"
}
