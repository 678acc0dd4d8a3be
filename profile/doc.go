// Package profile is the document an administrator hands out: where files
// go (bucket, region, endpoint, prefix), how the app proves it may put
// them there (the credential mode and its fields, never a secret), what
// happens to a name that exists (the conflict policy), the upload rules
// and exclude patterns, the link template, watch folders, the bandwidth
// timetable and the proxy; its validation, its file on disk and its
// export and import.
//
// Each credential mode and each conflict policy is one entry of one
// table (Modes, Policies) that the editor, the command line's flags, the
// session layer and the permission probe all read; a test fails when an
// entry lacks a part.
//
// profile imports auth (how a mode signs, the keyring's account names,
// message codes); auth never imports profile. It imports nothing from
// Fyne, the uploader or the session layer.
package profile
