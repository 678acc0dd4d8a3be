//go:build windows

package clipboard

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

// cfHDROP is the clipboard format Explorer's Copy puts files in
// (https://learn.microsoft.com/windows/win32/shell/clipboard#cf_hdrop).
const cfHDROP = 15

var (
	user32           = windows.NewLazySystemDLL("user32.dll")
	shell32          = windows.NewLazySystemDLL("shell32.dll")
	openClipboard    = user32.NewProc("OpenClipboard")
	closeClipboard   = user32.NewProc("CloseClipboard")
	getClipboardData = user32.NewProc("GetClipboardData")
	isFormatAvail    = user32.NewProc("IsClipboardFormatAvailable")
	dragQueryFileW   = shell32.NewProc("DragQueryFileW")
)

// readDroppedFiles returns the files copied in Explorer (CF_HDROP), or
// none when the clipboard holds no files.
func readDroppedFiles() ([]string, error) {
	if r, _, _ := isFormatAvail.Call(cfHDROP); r == 0 {
		return nil, nil
	}
	runtime.LockOSThread() // the clipboard is opened by a thread
	defer runtime.UnlockOSThread()
	if r, _, err := openClipboard.Call(0); r == 0 {
		return nil, fmt.Errorf("open the clipboard: %w", err)
	}
	defer closeClipboard.Call()
	h, _, err := getClipboardData.Call(cfHDROP)
	if h == 0 {
		return nil, fmt.Errorf("read the copied files: %w", err)
	}
	n, _, _ := dragQueryFileW.Call(h, 0xFFFFFFFF, 0, 0)
	paths := make([]string, 0, n)
	for i := uintptr(0); i < n; i++ {
		size, _, _ := dragQueryFileW.Call(h, i, 0, 0)
		buf := make([]uint16, size+1)
		dragQueryFileW.Call(h, i, uintptr(unsafe.Pointer(&buf[0])), size+1)
		paths = append(paths, windows.UTF16ToString(buf))
	}
	return paths, nil
}
