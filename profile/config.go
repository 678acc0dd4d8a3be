package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// ConfigDirEnv overrides ConfigDir, for tests and portable installs.
const ConfigDirEnv = "COSDROP_CONFIG_DIR"

// profilesFile is the file, inside ConfigDir, that holds every profile.
const profilesFile = "profiles.json"

// ConfigDir is where CosDrop keeps its profiles: $COSDROP_CONFIG_DIR when
// set, else os.UserConfigDir()/cosdrop (~/.config/cosdrop on Linux,
// ~/Library/Application Support/cosdrop on macOS, %AppData%\cosdrop on
// Windows). It returns "" only when the OS has no config dir at all (no
// $HOME); callers then report that error from Profiles.
func ConfigDir() string {
	if d := os.Getenv(ConfigDirEnv); d != "" {
		return d
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "cosdrop")
}

// ErrNoProfile is returned (wrapped) when a named profile does not exist.
var ErrNoProfile = errors.New("no such profile")

// Profiles is the profile list stored in Dir/profiles.json. The file never
// holds a secret, is written with mode 0600 and replaced atomically, so a
// crash leaves either the old or the new list. Methods are safe for
// concurrent use within one process; two processes editing at once may lose
// one edit, never corrupt the file.
type Profiles struct {
	Dir string
	mu  sync.Mutex
}

// NewProfiles returns the profile list in dir (ConfigDir() when empty).
func NewProfiles(dir string) *Profiles {
	if dir == "" {
		dir = ConfigDir()
	}
	return &Profiles{Dir: dir}
}

// profilesDoc is the on-disk format. Version lets a later release migrate.
type profilesDoc struct {
	Version  int       `json:"version"`
	Profiles []Profile `json:"profiles"`
}

func (ps *Profiles) path() (string, error) {
	if ps.Dir == "" {
		return "", &Error{Message: msg(CodeConfigNoDir, "Env", ConfigDirEnv)}
	}
	return filepath.Join(ps.Dir, profilesFile), nil
}

// File is the path of the profile list's file ("" without a Dir): the
// window watches it for profiles the command line adds.
func (ps *Profiles) File() string {
	p, _ := ps.path()
	return p
}

// List returns every profile, sorted by name. A missing file is an empty
// list.
func (ps *Profiles) List() ([]Profile, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.load()
}

func (ps *Profiles) load() ([]Profile, error) {
	p, err := ps.path()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Message: msg(CodeProfilesRead, "Path", p, "Reason", err.Error()), Err: err}
	}
	var doc profilesDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, &Error{Message: msg(CodeProfilesBroken, "Path", p, "Reason", err.Error()), Err: err}
	}
	sort.Slice(doc.Profiles, func(i, j int) bool { return doc.Profiles[i].Name < doc.Profiles[j].Name })
	return doc.Profiles, nil
}

// Get returns the profile called name, or an error wrapping ErrNoProfile.
func (ps *Profiles) Get(name string) (Profile, error) {
	list, err := ps.List()
	if err != nil {
		return Profile{}, err
	}
	for _, p := range list {
		if p.Name == name {
			return p, nil
		}
	}
	return Profile{}, &Error{Message: msg(CodeNoProfile, "Name", quote(name)), Err: ErrNoProfile}
}

// Put validates p and adds it, replacing a profile with the same name.
func (ps *Profiles) Put(p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	list, err := ps.load()
	if err != nil {
		return err
	}
	replaced := false
	for i := range list {
		if list[i].Name == p.Name {
			list[i], replaced = p, true
		}
	}
	if !replaced {
		list = append(list, p)
	}
	return ps.save(list)
}

// Remove deletes the profile called name (ErrNoProfile when absent). It does
// not touch the keyring; callers remove the profile's secrets too.
func (ps *Profiles) Remove(name string) error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	list, err := ps.load()
	if err != nil {
		return err
	}
	out := list[:0]
	for _, p := range list {
		if p.Name != name {
			out = append(out, p)
		}
	}
	if len(out) == len(list) {
		return &Error{Message: msg(CodeNoProfile, "Name", quote(name)), Err: ErrNoProfile}
	}
	return ps.save(out)
}

func (ps *Profiles) save(list []Profile) error {
	p, err := ps.path()
	if err != nil {
		return err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	if list == nil {
		list = []Profile{}
	}
	b, err := json.MarshalIndent(profilesDoc{Version: 1, Profiles: list}, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(p, append(b, '\n'))
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory (mode 0600 from the start, so no other user can ever read it),
// flushed to disk, then renamed over the old one.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp already uses 0600; Chmod makes it explicit on every OS.
	if err = f.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Make the rename itself durable; not possible (nor needed) on Windows.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
