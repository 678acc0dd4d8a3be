package uploader

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"cosdrop/auth"
)

// gatedCredentials is a credential server that does not answer until
// opened: before that, every fetch waits for its context, or fails at once
// when refuse is set (an unreachable server).
type gatedCredentials struct {
	open   chan struct{}
	refuse atomic.Bool
}

func (g *gatedCredentials) Credentials(ctx context.Context) (auth.Credentials, error) {
	if g.refuse.Load() {
		select {
		case <-g.open:
		default:
			return auth.Credentials{}, errors.New("connection refused")
		}
	}
	select {
	case <-g.open:
		return auth.Credentials{SecretID: testID, SecretKey: testKey}, nil
	case <-ctx.Done():
		return auth.Credentials{}, ctx.Err()
	}
}

func (g *gatedCredentials) Refresh(ctx context.Context) (auth.Credentials, error) {
	return g.Credentials(ctx)
}

// A credential server that does not answer (or refuses): the row says it
// is waiting for it while the run waits, not a bare "Uploading 0 %" for the
// ~20 s of retries; the note goes once credentials arrive and the upload
// finishes. No timing is asserted: the test polls for the note.
func TestWaitingForCredentialServerNoted(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		name := "silent"
		if refuse {
			name = "refusing"
		}
		t.Run(name, func(t *testing.T) {
			v := newEnv(t)
			g := &gatedCredentials{open: make(chan struct{})}
			g.refuse.Store(refuse)
			cfg := v.config()
			cfg.Credentials = g
			cfg.RetryBase, cfg.RetryMax = waitBound, waitBound // a refused run stays in its first backoff, still waiting
			e := v.engine(cfg)
			defer e.Close()
			path := filepath.Join(v.data, "photo.jpg")
			writeFile(t, path, 1000, 1)
			id := onlyTask(t, e, e.Add(path))
			s := waitState(t, e, id, func(s Snapshot) bool { return s.Note.Code == NoteWaitingCredentials })
			if s.State != Uploading {
				t.Fatalf("noted waiting in state %s", s.State)
			}
			if refuse {
				return // the refused request now waits out a backoff of waitBound; Close ends it
			}
			close(g.open)
			s = waitState(t, e, id, func(s Snapshot) bool { return s.State.Final() })
			if s.State != Done || s.Note.Code == NoteWaitingCredentials {
				t.Fatalf("after the server answered: state %s, note %+v, error %+v", s.State, s.Note, s.LastErr)
			}
		})
	}
}
