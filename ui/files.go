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

// addFilesDialog lets the user pick files to upload, several at once.
//
// Fyne's file dialog selects a single file. Rather than a file browser of
// our own, "Add files" keeps that familiar dialog and follows a pick with
// a plain checklist of the files in the same folder, the picked one
// already ticked: one more click ("Add 1 file") for a single file, and
// ticking boxes (or "Select all") for several. Nothing to learn, no
// Ctrl-click. A folder holding only the picked file skips the checklist.
// Files from several folders are added by using "Add files" again, or by
// dropping them onto the window.
func (w *mainWindow) addFilesDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		w.pickMore(path)
	}, w.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
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
	if !seen {
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
	content fyne.CanvasObject
	quiet   bool // set while the code, not the user, changes a check
}

func newFileChecklist(dir string, names []string, picked string, onAdd func(paths []string)) *fileChecklist {
	c := &fileChecklist{dir: dir, names: names, checked: make([]bool, len(names))}
	at := sort.SearchStrings(names, picked)
	if at < len(names) && names[at] == picked {
		c.checked[at], c.count = true, 1
	}
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
	folder := widget.NewLabel(T("Files in {{.Folder}}", map[string]any{"Folder": dir}))
	folder.Truncation = fyne.TextTruncateEllipsis
	c.content = container.NewBorder(container.NewVBox(folder, c.all), nil, nil, nil, c.list)
	c.refreshButton()
	if at < len(names) {
		c.list.ScrollTo(at)
	}
	return c
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
	if c.count == 1 {
		c.add.SetText(T("Add 1 file"))
	} else {
		c.add.SetText(T("Add {{.Count}} files", map[string]any{"Count": c.count}))
	}
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
		d.Hide()
		w.add(paths)
	})
	cancel := widget.NewButtonWithIcon(T("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("Add files"), c.content, w.win)
	d.SetButtons([]fyne.CanvasObject{cancel, c.add})
	d.Resize(fyne.NewSize(560, 480))
	d.Show()
}

// addFolderDialog uploads a whole folder; the engine walks it.
func (w *mainWindow) addFolderDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if u == nil {
			return
		}
		w.add([]string{u.Path()})
	}, w.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}
