package session

import (
	"errors"

	"cosdrop/uploader"
)

// undoWords are the plain words of uploader.UndoReason: why deleting an
// uploaded object (undo, from History) did not happen. {{.Key}} is the
// object key.
var undoWords = map[uploader.UndoReason]string{
	uploader.UndoNotUploaded:    "Only a finished upload can be deleted from COS, and {{.Key}} is not one.",
	uploader.UndoAlreadyDeleted: "{{.Key}} was already deleted from COS from this computer.",
	uploader.UndoChanged:        "Not deleted: {{.Key}} was changed in COS after this computer uploaded it (someone else replaced it), so it is not this upload any more. CosDrop deletes only what it uploaded.",
	uploader.UndoGone:           "Nothing to delete: {{.Key}} is no longer in the bucket. Someone already deleted or moved it.",
	uploader.UndoUnsupported:    "This profile uploads with signatures from your organisation's signing server, which signs uploads only, so CosDrop cannot delete from COS with it. Delete {{.Key}} in the COS console, or ask your administrator.",
}

// UndoText words a failed delete of an uploaded object in the user's
// language, plain words first; COS's request ID follows when there is
// one. A refusal by COS says which permission is missing and that the
// credentials of Tencent's sample credential servers allow uploading only.
// Other failures (network, credential server) are worded by ErrText.
func UndoText(err error) string {
	var ue *uploader.UndoError
	if !errors.As(err, &ue) {
		return T("Not deleted: {{.Err}}", map[string]any{"Err": ErrText(err)})
	}
	args := map[string]any{"Key": ue.Key}
	var text string
	switch {
	case ue.Reason == uploader.UndoDenied && ue.Op == "head":
		text = T("Not deleted: COS does not let these credentials check the object (HeadObject), and CosDrop deletes only after checking that {{.Key}} is still what it uploaded. Credentials from a server built on Tencent's samples allow uploading only. Ask your administrator to allow HeadObject and DeleteObject, or delete it in the COS console.", args)
	case ue.Reason == uploader.UndoDenied:
		text = T("Not deleted: COS does not let these credentials delete objects (DeleteObject); {{.Key}} is unchanged. Credentials from a server built on Tencent's samples allow uploading only. Ask your administrator to allow DeleteObject, or delete it in the COS console.", args)
	default:
		tmpl, ok := undoWords[ue.Reason]
		if !ok {
			tmpl = "Not deleted: {{.Key}}."
		}
		text = T(tmpl, args)
	}
	if ue.RequestID != "" {
		text += " " + T("(COS request ID {{.ID}})", map[string]any{"ID": ue.RequestID})
	}
	return text
}
