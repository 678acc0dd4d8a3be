package session

import (
	"strconv"
	"strings"

	"cosdrop/auth"
	"cosdrop/uploader"
)

// explanations maps COS and engine error codes to plain words. Keys are
// codes, values English source text (translated through T). Each sentence
// names the party at fault, so the user knows whom to ask.
var explanations = map[string]string{
	"AccessDenied":           "COS refused the upload: this account or key is not allowed to write here. Ask your administrator to grant upload permission for this bucket and folder.",
	"SignatureDoesNotMatch":  "COS did not accept the signature: the SecretKey does not belong to this SecretId. Enter the SecretKey again in the profile.",
	"InvalidAccessKeyId":     "COS does not know this SecretId. It may have been deleted or mistyped; check the profile.",
	"RequestTimeTooSkewed":   "This computer's clock is too far from COS's clock. Set the date and time to automatic and try again.",
	"ExpiredToken":           "The temporary credentials expired and could not be renewed in time. Try again; if it keeps happening, the credential server may be down.",
	"InvalidToken":           "COS did not accept the temporary credentials. Try again; if it keeps happening, ask your administrator to check the credential server.",
	"NoSuchBucket":           "The bucket does not exist, or is in another region. Check the bucket name and region in the profile.",
	"NoSuchUpload":           "COS no longer has the unfinished upload (it was cleaned up). Try again to start it afresh.",
	"EntityTooLarge":         "The file is larger than COS accepts in one piece.",
	"EntityTooSmall":         "A part of the upload was smaller than COS allows. Try again.",
	"InvalidPart":            "COS could not find a part of the upload. Try again to upload the missing parts.",
	"InvalidPartOrder":       "COS received the parts out of order. Try again.",
	"BadDigest":              "The data arrived damaged (its checksum did not match). Try again.",
	"InvalidDigest":          "The data arrived damaged (its checksum did not match). Try again.",
	"InternalError":          "COS had an internal error. CosDrop tries again on its own; if it keeps happening, try again in a few minutes.",
	"ServiceUnavailable":     "COS is busy or unavailable right now. Try again in a few minutes.",
	"SlowDown":               "COS asked CosDrop to slow down. Try again in a few minutes, or set a speed limit.",
	"RequestTimeout":         "The connection was too slow and COS gave up waiting. Try again, or set a lower speed limit.",
	"PreconditionFailed":     "The object changed in COS while uploading. Try again.",
	"KeyTooLong":             "The destination name is longer than COS allows (850 bytes). Shorten the file name or the key prefix.",
	"JournalError":           "CosDrop could not save its progress on this computer (the disk may be full). Free some space and try again.",
	uploader.CodeBadResponse: "COS (or something between this computer and COS, such as a proxy) answered with something that is not a valid COS response. CosDrop tried again; if this persists, check the endpoint and any proxy in the profile.",
	uploader.CodeUnverified:  "COS finished the upload, but CosDrop could not check the stored copy against the file: the credentials do not allow reading the object's details (HeadObject). Ask your administrator to allow HeadObject to have uploads verified.",

	uploader.CodeFileChanged:     "The file changed while it was being uploaded. Try again to upload the new version.",
	uploader.CodeFileMissing:     "The file can no longer be read: it was moved, deleted or is not readable. Put it back or remove it from the list.",
	uploader.CodeFileInUse:       "The file is open in another program that does not let others read it (Office does this while a document is open), so CosDrop waited and tried again. Close the file there, then choose Try again.",
	uploader.CodeAlternateStream: "This names a hidden alternate data stream of a file (the part after the colon in \"report.txt:name\"), not a file. CosDrop uploads only files themselves: add the file without the colon part.",
	uploader.CodeInvalidKey:      "The destination name is not allowed by COS. Rename the file or change the key prefix.",
	uploader.CodeDuplicateKey:    "Another file in the same upload goes to the same destination name. Rename one of them.",
	uploader.CodeCRCMismatch:     "The copy in COS does not match the file on this computer (CRC64 checksum differs). Try again.",
	uploader.CodeNoCRC:           "COS did not return a checksum, so the upload could not be verified.",
	uploader.CodeAbortDenied:     "The upload was canceled, but COS did not allow removing the parts already sent. They stay in the bucket until a lifecycle rule removes them.",
	uploader.CodeNetwork:         "The network connection to COS failed. Check the internet connection; CosDrop tries again on its own.",
	uploader.CodeConflict:        "A file with this name already exists, and you chose not to upload over it.",
	uploader.CodeJournalGone:     "CosDrop's upload list on this computer was deleted or replaced while uploading, so progress can no longer be saved and the upload stopped. Run it again to finish (files already sent may be sent once more).",
	uploader.CodeSizeUnknown:     "This file says it is empty but has content (files in /proc and /sys do this), so CosDrop cannot know its real size and did not upload it. Copy it to a normal file and upload the copy.",
}

