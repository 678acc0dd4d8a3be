package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/session"
)

// profileExt names profile files: dropping one on the window imports it.
const profileExt = profile.ProfileFileExt

// modeNames are the credential modes' words, in profile.Modes order.
func modeNames() []string {
	out := make([]string, len(profile.Modes))
	for i, m := range profile.Modes {
		out[i] = T(m.Label)
	}
	return out
}

// conflictNames are the conflict policies' words, in profile.Policies
// order.
func conflictNames() []string {
	out := make([]string, len(profile.Policies))
	for i, c := range profile.Policies {
		out[i] = T(c.Label)
	}
	return out
}

// profileEditor edits one profile. The SecretKey and login token fields
// write to the SecretStore (the OS keyring); the profile file never sees
// them, and profile.Profile has no field that could carry them.
type profileEditor struct {
	profiles *profile.Profiles
	secrets  auth.SecretStore
	original string // name being edited; "" for a new profile

	name, bucket, region, endpoint, prefix *widget.Entry
	secretID, secretKey, credURL, token    *widget.Entry
	mode                                   *widget.RadioGroup
	net                                    *netFields // proxy and signing server
	conflict                               *safeSelect
	problem                                *widget.Label
	result                                 *widget.Label
	save, test                             *widget.Button
	// del deletes the saved profile; nil for a new or imported one.
	del     *widget.Button
	win     fyne.Window
	content fyne.CanvasObject
	// touched turns on the problem line: an empty new form is not an
	// error yet, only after the user starts typing.
	touched bool
	// linkTemplate is the profile's link template (links.go).
	linkTemplate *widget.Entry
	// schedule is the admin's bandwidth timetable (bandwidth.go), handed
	// out with the profile.
	schedule *widget.Entry
	// public says the bucket's files are public: Copy link gives plain
	// links (a private bucket's answer AccessDenied).
	public *widget.Check
	// base is the profile as loaded: fields the form does not show
	// (proxy, signing endpoints, link template...) are kept from it.
	base profile.Profile
	// rules are the profile's upload rules, kept as they came (the
	// editor shows them read-only: ui/rules.go).
	rules *profile.Rules
}

func newProfileEditor(profiles *profile.Profiles, secrets auth.SecretStore, p *profile.Profile) *profileEditor {
	e := &profileEditor{profiles: profiles, secrets: secrets}
	entry := func(ph string) *widget.Entry {
		x := widget.NewEntry()
		x.SetPlaceHolder(ph)
		x.OnChanged = func(string) {
			e.touched = true
			e.validate()
		}
		return x
	}
	e.name = entry(T("e.g. Marketing photos"))
	e.bucket = entry("examplebucket-1250000000")
	e.region = entry("ap-guangzhou")
	e.endpoint = entry(T("optional: custom or accelerate domain"))
	e.prefix = entry("uploads/{yyyy}/{mm}/")
	e.linkTemplate = entry(T("optional, e.g. https://cdn.example.com/{key}"))
	e.schedule = entry(T("optional, e.g. mon-fri 08:00-19:00 2MiB/s; otherwise unlimited"))
	e.public = widget.NewCheck(T("Files are public: plain links open in a browser"), func(bool) { e.touched = true })
	e.secretID = entry("AKID…")
	e.secretKey = widget.NewPasswordEntry()
	e.secretKey.SetPlaceHolder(T("kept in the system keyring; leave empty to keep the stored one"))
	e.credURL = entry("https://sts.example.com/cosdrop")
	e.token = widget.NewPasswordEntry()
	e.token.SetPlaceHolder(T("optional login token, kept in the system keyring"))
	e.net = newNetFields(entry, func() { e.validate() })
	e.mode = widget.NewRadioGroup(modeNames(), func(string) { e.modeChanged() })
	e.conflict = newSafeSelect(nil, conflictNames(), func(string) { e.validate() })
	e.problem = widget.NewLabel("")
	e.problem.Wrapping = fyne.TextWrapWord
	e.problem.Importance = widget.DangerImportance
	e.result = widget.NewLabel("")
	e.result.Wrapping = fyne.TextWrapWord

	form := widget.NewForm(
		widget.NewFormItem(T("Name"), e.name),
		widget.NewFormItem(T("Sign-in"), e.mode),
		widget.NewFormItem(T("Bucket"), e.bucket),
		widget.NewFormItem(T("Region"), e.region),
		widget.NewFormItem(T("Endpoint"), e.endpoint),
		widget.NewFormItem(T("Key prefix"), e.prefix),
		widget.NewFormItem(T("If a file exists"), e.conflict),
		widget.NewFormItem(T("Link template"), e.linkTemplate),
		widget.NewFormItem("", e.public),
		widget.NewFormItem(T("Bandwidth timetable"), e.schedule),
		widget.NewFormItem("SecretId", e.secretID),
		widget.NewFormItem("SecretKey", e.secretKey),
		widget.NewFormItem(T("Credential URL"), e.credURL),
		widget.NewFormItem(T("Login token"), e.token),
		widget.NewFormItem(T("Upload rules"), rulesButton(e)),
	)
	for _, it := range e.net.items() {
		form.AppendItem(it)
	}
	e.content = container.NewVBox(form) // the problem and result lines sit by the buttons, always in view

	if p != nil {
		e.original = p.Name
		e.fill(*p)
		e.touched = true
	} else {
		e.mode.SetSelected(modeNames()[0])
		e.conflict.SetSelectedIndex(0)
	}
	e.validate()
	return e
}

