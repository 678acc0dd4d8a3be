package clipboard

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	kernel32         = windows.NewLazySystemDLL("kernel32.dll")
	globalAlloc      = kernel32.NewProc("GlobalAlloc")
	globalLock       = kernel32.NewProc("GlobalLock")
	globalUnlock     = kernel32.NewProc("GlobalUnlock")
	emptyClipboard   = user32.NewProc("EmptyClipboard")
	setClipboardData = user32.NewProc("SetClipboardData")
)

// putDroppedFiles puts paths on the clipboard as Explorer's Copy does: a
// DROPFILES header, then each path in UTF-16, then an empty one
// (https://learn.microsoft.com/windows/win32/api/shlobj_core/ns-shlobj_core-dropfiles).
func putDroppedFiles(t *testing.T, paths []string) {
	t.Helper()
	data := make([]byte, 20)
	binary.LittleEndian.PutUint32(data[0:], 20) // pFiles: the list follows the header
	binary.LittleEndian.PutUint32(data[16:], 1) // fWide: UTF-16
	for _, p := range append(slices.Clone(paths), "") {
		u, _ := windows.UTF16FromString(p)
		for _, c := range u {
			data = binary.LittleEndian.AppendUint16(data, c)
		}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if r, _, err := openClipboard.Call(0); r == 0 {
		t.Fatalf("OpenClipboard: %v", err)
	}
	defer closeClipboard.Call()
	emptyClipboard.Call()
	const gmemMoveable = 0x0002
	h, _, err := globalAlloc.Call(gmemMoveable, uintptr(len(data)))
	if h == 0 {
		t.Fatalf("GlobalAlloc: %v", err)
	}
	p, _, _ := globalLock.Call(h)
	mem := *(*unsafe.Pointer)(unsafe.Pointer(&p)) // global memory, not Go's: vet's rule is about Go pointers
	copy(unsafe.Slice((*byte)(mem), len(data)), data)
	globalUnlock.Call(h)
	if r, _, err := setClipboardData.Call(cfHDROP, h); r == 0 {
		t.Fatalf("SetClipboardData: %v", err)
	}
}

// TestReadFilesCopiedInExplorer: files copied in Explorer (CF_HDROP),
// Chinese names and spaces included, read back as paths.
func TestReadFilesCopiedInExplorer(t *testing.T) {
	dir := t.TempDir()
	want := []string{filepath.Join(dir, "报告 2024.docx"), filepath.Join(dir, "a b.txt")}
	for _, p := range want {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	putDroppedFiles(t, want)
	c, err := Read()
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != Files || !slices.Equal(c.Paths, want) {
		t.Errorf("read %+v, want files %q", c, want)
	}
}
