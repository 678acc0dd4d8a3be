package ui

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// addFilesDialog lets the user pick files to upload, several at once,
// with the keyboard alone or the mouse (Ctrl+O).
//
// Fyne's file dialog selects a single file and needs a mouse. "Add files"
// opens a plain checklist of the files in the last folder used (the home
// folder at first) instead: the folder box at the top takes a typed path
// (Enter opens it; a typed file path is added at once), "Browse…" opens Fyne's dialog for those who prefer
// it, and ticking boxes (or "Select all") picks several files. Tab moves
// between the controls, Space ticks, Escape closes. Files from several
// folders are added by using "Add files" again, or by dropping them.
func (w *mainWindow) addFilesDialog() {
	dir := w.app.Preferences().String(prefLastFolder)
	if fi, err := os.Stat(dir); dir == "" || err != nil || !fi.IsDir() {
		dir, _ = os.UserHomeDir()
	}
	w.async(func() {
		names := folderFiles(dir, "")
		fyne.Do(func() { w.showFileChecklist(dir, names, "") })
	})
}

// browseFiles opens Fyne's file dialog; the pick opens its folder in the
// checklist c (or a new checklist when c is nil).
func (w *mainWindow) browseFiles(c *fileChecklist) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			w.dialogs.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		if c != nil {
			w.loadFolder(c, filepath.Dir(path), filepath.Base(path))
			return
		}
		w.pickMore(path)
	}, w.win)
	d.Resize(fyne.NewSize(800, 560))
	w.dialogs.present(d)
}

// prefLastFolder remembers the folder "Add files" showed last.
const prefLastFolder = "last-folder"

// loadFolder reads dir off the Fyne goroutine and shows it in c, with
// picked (if any) ticked.
func (w *mainWindow) loadFolder(c *fileChecklist, dir, picked string) {
	w.async(func() {
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() {
			fyne.Do(func() {
				c.setProblem(T("{{.Folder}} is not a folder on this computer.", map[string]any{"Folder": dir}))
			})
			return
		}
		names := folderFiles(dir, picked)
		fyne.Do(func() { c.load(dir, names, picked) })
	})
}

// pickMore reads picked's folder off the Fyne goroutine, then offers its
// files in a checklist (or adds picked alone when it is the only one).
func (w *mainWindow) pickMore(picked string) {
	dir, base := filepath.Dir(picked), filepath.Base(picked)
	w.async(func() {
		names := folderFiles(dir, base)
		fyne.Do(func() {
			if len(names) <= 1 {
				w.add([]string{picked})
				return
			}
			w.showFileChecklist(dir, names, base)
		})
	})
}

// folderFiles lists the regular files in dir by name, without hidden ones
// (as the file dialog shows them), always including picked. An unreadable
// folder gives just picked.
func folderFiles(dir, picked string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []string{picked}
	}
	names := []string{}
	seen := false
	for _, e := range entries {
		n := e.Name()
		if n == picked {
			seen = true
			names = append(names, n)
			continue
		}
		if strings.HasPrefix(n, ".") {
			continue
		}
		if e.Type().IsRegular() {
			names = append(names, n)
		} else if e.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(dir, n)); err == nil && fi.Mode().IsRegular() {
				names = append(names, n)
			}
		}
	}
	if !seen && picked != "" {
		names = append(names, picked)
	}
	sort.Strings(names)
	return names
}

// fileChecklist is the checklist of one folder's files.
type fileChecklist struct {
	dir     string
	names   []string
	checked []bool
	count   int
	list    *widget.List
	all     *widget.Check
	add     *widget.Button
	folder  *keyEntry // the folder shown; Enter opens a typed one
	browse  *widget.Button
	problem *widget.Label
	empty   *widget.Label
	content fyne.CanvasObject
	quiet   bool // set while the code, not the user, changes a check
}