// partyWords is the fallback sentence for an error whose code has no
// sentence of its own, by the party at fault.
var partyWords = map[uploader.Party]string{
	uploader.PartyCOS:         "COS reported a problem with this upload.",
	uploader.PartyCredentials: "The credential server did not provide usable credentials. Ask your administrator to check it; COS was not at fault.",
	uploader.PartyNetwork:     "The network connection failed. Check the internet connection.",
	uploader.PartyFile:        "The file on this computer could not be read.",
	uploader.PartyJournal:     "CosDrop could not read or save its progress on this computer.",
	uploader.PartyUser:        "The upload was stopped by a choice made in CosDrop.",
	uploader.PartyKeyring:     "The system keyring could not be read. Unlock it (log in to the desktop) and try again.",
}

// Explain turns an engine error into plain words in the user's language.
// It is the one place where COS error codes become sentences, for the CLI
// and the window alike. The sentence names the party at fault; a failure
// of the credential server is never blamed on COS or its network.
func Explain(e uploader.TaskError) string { return explainIn(T, e) }

// ExplainEnglish is Explain in English, whatever the user's language: the
// words of a receipt, which support teams anywhere read.
func ExplainEnglish(e uploader.TaskError) string { return explainIn(English, e) }

// explainIn is Explain through translator t.
func explainIn(t Translator, e uploader.TaskError) string {
	msg := strings.TrimSpace(e.Message)
	if e.Code == uploader.CodeCredentialServer {
		// The engine's typed form of an auth.ServerError: its kind and
		// status are in Args, so the words need no message parsing.
		status, _ := strconv.Atoi(e.Args["status"])
		return serverErrorTextIn(t, &auth.ServerError{Server: e.Args["server"], Kind: auth.ServerErrorKind(e.Args["kind"]), Status: status, Detail: msg,
			PolicyType: e.Args["policy_type"], PolicyPrefix: e.Args["policy_prefix"] == "true", FileType: e.Args["file_type"]})
	}
	if text, ok := credentialFailure(t, msg); ok {
		return text // journals written before errors carried a party
	}
	if e.Code == uploader.CodeUnauthorized {
		return t("The credential server did not accept CosDrop's sign-in. Sign in again in the profile, or ask your administrator. The server said: {{.Message}}",
			map[string]any{"Message": msg})
	}
	if e.Code == "AccessDenied" && strings.Contains(strings.ToLower(msg), "expired") {
		return t("The upload's signature expired before COS received it. CosDrop signs again and retries; if this persists, check the computer's clock.")
	}
	if e.Code == "AccessDenied" && multipartStep(e.Op) {
		return t("COS allowed this large file's upload to start but refused a later step ({{.Op}}). Large files go in parts, and the parts and the final step do not carry the file's type, so a credential policy that requires a file type (a cos:content-type condition such as string_like image/*) blocks multipart uploads. Ask your administrator to write that condition as string_like_if_exist and to allow application/xml, or to put it only on PutObject, PostObject and InitiateMultipartUpload; if the policy has no such condition, the credentials lack this step's permission.",
			map[string]any{"Op": e.Op})
	}
	if text, ok := keyRuleWords[e.Args["reason"]]; ok && e.Code == uploader.CodeInvalidKey {
		return t(text, map[string]any{"Key": Printable(e.Args["key"])})
	}
	if text, ok := explanations[e.Code]; ok {
		return t(text)
	}
	switch {
	case e.HTTPStatus >= 500:
		return t("COS had a problem (HTTP {{.Status}}). Try again in a few minutes.", map[string]any{"Status": e.HTTPStatus})
	case e.HTTPStatus == 403:
		return t("COS refused the request (HTTP 403). Check the profile's permissions.")
	case e.HTTPStatus == 404:
		return t("COS could not find the bucket or object (HTTP 404). Check the bucket and region.")
	}
	if text, ok := partyWords[partyOf(e)]; ok {
		return t(text)
	}
	if msg == "" {
		return t("Something went wrong ({{.Code}}).", map[string]any{"Code": firstNonEmpty(e.Code, e.Op)})
	}
	return t("Something went wrong: {{.Message}}", map[string]any{"Message": msg})
}

// multipartStep reports the engine's operations that follow a granted
// InitiateMultipartUpload ("upload part 3", "list parts", "complete"). COS
// evaluates a cos:content-type condition without _if_exist as false on
// them (condition-key document,
// https://cloud.tencent.com/document/product/436/71306), so a refusal
// there, after Initiate was allowed, is the signature of such a grant
// (issue 20 finding 13).
func multipartStep(op string) bool {
	return strings.HasPrefix(op, "upload part") || op == "list parts" || op == "complete"
}

