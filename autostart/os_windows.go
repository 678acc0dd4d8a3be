//go:build windows

package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

func osBackend() backend { return runKey{open: openRunKey} }

// winKey is the real HKCU Run key. Each call opens and closes it: the
// calls are rare (a tick in a checkbox) and nothing stays open.
type winKey struct{}

func openRunKey() (regKey, error) { return winKey{}, nil }

func (winKey) with(access uint32, f func(k registry.Key) error) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, RunKeyPath, access)
	if err != nil {
		return fmt.Errorf("autostart: open the Run key: %w", err)
	}
	defer k.Close()
	return f(k)
}

func (w winKey) get(name string) (string, bool, error) {
	var v string
	var found bool
	err := w.with(registry.QUERY_VALUE, func(k registry.Key) error {
		s, _, err := k.GetStringValue(name)
		if errors.Is(err, registry.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		v, found = s, true
		return nil
	})
	return v, found, err
}

func (w winKey) set(name, value string) error {
	return w.with(registry.SET_VALUE, func(k registry.Key) error { return k.SetStringValue(name, value) })
}

func (w winKey) del(name string) error {
	return w.with(registry.SET_VALUE, func(k registry.Key) error {
		err := k.DeleteValue(name)
		if errors.Is(err, registry.ErrNotExist) {
			return nil
		}
		return err
	})
}