// fill shows p in the fields (secrets stay empty: they are never read back).
func (e *profileEditor) fill(p profile.Profile) {
	e.base = p
	e.rules = p.Rules
	e.name.SetText(p.Name)
	e.linkTemplate.SetText(p.LinkTemplate)
	e.schedule.SetText(p.BandwidthSchedule)
	e.public.SetChecked(p.PublicRead)
	e.bucket.SetText(p.Bucket)
	e.region.SetText(p.Region)
	e.endpoint.SetText(p.Endpoint)
	e.prefix.SetText(p.Prefix)
	e.secretID.SetText(p.SecretID)
	e.credURL.SetText(p.CredentialURL)
	e.net.fill(p)
	for i, m := range profile.Modes {
		if m.Mode == p.Mode {
			e.mode.SetSelected(modeNames()[i])
		}
	}
	e.conflict.SetSelectedIndex(0)
	for i, c := range profile.Policies {
		if c.Name == p.OnConflict {
			e.conflict.SetSelectedIndex(i)
		}
	}
}

func (e *profileEditor) modeIndex() int {
	for i, n := range modeNames() {
		if n == e.mode.Selected {
			return i
		}
	}
	return 0
}

// enable enables the entries when on, else disables them.
func enable(on bool, entries ...*widget.Entry) {
	for _, x := range entries {
		if on {
			x.Enable()
		} else {
			x.Disable()
		}
	}
}

// modeChanged shows only the fields the chosen sign-in mode uses.
func (e *profileEditor) modeChanged() {
	spec := profile.Modes[e.modeIndex()]
	e.net.setMode(spec)
	// The SecretKey goes with its SecretId, a login token with the
	// server's URL.
	enable(spec.Uses(profile.FieldSecretID), e.secretID, e.secretKey)
	enable(spec.Uses(profile.FieldCredentialURL), e.credURL, e.token)
	e.validate()
}

// profile is the profile the fields describe (no secrets: Profile has none).
func (e *profileEditor) profile() profile.Profile {
	spec := profile.Modes[e.modeIndex()]
	p := e.base
	p.Name, p.Bucket, p.Region = strings.TrimSpace(e.name.Text), strings.TrimSpace(e.bucket.Text), strings.TrimSpace(e.region.Text)
	p.Endpoint, p.Prefix, p.Mode = strings.TrimSpace(e.endpoint.Text), strings.TrimSpace(e.prefix.Text), spec.Mode
	p.LinkTemplate, p.PublicRead = strings.TrimSpace(e.linkTemplate.Text), e.public.Checked
	p.BandwidthSchedule = strings.Join(strings.Fields(e.schedule.Text), " ")
	p.OnConflict, p.SecretID, p.CredentialURL = "", "", ""
	if !spec.Uses(profile.FieldSign) {
		p.PutSignURL, p.PostPolicyURL, p.SignMethod = "", "", ""
	}
	if i := e.conflict.SelectedIndex(); i >= 0 {
		p.OnConflict = profile.Policies[i].Name
	}
	if spec.Uses(profile.FieldSecretID) {
		p.SecretID = strings.TrimSpace(e.secretID.Text)
	}
	if spec.Uses(profile.FieldCredentialURL) {
		p.CredentialURL = strings.TrimSpace(e.credURL.Text)
	}
	e.net.apply(&p)
	return p
}

// validate shows the first problem under the form, as the user types.
func (e *profileEditor) validate() error {
	if e.problem == nil || e.mode == nil || e.conflict == nil {
		return nil
	}
	err := e.profile().Validate()
	if err == nil && e.profile().Name == SandboxName {
		err = errors.New(T("The name Sandbox is reserved for the built-in sandbox."))
	}
	if err != nil && e.touched {
		e.problem.SetText(errText(err))
		e.problem.Show()
	} else {
		e.problem.SetText("")
		e.problem.Hide()
	}
	if e.save != nil {
		if err != nil {
			e.save.Disable()
			e.test.Disable()
		} else {
			e.save.Enable()
			e.test.Enable()
		}
	}
	return err
}