// partyOf is who is at fault for e, from its code. (When the engine
// carries TaskError.Party, that field wins; see notes.go in uploader.)
func partyOf(e uploader.TaskError) uploader.Party {
	if e.Party != uploader.PartyUnknown {
		return e.Party
	}
	switch e.Code {
	case uploader.CodeFileChanged, uploader.CodeFileMissing, uploader.CodeFileInUse, uploader.CodeAlternateStream:
		return uploader.PartyFile
	case "JournalError":
		return uploader.PartyJournal
	case uploader.CodeNetwork:
		return uploader.PartyNetwork
	case uploader.CodeUnauthorized:
		return uploader.PartyCredentials
	case uploader.CodeConflict:
		return uploader.PartyUser
	}
	if e.HTTPStatus > 0 {
		return uploader.PartyCOS
	}
	return uploader.PartyUnknown
}

// credentialMarkers are the texts by which a task's error message shows
// that the credential or signing server failed (auth's errors; the
// engine wraps them with the operation). Checked before the code: the
// engine may have filed such a failure under NetworkError.
// ("cannot reach HOST:" is how auth's STS fetch reports an unreachable
// server; "sts server:"/"sign server:" start auth.ServerError's text.)
var credentialMarkers = []string{"refresh credentials: ", "sts server: ", "sign server: ", "credential URL ", "signing server", "cannot reach "}

// credentialFailure words a task error caused by the credential server.
func credentialFailure(t Translator, msg string) (string, bool) {
	for _, m := range credentialMarkers {
		i := strings.Index(msg, m)
		if i < 0 {
			continue
		}
		if m == "refresh credentials: " {
			return credentialReason(t, strings.TrimSpace(msg[i+len(m):]), true), true
		}
		return credentialReason(t, strings.TrimSpace(msg[i:]), false), true
	}
	return "", false
}

// credentialReason words the credential server's failure, plain words
// first and the server's or network's detail after. refresh says the
// failure came while renewing temporary credentials mid-upload.
func credentialReason(t Translator, reason string, refresh bool) string {
	low := strings.ToLower(reason)
	var head string
	switch {
	case strings.Contains(low, "cannot reach") || strings.Contains(low, "unreachable") ||
		strings.Contains(low, "connection refused") || strings.Contains(low, "no such host") || strings.Contains(low, "dial tcp"):
		head = t("CosDrop could not reach the credential server, so it has no credentials to upload with. The server may be down, or this computer cannot connect to it; ask your administrator. COS was not contacted.")
	case strings.Contains(low, "timeout") || strings.Contains(low, "deadline exceeded"):
		head = t("The credential server did not answer in time. It may be overloaded or down; try again later or ask your administrator. COS was not contacted.")
	case refresh:
		return t("The temporary credentials expired and could not be renewed: {{.Reason}}", map[string]any{"Reason": reason})
	case strings.Contains(low, "signing server") || strings.Contains(low, "sign server"):
		head = t("The signing server did not provide what CosDrop needs to upload. Ask your administrator to check it; COS was not at fault.")
	default:
		head = t(partyWords[uploader.PartyCredentials])
	}
	return head + " " + t("Details: {{.Detail}}", map[string]any{"Detail": reason})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// keyRuleWords word each rule an object key breaks (uploader.Key*), from
// COS's naming rules (https://cloud.tencent.com/document/product/436/13324)
// and CosDrop's own; each says what to rename.
var keyRuleWords = map[string]string{
	uploader.KeyEmpty:            "The file has no name COS could store.",
	uploader.KeyNotUTF8:          "The destination name {{.Key}} is not valid text (UTF-8), which COS requires. Rename the file.",
	uploader.KeyTooLong:          "The destination name {{.Key}} is longer than the 850 bytes COS allows. Shorten the file or folder names, or the key prefix.",
	uploader.KeyLeadingSlash:     "COS does not allow a destination name to start with \"/\" ({{.Key}}). Change the key prefix.",
	uploader.KeyLeadingBackslash: "COS does not allow a destination name to start with \"\\\" ({{.Key}}). Rename the file or change the key prefix.",
	uploader.KeyTrailingSlash:    "The destination name {{.Key}} ends with \"/\", which COS shows as a folder. Change the key prefix.",
	uploader.KeyControl:          "The destination name {{.Key}} holds a control character (such as a line break or ESC), which COS does not allow or no one could read back. Rename the file.",
	uploader.KeyDotSegment:       "The destination name {{.Key}} has a \".\" or \"..\" folder, which other tools would turn into another path. Rename the folder or change the key prefix.",
}
