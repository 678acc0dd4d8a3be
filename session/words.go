package session

import (
	"errors"
	"sort"
	"strings"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// AuthTr is T in the shape auth.Translator wants: auth's messages carry a
// code and parameters, and their English templates are keys in
// assets/translations/auth.<lang>.json.
func AuthTr(template string, params map[string]any) string {
	if len(params) == 0 {
		return T(template)
	}
	return T(template, params)
}

// ErrText is err in the user's language, plain words first: auth's coded
// errors (profile problems), credential and signing server failures,
// damaged or busy journals are worded; anything else is shown as is,
// redacted.
func ErrText(err error) string {
	if err == nil {
		return ""
	}
	var pe *profile.Error
	if errors.As(err, &pe) {
		return pe.Localize(AuthTr)
	}
	if se, ok := auth.AsServerError(err); ok {
		return ServerErrorText(se)
	}
	var ke *auth.KeyringError
	if errors.As(err, &ke) {
		return keyringText(ke)
	}
	var ne *uploader.NoJournalError
	if errors.As(err, &ne) {
		return T("There is no upload list in {{.Dir}}: nothing was uploaded with this state directory yet.", map[string]any{"Dir": ne.Dir})
	}
	var be *uploader.JournalBucketError
	if errors.As(err, &be) {
		return T("This upload list ({{.Dir}}) belongs to another bucket ({{.Have}}), not {{.Want}}. Use another state directory (--state-dir) for this bucket.",
			map[string]any{"Dir": be.Dir, "Have": be.Have, "Want": be.Want})
	}
	var de *uploader.DamagedJournalError
	if errors.As(err, &de) {
		return damagedText(de)
	}
	var ae *uploader.JournalAccessError
	if errors.As(err, &ae) {
		return journalAccessText(ae)
	}
	var nj *uploader.NotAJournalError
	if errors.As(err, &nj) {
		return notAJournalText(nj)
	}
	msg := auth.Redact(err.Error())
	if bj := (*uploader.BusyJournalError)(nil); errors.As(err, &bj) {
		// Only a path, no secret: unredacted (a long path with digits
		// looked like a token to Redact and read "[REDACTED]").
		msg = bj.Error()
	}
	if text, ok := credentialFailure(T, msg); ok {
		return text
	}
	if errors.Is(err, uploader.ErrJournalBusy) || strings.Contains(msg, "in use by another CosDrop process") {
		return T("Another CosDrop (a window or a 'cosdrop upload') is using this profile's upload list right now. Wait for it to finish or close it, then try again.") +
			" " + T("Details: {{.Detail}}", map[string]any{"Detail": msg})
	}
	return msg
}

// serverWords are the plain words for each kind of credential or signing
// server failure; {{.Server}} is that server's name, translated.
var serverWords = map[auth.ServerErrorKind]string{
	auth.KindUnreachable:  "CosDrop could not reach the {{.Server}}. It may be down, or this computer cannot connect to it; ask your administrator. COS was not contacted.",
	auth.KindTimeout:      "The {{.Server}} did not answer in time. It may be overloaded or down; try again later or ask your administrator.",
	auth.KindHTTPStatus:   "The {{.Server}} answered with an error (HTTP {{.Status}}). Ask your administrator to check it.",
	auth.KindUnauthorized: "The {{.Server}} did not accept CosDrop's sign-in. Sign in again in the profile, or ask your administrator.",
	auth.KindHTML:         "The {{.Server}} answered with a web page, not credentials. The credential URL in the profile is probably wrong (a login page or a proxy); check it with your administrator.",
	auth.KindNotJSON:      "The {{.Server}} answered something that is not credentials. Check the credential URL in the profile with your administrator.",
	auth.KindEmpty:        "The {{.Server}} answered with an empty page. Ask your administrator to check it.",
	auth.KindTooLarge:     "The {{.Server}} answered with far more data than credentials take; the credential URL in the profile is probably wrong.",
	auth.KindExpired:      "The {{.Server}} handed out credentials that had already expired. Check this computer's clock; if it is right, ask your administrator to check the server's clock.",
	auth.KindIncomplete:   "The {{.Server}}'s answer lacks what CosDrop needs to upload. Ask your administrator to check its configuration.",
	auth.KindRefused:      "The {{.Server}} refused to issue credentials. Ask your administrator.",
	auth.KindTooBig:       "The {{.Server}} does not allow files this large. Ask your administrator about the size limit.",
	auth.KindTypeRefused:  "The {{.Server}} does not allow this kind of file. Ask your administrator which file types may be uploaded.",
}

// ServerErrorText words a credential or signing server failure: whose
// fault in plain words first, the redacted detail after. It never blames
// COS or the network to COS.
func ServerErrorText(se *auth.ServerError) string { return serverErrorTextIn(T, se) }

// serverErrorTextIn is ServerErrorText through translator t.
func serverErrorTextIn(t Translator, se *auth.ServerError) string {
	server := t("credential server")
	if se.Server == "sign" {
		server = t("signing server")
	}
	if se.Kind == auth.KindTypeRefused && se.PolicyType != "" {
		return typeRefusedText(t, server, se)
	}
	tmpl, ok := serverWords[se.Kind]
	if !ok {
		tmpl = "The {{.Server}} failed. Ask your administrator to check it."
	}
	out := t(tmpl, map[string]any{"Server": server, "Status": se.Status})
	if d := strings.TrimSpace(se.Detail); d != "" {
		out += " " + t("Details: {{.Detail}}", map[string]any{"Detail": auth.Redact(d)})
	}
	return out
}

// typeRefusedText names the policy's Content-Type condition and the
// file's type (issue 20 finding 10): the upload is refused by a condition
// the administrator wrote, not for want of a permission. A "*" in a
// starts-with value is literal in COS's POST policy (POST Object document,
// https://cloud.tencent.com/document/product/436/14690, defines no
// wildcard), so the administrator is told how to write the prefix.
func typeRefusedText(t Translator, server string, se *auth.ServerError) string {
	args := map[string]any{"Server": server, "Policy": se.PolicyType, "Type": se.FileType}
	if se.FileType == "" {
		args["Type"] = t("of no declared type")
	}
	var out string
	if se.PolicyPrefix {
		out = t("The {{.Server}}'s policy accepts only files whose type starts with \"{{.Policy}}\"; this file is {{.Type}}. Ask your administrator which file types may be uploaded.", args)
	} else {
		out = t("The {{.Server}}'s policy accepts only files of type {{.Policy}}; this file is {{.Type}}. Ask your administrator which file types may be uploaded.", args)
	}
	if se.PolicyPrefix && strings.Contains(se.PolicyType, "*") {
		fixed := strings.TrimRight(se.PolicyType, "*")
		out += " " + t("COS reads \"*\" in a POST policy literally, not as a wildcard, so this condition admits almost nothing; the administrator should write \"{{.Fixed}}\" instead.", map[string]any{"Fixed": fixed})
	}
	return out
}

// noteWords are the plain words of the engine's typed notes; {{.name}}
// placeholders are the note's Args.
var noteWords = map[uploader.NoteCode]string{
	uploader.NoteSimpleRestart:        "Small files go in one request, so this file was sent again from the beginning.",
	uploader.NoteSkippedIdentical:     "Skipped: an identical file (same size and CRC64) is already in COS.",
	uploader.NoteRenamed:              "A different file already had this name in COS, so this one was stored as {{.to}}.",
	uploader.NoteCanceledAborted:      "Canceled; the parts already sent were deleted from COS.",
	uploader.NoteCanceledAbortDenied:  "Canceled, but COS did not allow deleting the parts already sent (upload {{.upload_id}}). They stay in the bucket until a lifecycle rule removes them.",
	uploader.NoteCanceledAbortFailed:  "Canceled, but deleting the parts already sent failed ({{.reason}}). They stay in the bucket (upload {{.upload_id}}) until a lifecycle rule removes them.",
	uploader.NoteUploadForgotten:      "COS no longer had the unfinished upload, so the file started again from the beginning.",
	uploader.NoteResumedAfterRestart:  "Resumed after CosDrop restarted, from the parts COS had already acknowledged.",
	uploader.NoteRestartedFileChanged: "The file changed after some of it was sent, so it started again from the beginning.",
	uploader.NoteSkippedUncompared:    "Skipped: an object already exists at {{.key}}. It could not be compared with the file because these credentials do not allow reading object details (HeadObject), so it was left as it is.",
	uploader.NoteCompletedUnverified:  "Uploaded but NOT verified: COS's answer to the last step was lost, and these credentials do not allow reading the object (HeadObject) to check it (upload {{.upload_id}}).",
	uploader.NoteRestartedCRCMismatch: "COS stored data that differs from the file (CRC64 {{.remote}} instead of {{.local}}), so it is not trusted and the file was sent again.",
	uploader.NoteUploadKept:           "The parts already sent are kept in COS (upload {{.upload_id}}), so Retry continues from them; Remove deletes them.",
	uploader.NoteAbortPending:         "Deleting the parts already sent failed ({{.code}}); they stay in COS (upload {{.upload_id}}). Retry or Remove tries again.",
	uploader.NoteExcluded:             "Not uploaded: {{.rel}} matches the exclude pattern {{.pattern}} of the profile's upload rules.",
	uploader.NoteHeadersNotSent:       "Uploaded, but without {{.headers}}: the signing server's signature covers these headers, so CosDrop could not set them as the upload rules ask. Ask your administrator to leave them out of the signature.",
	uploader.NoteDeleted:              "Deleted from COS from this computer's history at {{.at}} (request {{.request_id}}).",
	uploader.NoteNotAFile:             "Left out: this is {{.kind}}, not a file, so there is nothing to upload.",
	uploader.NoteEmptyFolder:          "Nothing to upload: this folder holds no files.",
	uploader.NoteWaitingCredentials:   "Waiting for the credential server…",
}

// stoppedDuringComplete words a Complete the next run found done but could
// not read back (uploader/settle.go).
const stoppedDuringComplete = "Uploaded but NOT verified: CosDrop was stopped while COS was finishing the upload. COS finished it (upload {{.upload_id}} is gone), so the file was not sent again, but these credentials allow reading neither the object's details (HeadObject) nor the object (GetObject), so it could not be checked."

// linkOutsideWords word a dropped folder's link that leads outside it
// (NoteNotAFile, kind link_outside): it is a file, but not one the user
// dropped.
const linkOutsideWords = "Left out: this is a link leading outside the dropped folder, to {{.target}}. CosDrop uploads only what is inside a dropped folder; drop that file on its own to upload it."

// stateFolderWords word the state folder found inside a dropped folder
// (NoteNotAFile, kind state_folder).
const stateFolderWords = "Left out: this is CosDrop's own state folder (its upload list, in use), not part of what was dropped."

// NoteText words an engine note in the user's language; "" for no note.
// An unknown code (a newer CosDrop wrote the journal) shows the code and
// its parameters rather than nothing.
func NoteText(n uploader.Note) string { return noteTextIn(T, n) }

// NoteEnglish is NoteText in English (a receipt's words).
func NoteEnglish(n uploader.Note) string { return noteTextIn(English, n) }

// noteTextIn is NoteText through translator t.
func noteTextIn(t Translator, n uploader.Note) string {
	if n.IsZero() {
		return ""
	}
	args := make(map[string]any, len(n.Args))
	for k, v := range n.Args {
		args[k] = v
	}
	if n.Code == uploader.NoteNotAFile && n.Args["kind"] == uploader.KindLinkOutside {
		return t(linkOutsideWords, args)
	}
	if n.Code == uploader.NoteNotAFile && n.Args["kind"] == uploader.KindStateFolder {
		return t(stateFolderWords)
	}
	if n.Code == uploader.NoteNotAFile {
		args["kind"] = kindTextIn(t, n.Args["kind"])
	}
	tmpl, ok := noteWords[n.Code]
	if n.Code == uploader.NoteCompletedUnverified && n.Args["reason"] == uploader.ReasonStoppedDuringComplete {
		tmpl = stoppedDuringComplete
	}
	if ok {
		return t(tmpl, args)
	}
	keys := make([]string, 0, len(n.Args))
	for k, v := range n.Args {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return strings.TrimSpace(string(n.Code) + " " + strings.Join(keys, " "))
}

// keyringText words a keyring failure by its kind (auth's one
// classification), plain words first; the cause follows as detail.
func keyringText(ke *auth.KeyringError) string {
	cause := ""
	if ke.Cause != nil {
		cause = auth.Redact(ke.Cause.Error())
	}
	var head string
	switch ke.Kind() {
	case auth.KeyringTimeout:
		head = T("The system keyring did not answer in time. Unlock it, or log out and in again, then try again.")
	case auth.KeyringLocked:
		head = T("The system keyring is locked, so CosDrop cannot read this profile's secret. Unlock it (log in to the desktop or open the keyring app), then try again.")
	default:
		head = T("CosDrop cannot use the system keyring, where it keeps this profile's secret. It needs GNOME Keyring or KWallet on Linux, the login keychain on macOS, or Credential Manager on Windows.")
	}
	if cause == "" {
		return head
	}
	return head + " " + T("Details: {{.Detail}}", map[string]any{"Detail": ke.Op + ": " + cause})
}

// StrayText words a multipart upload open on COS that this computer's
// journal does not account for (uploader.CleanResult.Unknown).
func StrayText(l uploader.Leftover) string {
	args := map[string]any{"Key": l.Key, "ID": l.UploadID, "Since": l.Since.Local().Format("2006-01-02 15:04")}
	return T("{{.Key}}: an upload open on COS since {{.Since}} (upload {{.ID}}).", args)
}

// LeftoverText words a multipart upload left open on COS: its key and
// upload ID (what support looks for in the console), since when, and why
// the last abort failed.
func LeftoverText(l uploader.Leftover) string {
	args := map[string]any{"Key": l.Key, "ID": l.UploadID, "Since": l.Since.Local().Format("2006-01-02 15:04")}
	var why string
	switch l.Code {
	case "":
		why = T("CosDrop stopped before it could remove it.")
	case uploader.CodeAbortDenied:
		why = T("COS refused to remove it: these credentials may not abort uploads (Tencent's sample STS policy grants no AbortMultipartUpload).")
	case uploader.CodeNetwork:
		why = T("The network failed while removing it.")
	default:
		why = T("Removing it failed ({{.Code}}).", map[string]any{"Code": l.Code})
	}
	return T("{{.Key}}: an upload left open on COS since {{.Since}} (upload {{.ID}}); its parts are billed until it is removed.", args) + " " + why
}
