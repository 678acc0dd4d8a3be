//go:build !windows && !darwin

package autostart

func osBackend() backend { return xdg{} }
