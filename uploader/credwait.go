package uploader

import "time"

// NoteWaitingCredentials: the run has no credentials yet and is waiting for
// the credential server (a slow, dead or unreachable one). Without it a row
// said "Uploading 0 %" and nothing else for the ~20 s the retries took
// before failing. Cleared once credentials arrive and when the run ends.
const NoteWaitingCredentials NoteCode = "waiting_credentials"

// credentialNoteAfter is how long a run waits for credentials before its
// row says so: a cached set or a quick fetch shows nothing, a server that
// does not answer is named within the first second.
const credentialNoteAfter = 300 * time.Millisecond

// credentialAskAgain is how often the watcher asks again after a failed
// fetch, to learn when the server answers again (the provider backs off
// on its own, so a failing server is not hammered).
const credentialAskAgain = time.Second

// watchCredentials words the run's wait for credentials: beside the run,
// which asks for the same credentials through its requests and retries
// them by the engine's policy, it asks the provider, notes
// NoteWaitingCredentials on the task once the answer takes longer than
// credentialNoteAfter or fails, and clears the note when credentials
// arrive. It ends with the run. Signed uploads have no credential set to
// wait for.
func (w *worker) watchCredentials() {
	p := w.e.cfg.Credentials
	if p == nil || w.e.cfg.Signer != nil {
		return
	}
	ctx := w.rs.ctx
	got := make(chan error, 1)
	ask := func() {
		_, err := p.Credentials(ctx)
		got <- err
	}
	go ask()
	w.e.wg.Add(1)
	go func() {
		defer w.e.wg.Done()
		wait := time.NewTimer(credentialNoteAfter)
		defer wait.Stop()
		noted, asking := false, true
		for {
			select {
			case <-ctx.Done():
				return
			case <-wait.C:
				if !noted {
					noted = true
					w.send(report{kind: rWaiting, waiting: true})
				}
				if !asking {
					asking = true
					go ask()
				}
			case err := <-got:
				asking = false
				if err == nil {
					if noted {
						w.send(report{kind: rWaiting})
					}
					return
				}
				if !noted {
					noted = true
					w.send(report{kind: rWaiting, waiting: true})
				}
				wait.Reset(credentialAskAgain)
			}
		}
	}()
}

// waitingNote applies a watcher's report: the note while waiting, none
// once credentials arrived (another note set meanwhile is kept).
func (r *record) waitingNote(waiting bool) {
	switch {
	case waiting:
		r.Note = note(NoteWaitingCredentials)
	case r.Note.Code == NoteWaitingCredentials:
		r.Note = Note{}
	}
}
