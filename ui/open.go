package ui

import (
	"context"
	"strings"
	"sync"

	"fyne.io/fyne/v2"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
)

// SandboxName is the built-in profile that uploads to an in-process local
// COS server, so the app works before anyone has an account.
const SandboxName = session.SandboxName

// SandboxFaultsEnv holds a localcos fault plan for the Sandbox server (see
// session.SandboxFaultsEnv).
const SandboxFaultsEnv = session.SandboxFaultsEnv

// openedProfile is the window's view of one opened profile. Opening, wording and
// closing live in package session (Fyne-free, shared with the CLI); this
// keeps what the widgets read. Tests build it directly around a scripted
// engine (then s is nil).
type openedProfile struct {
	name       string
	profile    profile.Profile // zero for the Sandbox
	sandbox    bool
	engine     Engine
	bucketURL  string
	canPresign bool
	closers    []func() error
	s          *session.Session
}

// close pauses the engine (it persists unfinished tasks) and stops the
// Sandbox server. It blocks: call it off the Fyne goroutine. Closing twice
// is harmless (the opener closes a session it reopens).
func (s *openedProfile) close() error {
	if s.s != nil {
		return s.s.Close()
	}
	var err error
	for _, c := range s.closers {
		if e := c(); e != nil && err == nil {
			err = e
		}
	}
	s.closers = nil
	return err
}

// objectURL is the plain (unsigned) URL of key in the session's bucket.
func (s *openedProfile) objectURL(key string) string {
	if s.s != nil {
		return s.s.ObjectURL(key)
	}
	return (&session.Session{BucketURL: s.bucketURL}).ObjectURL(key)
}

// opener opens sessions by profile name through session.Opener, the one
// profile-to-engine path the CLI uses too. It runs on its own goroutine:
// opening may read the keyring, start a server or open a journal.
type opener struct {
	dataDir   string
	profiles  *profile.Profiles
	secrets   auth.SecretStore
	ask       func(ctx context.Context, c []uploader.Conflict) (uploader.ConflictPolicy, error)
	rateLimit func() int64

	once  sync.Once
	inner *session.Opener
}

func (o *opener) get() *session.Opener {
	o.once.Do(func() {
		o.inner = &session.Opener{DataDir: o.dataDir, Profiles: o.profiles, Secrets: o.secrets, Ask: o.ask, RateLimit: o.rateLimit}
	})
	return o.inner
}

// open opens the named profile. Opening the profile already open (its
// settings were saved) closes the old engine first, so the window applies
// the changes instead of locking itself out of its own journal.
func (o *opener) open(ctx context.Context, name string) (*openedProfile, error) {
	s, err := o.get().Open(ctx, name)
	if err != nil {
		return nil, err
	}
	return wrap(s), nil
}

// openSandbox opens the built-in Sandbox profile.
func (o *opener) openSandbox() (*openedProfile, error) {
	s, err := o.get().OpenSandbox()
	if err != nil {
		return nil, err
	}
	return wrap(s), nil
}

func wrap(s *session.Session) *openedProfile {
	return &openedProfile{name: s.Name, profile: s.Profile, sandbox: s.Sandbox, engine: s.Engine,
		bucketURL: s.BucketURL, canPresign: s.CanPresign, s: s}
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

// defaultDataDir is the engine's data directory (journals, Sandbox objects).
func defaultDataDir() string { return session.DefaultDataDir() }

// openTimeout bounds opening a profile (keyring and credential server).
const openTimeout = session.OpenTimeout

// setAside moves the named profile's damaged journal aside (closing its
// session first) and returns what to tell the user; the window then opens
// the profile again. For a "Set aside" action next to the notice that
// session.ErrText shows for a damaged journal.
func (o *opener) setAside(name string) (string, error) { return o.get().SetAside(name) }

// acceptHandoffs makes this window the single CosDrop window on its data
// directory: files given to a second launch ("Open with CosDrop" while the
// window runs) arrive here and are added as if dropped, and the window
// comes to the front. It returns the function that stops listening; when
// another window already listens, it listens to nothing.
func (w *mainWindow) acceptHandoffs() (stop func() error) {
	stop, err := session.ListenWindow(w.opener.dataDir, func(paths []string) {
		fyne.Do(func() {
			w.open(paths)
			w.bg.showWindow() // tray.go: back from the tray, to the front
		})
	})
	if err != nil {
		return func() error { return nil }
	}
	return stop
}