// secretsToStore returns the keyring accounts and values the form holds.
func (e *profileEditor) secretsToStore(p profile.Profile) map[string]string {
	out := map[string]string{}
	spec := p.Spec()
	secret := e.token.Text
	if spec.Uses(profile.FieldSecretID) {
		secret = e.secretKey.Text
	}
	if secret != "" {
		out[spec.Secret.Account(p.Name)] = secret
	}
	e.net.secrets(p, out)
	return out
}

// store saves the profile and its secrets. It blocks on the keyring: run
// it off the Fyne goroutine. The secret goes to the store first, so a
// profile is never saved pointing at a secret that failed to save.
func (e *profileEditor) store(ctx context.Context, p profile.Profile, secrets map[string]string) error {
	if err := p.Validate(); err != nil {
		return err
	}
	for account, v := range secrets {
		auth.AddSecret(v)
		if err := e.secrets.Set(ctx, account, v); err != nil {
			return fmt.Errorf("save the secret in the keyring: %w", err)
		}
	}
	if err := e.profiles.Put(p); err != nil {
		return err
	}
	if e.original != "" && e.original != p.Name {
		_ = e.profiles.Remove(e.original)
	}
	return nil
}

// testStore lets "Test connection" use a secret typed but not yet saved.
type testStore struct {
	typed map[string]string
	next  auth.SecretStore
}

func (s testStore) Get(ctx context.Context, account string) (string, error) {
	if v, ok := s.typed[account]; ok {
		return v, nil
	}
	return s.next.Get(ctx, account)
}
func (s testStore) Set(ctx context.Context, a, v string) error { return s.next.Set(ctx, a, v) }
func (s testStore) Delete(ctx context.Context, a string) error { return s.next.Delete(ctx, a) }

// probe runs auth's permission probe with the typed values.
func (e *profileEditor) probe(ctx context.Context, p profile.Profile, secrets map[string]string) string {
	// The session's check asks the credential server before COS, so its
	// failures are never reported as COS being unreachable.
	_, text := session.CheckConnection(ctx, p, testStore{typed: secrets, next: e.secrets})
	return text
}

// remove deletes the saved profile and then its secrets (SecretKey, login
// token) from the keyring, as 'cosdrop profile remove' does. It blocks on
// the keyring: run it off the Fyne goroutine. A profile already gone from
// the file still has its secrets removed.
func (e *profileEditor) remove(ctx context.Context) error {
	if err := e.profiles.Remove(e.original); err != nil && !errors.Is(err, profile.ErrNoProfile) {
		return err
	}
	if _, err := auth.DeleteSecrets(ctx, e.secrets, e.original); err != nil {
		return errors.New(T("The profile is deleted, but its SecretKey or login token could not be removed from the keyring: {{.Err}}",
			map[string]any{"Err": errText(err)}))
	}
	return nil
}

