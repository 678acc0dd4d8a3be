package ui

import (
	"os"
	"time"
)

// A profile added or removed with the command line while the window runs
// appeared only after a restart (issue 21, finding 7). The window looks at
// the profile list's file every few seconds and reloads the switcher when
// it changed: a stat, no parsing, off the Fyne goroutine.

// profileWatchEvery is how often the profile list's file is looked at.
const profileWatchEvery = 2 * time.Second

// profilesStamp is what tells a changed profile list: its size and time.
type profilesStamp struct {
	size int64
	mod  time.Time
}

// stampOf is the current stamp of the profile list's file (zero when it
// does not exist yet).
func stampOf(file string) profilesStamp {
	fi, err := os.Stat(file)
	if err != nil {
		return profilesStamp{}
	}
	return profilesStamp{fi.Size(), fi.ModTime()}
}

// watchProfiles reloads the profile switcher whenever the profile list
// changes on disk, until stop closes.
func (w *mainWindow) watchProfiles(stop chan struct{}) {
	t := time.NewTicker(profileWatchEvery)
	defer t.Stop()
	last := stampOf(w.opener.profiles.File())
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		w.profilesChanged(&last)
	}
}

// profilesChanged reloads the switcher when the profile list's file is no
// longer as *last says, and remembers how it is now.
func (w *mainWindow) profilesChanged(last *profilesStamp) {
	if cur := stampOf(w.opener.profiles.File()); cur != *last {
		*last = cur
		w.refreshProfiles()
	}
}
