package main

// handedOff gives paths to a CosDrop window already running for this user
// (single instance); false when none runs.
func handedOff(paths []string) bool { return false }
