package uploader

import (
	"context"
	"testing"
)

// TestControlRacesEveryState: pause, cancel and remove reach a task in
// every state a worker can be in (queued behind another, initiating,
// sending parts, completing, verifying, asking the conflict question).
// Each ends where it should, with no upload left open by cancel or remove,
// and a paused one resumes to a verified object.
func TestControlRacesEveryState(t *testing.T) {
	t.Parallel()
	type phase struct {
		name    string
		block   func(op string, n, part int) *fault
		reached func(v *fakeEnv, e *Engine, id TaskID) bool
		ask     bool
	}
	blockOn := func(want string) func(op string, n, part int) *fault {
		return func(op string, n, part int) *fault {
			if op == want {
				return &fault{block: true}
			}
			return nil
		}
	}
	state := func(st State) func(*fakeEnv, *Engine, TaskID) bool {
		return func(_ *fakeEnv, e *Engine, id TaskID) bool { s, _ := e.Get(id); return s.State == st }
	}
	phases := []phase{
		{name: "queued", block: func(op string, n, part int) *fault {
			if op == "part" && n == 1 {
				return &fault{block: true} // the first file holds the only large slot
			}
			return nil
		}, reached: state(Queued)},
		{name: "initiating", block: blockOn("initiate"), reached: func(v *fakeEnv, _ *Engine, _ TaskID) bool { return v.store.count("initiate") > 0 }},
		{name: "uploading", block: blockOn("part"), reached: func(v *fakeEnv, _ *Engine, _ TaskID) bool { return v.store.count("part") > 0 }},
		{name: "completing", block: blockOn("complete"), reached: state(Completing)},
		{name: "verifying", block: func(op string, n, part int) *fault {
			switch op {
			case "complete":
				return &fault{err: errConnReset}
			case "head":
				return &fault{block: true}
			}
			return nil
		}, reached: state(Verifying)},
		{name: "asking", ask: true, reached: func(v *fakeEnv, _ *Engine, _ TaskID) bool { return v.store.count("head") > 0 }},
	}
	for _, ph := range phases {
		for _, action := range []string{"pause", "cancel", "remove"} {
			t.Run(ph.name+"/"+action, func(t *testing.T) {
				raceOne(t, ph.block, ph.reached, ph.ask, action, ph.name == "queued")
			})
		}
	}
}

func raceOne(t *testing.T, block func(string, int, int) *fault, reached func(*fakeEnv, *Engine, TaskID) bool, ask bool, action string, queued bool) {
	v := newFakeEnv(t)
	v.store.fault = block
	cfg := v.config()
	cfg.Concurrency = 1
	if ask {
		cfg.OnConflict = Ask
		cfg.AskConflict = func(ctx context.Context, c []Conflict) (ConflictPolicy, error) {
			<-ctx.Done()
			return "", ctx.Err()
		}
	}
	e := v.engine(cfg)
	defer e.Close()
	var paths []string
	if queued {
		paths = append(paths, v.file("first.bin", 2<<20, 9))
	}
	p := v.file("big.bin", 2<<20+3, 1)
	paths = append(paths, p)
	if ask {
		v.store.objects["big.bin"] = []byte("old")
	}
	e.Add(paths...)
	var id TaskID
	waitFor(t, func() bool {
		all, _ := e.Changes(0)
		for _, s := range all {
			if s.Path == p {
				id = s.ID
			}
		}
		return id != 0 && reached(v, e, id)
	})
	switch action {
	case "pause":
		e.Pause(id)
		s := waitState(t, e, id, func(s Snapshot) bool { return s.State == Paused })
		v.store.mu.Lock()
		v.store.fault = nil
		v.store.mu.Unlock()
		if queued {
			e.Cancel(1) // free the large slot the first file holds
		}
		if ask {
			e.Close()
			cfg.OnConflict, cfg.AskConflict = Overwrite, nil
			e = v.engine(cfg)
			defer e.Close()
		}
		e.Resume(id)
		s = waitState(t, e, id, func(s Snapshot) bool { return s.State == Done || s.State == Failed })
		if s.State != Done {
			t.Fatalf("resumed after a pause: %s %+v", s.State, s.LastErr)
		}
		v.verified(s.Key, p)
	case "cancel":
		e.Cancel(id)
		if s := waitState(t, e, id, func(s Snapshot) bool { return s.State.Final() }); s.State != Canceled {
			t.Fatalf("canceled: %s %+v", s.State, s.LastErr)
		}
	case "remove":
		e.Remove(id)
		waitGone(t, e, id)
	}
	if action != "pause" {
		if queued {
			v.store.mu.Lock()
			v.store.fault = nil
			v.store.mu.Unlock()
			e.Cancel(1)
		}
		waitFor(t, func() bool { return v.store.openUploads() == 0 })
		if _, ok := v.store.object("big.bin"); ok && !ask {
			t.Errorf("a %s task left an object", action)
		}
	}
}
