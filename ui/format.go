package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"cosdrop/uploader"
)

// humanBytes formats a byte count in binary units, named as such (KiB,
// MiB, GiB), the way the command line prints them: "MB" for 2^20 bytes
// was off by 5 %.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// humanSpeed formats bytes per second; "" when nothing moves.
func humanSpeed(bps float64) string {
	if bps < 1 {
		return ""
	}
	return humanBytes(int64(bps)) + "/s"
}

// humanDuration is a short, rounded duration ("2h 5m", "3m 10s", "8s").
func humanDuration(d time.Duration) string {
	if d < time.Second {
		return "" // "0s left" says nothing useful
	}
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return T("{{.H}}h {{.M}}m", map[string]any{"H": h, "M": m})
	case m > 0:
		return T("{{.M}}m {{.S}}s", map[string]any{"M": m, "S": s})
	default:
		return T("{{.S}}s", map[string]any{"S": s})
	}
}

// elideMiddle shortens s to at most max runes by replacing its middle with
// an ellipsis: keys differ at both ends (prefix and file name), so the
// middle is what the reader can best do without.
func elideMiddle(s string, max int) string {
	n := utf8.RuneCountInString(s)
	if n <= max || max < 5 {
		return s
	}
	r := []rune(s)
	head := (max - 1) / 2
	tail := max - 1 - head
	return string(r[:head]) + "…" + string(r[n-tail:])
}

// stateText is a task state in words.
func stateText(s uploader.State) string {
	switch s {
	case uploader.Queued:
		return T("Waiting")
	case uploader.Uploading:
		return T("Uploading")
	case uploader.Paused:
		return T("Paused")
	case uploader.Completing:
		return T("Finishing")
	case uploader.Verifying:
		return T("Checking")
	case uploader.Done:
		return T("Done")
	case uploader.Failed:
		return T("Failed")
	case uploader.Canceled:
		return T("Canceled")
	case uploader.Skipped:
		return T("Skipped (already there)")
	case stateRemoved:
		return T("Removed")
	}
	return string(s)
}

// fileIcon picks a file-type icon from the name's extension.
func fileIcon(name string) fyne.Resource {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".svg":
		return theme.FileImageIcon()
	case ".mp4", ".mov", ".mkv", ".avi", ".webm", ".m4v":
		return theme.FileVideoIcon()
	case ".mp3", ".wav", ".flac", ".aac", ".ogg", ".m4a":
		return theme.FileAudioIcon()
	case ".txt", ".md", ".csv", ".log", ".json", ".xml", ".html", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx":
		return theme.FileTextIcon()
	case ".zip", ".tar", ".gz", ".7z", ".rar", ".exe", ".msi", ".dmg", ".deb", ".apk", ".iso":
		return theme.FileApplicationIcon()
	}
	return theme.FileIcon()
}

// layoutSpacer pushes the following items of an HBox to the right.
func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }
