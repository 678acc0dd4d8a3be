package cli

import (
	"os"
	"syscall"
)

// The Windows build is a GUI-subsystem program (no console window flashes up
// when staff open it), so Windows gives it no console even when an admin
// runs `cosdrop.exe version` or `cosdrop.exe profile import` from cmd or
// PowerShell. Attaching to the parent's console, when there is one, makes the
// subcommands print there. Streams that were already usable before (output
// redirected to a file or pipe, as an installer captures it) are left alone.
func init() {
	valid := func(handle int) bool {
		h, err := syscall.GetStdHandle(handle)
		return err == nil && h != 0 && h != syscall.InvalidHandle
	}
	hadOut, hadErr, hadIn := valid(syscall.STD_OUTPUT_HANDLE), valid(syscall.STD_ERROR_HANDLE), valid(syscall.STD_INPUT_HANDLE)
	if hadOut && hadErr && hadIn {
		return
	}
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return // started from Explorer, or the parent has no console
	}
	reopen := func(had bool, std **os.File, name string, flag int) {
		if had {
			return
		}
		if f, err := os.OpenFile(name, flag, 0); err == nil {
			*std = f
		}
	}
	reopen(hadOut, &os.Stdout, "CONOUT$", os.O_WRONLY)
	reopen(hadErr, &os.Stderr, "CONOUT$", os.O_WRONLY)
	reopen(hadIn, &os.Stdin, "CONIN$", os.O_RDONLY)
}