// confirmDelete asks before deleting the profile, then deletes it.
func (w *mainWindow) confirmDelete(e *profileEditor) {
	name := e.original
	d := dialog.NewConfirm(T("Delete profile?"),
		T("Delete the profile {{.Name}}? Its SecretKey and login token are removed from this computer's keyring. Files already uploaded stay in the bucket.",
			map[string]any{"Name": name}),
		func(ok bool) {
			if !ok {
				return
			}
			e.result.SetText(T("Deleting…"))
			w.async(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				err := e.remove(ctx)
				fyne.Do(func() {
					if err != nil {
						e.result.SetText(errText(err))
						return
					}
					w.refreshProfiles()
					e.win.Close()
					if w.currentName() == name {
						w.switchTo(SandboxName)
					}
				})
			})
		}, e.win)
	d.SetConfirmText(T("Delete"))
	d.SetDismissText(T("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// showProfileEditor opens the editor in its own window (nil: a new
// profile). saved says p is a stored profile, which the editor can then
// delete (an imported file is not yet).
func (w *mainWindow) showProfileEditor(p *profile.Profile, saved bool) *profileEditor {
	win := w.app.NewWindow(T("CosDrop profile"))
	e := newProfileEditor(w.opener.profiles, w.opener.secrets, p)
	e.win = win
	e.conflict.host = win
	e.net.signMethod.host = win
	e.save = widget.NewButtonWithIcon(T("Save"), theme.DocumentSaveIcon(), func() {
		prof, secrets := e.profile(), e.secretsToStore(e.profile())
		e.result.SetText(T("Saving…"))
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := e.store(ctx, prof, secrets)
			fyne.Do(func() {
				if err != nil {
					e.result.SetText(T("Not saved: {{.Err}}", map[string]any{"Err": errText(err)}))
					return
				}
				w.refreshProfiles()
				win.Close()
				w.switchTo(prof.Name)
			})
		}()
	})
	e.save.Importance = widget.HighImportance
	e.test = widget.NewButtonWithIcon(T("Test connection"), theme.SearchIcon(), func() {
		prof, secrets := e.profile(), e.secretsToStore(e.profile())
		e.result.SetText(T("Testing the connection…"))
		e.test.Disable()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			msg := e.probe(ctx, prof, secrets)
			w.feed.testEvent("probe", msg)
			fyne.Do(func() {
				e.result.SetText(msg)
				e.test.Enable()
			})
		}()
	})
	importB := widget.NewButtonWithIcon(T("Import…"), theme.FolderOpenIcon(), func() { w.importProfileDialog(win, p == nil) })
	exportB := widget.NewButtonWithIcon(T("Export…"), theme.UploadIcon(), func() { w.exportProfileDialog(win, e.profile()) })
	e.validate()
	buttons := container.NewHBox(importB, exportB)
	if saved && p != nil {
		e.del = widget.NewButtonWithIcon(T("Delete profile"), theme.DeleteIcon(), func() { w.confirmDelete(e) })
		e.del.Importance = widget.DangerImportance
		buttons.Add(e.del)
	}
	buttons.Add(layoutSpacer())
	buttons.Add(e.test)
	buttons.Add(e.save)
	e.content = container.NewVBox(e.content, w.bg.loginCheck()) // tray.go: start at login (the computer's setting, not the profile's)
	win.SetContent(container.NewBorder(nil, container.NewPadded(container.NewVBox(e.problem, e.result, buttons)), nil, nil,
		container.NewVScroll(container.NewPadded(e.content))))
	win.Resize(fyne.NewSize(640, 640))
	win.Show()
	return e
}

// showSettings opens the editor for the active profile (a new one while on
// the Sandbox).
func (w *mainWindow) showSettings() {
	if w.sess != nil && !w.sess.sandbox {
		p := w.sess.profile
		w.showProfileEditor(&p, true)
		return
	}
	w.showProfileEditor(nil, false)
}

// refreshProfiles reloads the profile names for the switcher.
func (w *mainWindow) refreshProfiles() {
	w.async(func() {
		list, err := w.opener.profiles.List()
		if err != nil {
			return
		}
		names := make([]string, 0, len(list))
		for _, p := range list {
			names = append(names, p.Name)
		}
		fyne.Do(func() { w.bar.setProfiles(names) })
	})
}

// importProfileFile reads a dropped or chosen profile file and opens the
// editor on it, so the user sees and saves what they import; then runs
// once that editor is open.
func (w *mainWindow) importProfileFile(path string, then ...func()) {
	w.async(func() {
		f, err := os.Open(path)
		var p profile.Profile
		if err == nil {
			var b []byte
			b, err = io.ReadAll(io.LimitReader(f, 1<<20))
			_ = f.Close()
			if err == nil {
				p, err = profile.ParseProfileExport(b)
			}
		}
		fyne.Do(func() {
			if err != nil {
				dialog.ShowError(errors.New(T("This profile file cannot be imported")+": "+errText(err)), w.win)
				return
			}
			w.showProfileEditor(&p, false)
			for _, f := range then {
				f()
			}
		})
	})
}

// importProfileDialog asks for a profile file to import from the editor
// parent; a parent that was a new, unsaved profile closes once the
// imported profile's editor is open (staff were left with an empty editor
// behind the imported one, asking for a name and a bucket).
func (w *mainWindow) importProfileDialog(parent fyne.Window, blank bool) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		if blank {
			w.importProfileFile(path, parent.Close)
		} else {
			w.importProfileFile(path)
		}
	}, parent)
	// No filter: a profile is known by its content, whatever its name (an
	// admin's marketing.json was invisible behind a *.cosdrop filter).
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

func (w *mainWindow) exportProfileDialog(parent fyne.Window, p profile.Profile) {
	if err := p.Validate(); err != nil {
		dialog.ShowError(errors.New(errText(err)), parent)
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		go func() {
			err := profile.ExportProfile(wc, p)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			fyne.Do(func() {
				if err != nil {
					dialog.ShowError(errors.New(errText(err)), parent)
				}
			})
		}()
	}, parent)
	d.SetFileName(safeName(p.Name) + profileExt)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}