func newFileChecklist(dir string, names []string, picked string, onAdd func(paths []string)) *fileChecklist {
	c := &fileChecklist{}
	c.list = widget.NewList(func() int { return len(c.names) },
		func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			ch := o.(*widget.Check)
			ch.OnChanged = nil // recycled row: do not report the old file's change
			ch.Text = c.names[i]
			ch.SetChecked(c.checked[i])
			ch.OnChanged = func(on bool) { c.set(i, on) }
		})
	c.all = widget.NewCheck(T("Select all"), func(on bool) {
		if c.quiet {
			return
		}
		for i := range c.checked {
			c.checked[i] = on
		}
		c.count = 0
		if on {
			c.count = len(c.checked)
		}
		c.list.Refresh()
		c.refreshButton()
	})
	c.add = widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { onAdd(c.selected()) })
	c.add.Importance = widget.HighImportance
	c.folder = newKeyEntry()
	c.folder.SetPlaceHolder(T("Folder"))
	c.browse = widget.NewButtonWithIcon(T("Browse…"), theme.FolderOpenIcon(), nil)
	c.problem = widget.NewLabel("")
	c.problem.Importance = widget.DangerImportance
	c.problem.Hide()
	c.empty = widget.NewLabel(T("No files in this folder. Type another folder above and press Enter."))
	c.empty.Wrapping = fyne.TextWrapWord
	c.empty.Hide()
	top := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(T("Folder:")), c.browse, c.folder), c.problem, c.all)
	c.content = container.NewBorder(top, nil, nil, nil, container.NewStack(c.list, c.empty))
	c.load(dir, names, picked)
	return c
}

// load shows dir's files in place (the same widgets, new rows), with
// picked ticked.
func (c *fileChecklist) load(dir string, names []string, picked string) {
	c.dir, c.names, c.checked, c.count = dir, names, make([]bool, len(names)), 0
	at := sort.SearchStrings(names, picked)
	if picked != "" && at < len(names) && names[at] == picked {
		c.checked[at], c.count = true, 1
	}
	c.folder.SetText(dir)
	c.problem.Hide()
	if len(names) == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
	c.quiet = true
	c.all.SetChecked(false)
	c.quiet = false
	c.list.Refresh()
	c.refreshButton()
	if picked != "" && at < len(names) {
		c.list.ScrollTo(at)
	} else {
		c.list.ScrollToTop()
	}
}

// setProblem says why a typed folder cannot be shown.
func (c *fileChecklist) setProblem(msg string) {
	c.problem.SetText(msg)
	c.problem.Show()
}

func (c *fileChecklist) set(i int, on bool) {
	if c.checked[i] == on {
		return
	}
	c.checked[i] = on
	if on {
		c.count++
	} else {
		c.count--
	}
	c.quiet = true
	c.all.SetChecked(c.count == len(c.checked))
	c.quiet = false
	c.refreshButton()
}

// refreshButton names how many files the button adds.
func (c *fileChecklist) refreshButton() {
	c.add.SetText(N("Add {{.Count}} files", c.count))
	if c.count == 0 {
		c.add.Disable()
	} else {
		c.add.Enable()
	}
}

// selected returns the ticked files' paths, in name order.
func (c *fileChecklist) selected() []string {
	var out []string
	for i, on := range c.checked {
		if on {
			out = append(out, filepath.Join(c.dir, c.names[i]))
		}
	}
	return out
}

// showFileChecklist shows the checklist as a dialog over the window.
func (w *mainWindow) showFileChecklist(dir string, names []string, picked string) {
	var d *dialog.CustomDialog
	c := newFileChecklist(dir, names, picked, func(paths []string) {
		w.app.Preferences().SetString(prefLastFolder, filepath.Dir(paths[0]))
		d.Hide()
		w.add(paths)
	})
	c.browse.OnTapped = func() { w.browseFiles(c) }
	c.folder.onEscape = func() { w.dialogs.closeTop() }
	c.folder.onEnter = func() {
		typed := strings.TrimSpace(c.folder.Text)
		if strings.HasPrefix(typed, "~") {
			if home, err := os.UserHomeDir(); err == nil {
				typed = filepath.Join(home, typed[1:])
			}
		}
		if fi, err := os.Stat(typed); err == nil && fi.Mode().IsRegular() {
			// A typed file is added at once: type a path, press Enter.
			w.app.Preferences().SetString(prefLastFolder, filepath.Dir(typed))
			d.Hide()
			w.add([]string{typed})
			return
		}
		w.loadFolder(c, typed, "")
	}
	cancel := widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("Add files"), c.content, w.win)
	d.SetButtons([]fyne.CanvasObject{cancel, c.add})
	d.Resize(fyne.NewSize(600, 500))
	w.dialogs.present(d)
	w.win.Canvas().Focus(c.folder)
}

// addFolderDialog uploads a whole folder; the engine walks it.
func (w *mainWindow) addFolderDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			w.dialogs.showError(err)
			return
		}
		if u == nil {
			return
		}
		w.add([]string{u.Path()})
	}, w.win)
	d.Resize(fyne.NewSize(800, 560))
	w.dialogs.present(d)
}
