package session

import (
	"errors"
	"time"

	"cosdrop/auth"
)

// whenText is a moment as the share dialog says it: the time alone today,
// with the date otherwise, in local time.
func whenText(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// ShareText says until when a share link works, and why not longer.
func ShareText(l ShareLink) string { return capText(l.ExpiresAt, l.CappedBy, time.Now()) }

// LimitText says how long a link of this profile can live at most (for
// the expiry choice, before any link is signed).
func LimitText(until time.Time, c ShareCap) string {
	switch c {
	case CapServer:
		return T("Your organisation's signing server decides how long a link works.")
	case CapToken:
		return T("Links of this profile work until {{.Time}} at the latest, when its temporary key expires.", map[string]any{"Time": whenText(until, time.Now())})
	case CapSandbox:
		return T("Sandbox links work on this computer only, while CosDrop is running.")
	}
	return T("Share links work for 7 days at most: a link cannot be taken back, so CosDrop never signs longer ones.")
}

func capText(at time.Time, c ShareCap, now time.Time) string {
	p := map[string]any{"Time": whenText(at, now)}
	switch c {
	case CapToken:
		return T("Valid until {{.Time}}, when this profile's temporary key expires.", p)
	case CapPermanentMax:
		return T("Valid until {{.Time}}: share links work for 7 days at most.", p)
	case CapServer:
		return T("Valid until {{.Time}}, as your organisation's signing server decided.", p)
	case CapSandbox:
		return T("Valid until {{.Time}} at most, and only while CosDrop is running on this computer.", p)
	}
	return T("Valid until {{.Time}}.", p)
}

// ShareErrText words a failure to make a share link.
func ShareErrText(err error) string {
	switch {
	case errors.Is(err, auth.ErrNoGetSign):
		return T("Share links are not available for this profile: it uploads with signatures from your organisation's server, which offers no get-sign endpoint, and CosDrop holds no key to sign with.")
	case errors.Is(err, ErrShareUnavailable):
		return T("Share links are not available for this profile: CosDrop holds no key to sign them with.")
	case errors.Is(err, ErrShareNotReadable):
		return T("No share link: COS would refuse to open it. This profile's permissions allow uploading but not reading files (GetObject), so a link signed with them does not work. Ask your administrator to allow GetObject, or to make the bucket's files public and use plain links.")
	case errors.Is(err, ErrShareObjectGone):
		return T("No share link: the file is no longer in the bucket.")
	case errors.Is(err, ErrNoLinkAddress):
		return T("This profile has no bucket address, so CosDrop cannot build a link; ask your administrator for a link template.")
	}
	return ErrText(err)
}
