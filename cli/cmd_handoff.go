package cli

import "cosdrop/session"

// handedOff gives paths to a CosDrop window already running for this
// user's data directory (single instance; with no paths the running
// window just comes to the front); false when none runs.
func handedOff(paths []string) bool {
	return session.HandOff(session.DefaultDataDir(), paths)
}
