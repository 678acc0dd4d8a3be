package session

import (
	"errors"
	"net"
	"path/filepath"
	"syscall"
	"testing"
)

// wsaEAFNOSUPPORT is Winsock's "address family not supported" (10047,
// https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2).
const wsaEAFNOSUPPORT = syscall.Errno(10047)

// needUnixSockets skips a test of the local status and window sockets on a
// system without AF_UNIX. Windows has had it since Windows 10 1803
// (https://devblogs.microsoft.com/commandline/af_unix-comes-to-windows/);
// Wine 8, on which the Windows lane runs, answers WSAEAFNOSUPPORT. Anything
// else, including every real Windows 10 or 11, runs the test.
func needUnixSockets(t *testing.T) {
	t.Helper()
	l, err := net.Listen("unix", filepath.Join(t.TempDir(), "probe.sock"))
	if errors.Is(err, wsaEAFNOSUPPORT) {
		t.Skipf("no AF_UNIX sockets here (%v): Wine 8 lacks them, Windows 10 1803 and later have them", err)
	}
	if err == nil {
		l.Close()
	}
}
