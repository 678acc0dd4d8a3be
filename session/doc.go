// Package session is the Fyne-free layer between the command line or the
// window and the upload engine. It turns a profile (or the CLI's flags)
// into a running uploader.Engine in one place, words the engine's and
// auth's errors in plain language (English or Simplified Chinese, from the
// same catalogues the window uses), serves status snapshots and hand-offs
// to other CosDrop processes over a local socket, and opens damaged
// journals safely.
//
// Data flows one way: ui -> session -> uploader -> (auth, COS). This
// package never imports fyne; the import table in internal/arch keeps it
// so.
package session
