//go:build darwin

package autostart

func osBackend() backend { return launchAgent{} }
