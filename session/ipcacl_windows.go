package session

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// currentUser is the SID of the user this process runs as.
var currentUser = sync.OnceValues(func() (*windows.SID, error) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, err
	}
	return tu.User.Sid.Copy()
})

// ownerOnlyAttributes gives a new file the user as owner and a protected
// DACL with one entry, full access for the user
// (https://learn.microsoft.com/en-us/windows/win32/secauthz/security-descriptor-string-format).
// The owner is named: an elevated process would otherwise make the
// Administrators group the owner, which the client refuses.
func ownerOnlyAttributes() (*windows.SecurityAttributes, error) {
	user, err := currentUser()
	if err != nil {
		return nil, err
	}
	u := user.String()
	sd, err := windows.SecurityDescriptorFromString("O:" + u + "D:P(A;;FA;;;" + u + ")")
	if err != nil {
		return nil, err
	}
	return &windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}, nil
}

// endpointFileProblem says why the open endpoint file h may not be
// trusted: not a plain file (a folder or a link), or a security descriptor
// sdProblem refuses; "" when it may be.
func endpointFileProblem(h windows.Handle) string {
	var fi windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &fi); err != nil {
		return "its attributes cannot be read: " + err.Error()
	}
	if fi.FileAttributes&(windows.FILE_ATTRIBUTE_DIRECTORY|windows.FILE_ATTRIBUTE_REPARSE_POINT) != 0 {
		return "it is a folder or a link"
	}
	sd, err := windows.GetSecurityInfo(h, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return "its permissions cannot be read: " + err.Error()
	}
	user, err := currentUser()
	if err != nil {
		return "the current user is unknown: " + err.Error()
	}
	return sdProblem(sd, user)
}

// othersMayNot are the rights no one but the user may hold on an endpoint
// file: reading it gives the key (and, once the window is gone, its port to
// impersonate it), writing it points clients elsewhere, and WRITE_DAC or
// WRITE_OWNER lead to either. DELETE is left out: whoever deletes the file
// can only put one of their own in its place, which the owner check
// refuses.
const othersMayNot = windows.FILE_READ_DATA | windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA |
	windows.WRITE_DAC | windows.WRITE_OWNER | windows.GENERIC_READ | windows.GENERIC_WRITE | windows.GENERIC_ALL

// sdProblem says why a file with security descriptor sd may not be
// trusted by user: another owner, no DACL (everyone has full access), or
// an entry allowing another SID any of othersMayNot; "" when it may be.
// LocalSystem is accepted: it is the operating system itself, which reads
// any file anyway, and Wine lists it on every file. Deny entries and
// inherit-only entries (which do not apply to the file) are harmless;
// an entry of any other kind is refused rather than interpreted.
func sdProblem(sd *windows.SECURITY_DESCRIPTOR, user *windows.SID) string {
	owner, _, err := sd.Owner()
	if err != nil || owner == nil || !owner.Equals(user) {
		return "it belongs to another user"
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		return "it has no access list, so anyone may read and change it"
	}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return "its access list cannot be read: " + err.Error()
		}
		if ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 || ace.Header.AceType == windows.ACCESS_DENIED_ACE_TYPE {
			continue
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			return "its access list has an entry of a kind CosDrop does not check"
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if sid.Equals(user) || sid.IsWellKnown(windows.WinLocalSystemSid) {
			continue
		}
		if ace.Mask&othersMayNot != 0 {
			return "it lets " + sid.String() + " read or change it"
		}
	}
	return ""
}
