package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cosdrop/profile"
	"cosdrop/uploader"
)

// conflictMemory remembers an "apply to all" answer for the rest of the
// session, so the question comes once, not once per drop.
type conflictMemory struct {
	mu     sync.Mutex
	policy uploader.ConflictPolicy
}

func (m *conflictMemory) get() uploader.ConflictPolicy {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.policy
}

func (m *conflictMemory) set(p uploader.ConflictPolicy) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.policy = p
}

// askConflict is the engine's AskConflict hook. It runs on an engine
// goroutine, shows one dialog for the batch through fyne.Do and waits for
// the answer (or the batch's context).
func (w *mainWindow) askConflict(ctx context.Context, cs []uploader.Conflict) (uploader.ConflictPolicy, error) {
	if p := w.conflict.get(); p != "" {
		return p, nil
	}
	answer := make(chan uploader.ConflictPolicy, 1)
	fyne.Do(func() { w.showConflict(cs, answer) })
	select {
	case p := <-answer:
		if p == "" {
			return "", fmt.Errorf("the user declined to upload over existing files")
		}
		return p, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// conflictChoices are the answers in dialog order: each policy that asks
// nobody (profile.Policies), then "don't upload" (policy "").
func conflictChoices() (words []string, policies []uploader.ConflictPolicy) {
	for _, c := range profile.Policies {
		if !c.Asks {
			words, policies = append(words, T(c.Answer)), append(policies, uploader.ConflictPolicy(c.Engine))
		}
	}
	return append(words, T("Don't upload them")), append(policies, "")
}

func (w *mainWindow) showConflict(cs []uploader.Conflict, answer chan<- uploader.ConflictPolicy) {
	var names []string
	for i, c := range cs {
		if i == 5 {
			names = append(names, T("and {{.Count}} more", map[string]any{"Count": len(cs) - 5}))
			break
		}
		names = append(names, c.Key)
	}
	msg := widget.NewLabel(N("{{.Count}} files already exist in the bucket:", len(cs)) +
		"\n" + strings.Join(names, "\n"))
	msg.Wrapping = fyne.TextWrapWord
	words, policies := conflictChoices()
	choice := widget.NewRadioGroup(words, nil)
	choice.SetSelected(words[1])
	all := widget.NewCheck(T("Apply to all uploads until CosDrop is closed"), nil)
	d := dialog.NewCustomConfirm(T("Some files already exist"), T("Continue"), T("Cancel"),
		widget.NewForm(widget.NewFormItem("", msg), widget.NewFormItem("", choice), widget.NewFormItem("", all)),
		func(ok bool) {
			p := uploader.ConflictPolicy("")
			if ok {
				for i, c := range words {
					if c == choice.Selected {
						p = policies[i]
					}
				}
			}
			if ok && all.Checked && p != "" {
				w.conflict.set(p)
			}
			answer <- p
		}, w.win)
	d.Resize(fyne.NewSize(520, 380))
	w.dialogs.present(d)
}
