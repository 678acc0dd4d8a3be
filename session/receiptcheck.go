package session

import (
	"context"
	"errors"

	"cosdrop/receipt"
	"cosdrop/uploader"
)

// "Check now": whether what a receipt says arrived is still in the bucket
// as it arrived. COS's size and CRC64 (x-cos-hash-crc64ecma) of each
// object are compared with the receipt's; COS keeps the CRC64 of the
// whole object whatever way it was written, so the check reads no data.

// CheckResult is what a check found of one file.
type CheckResult string

// Check results.
const (
	CheckUnchanged   CheckResult = "unchanged"    // still there, same size and CRC64
	CheckChanged     CheckResult = "changed"      // there, but another size or CRC64
	CheckGone        CheckResult = "gone"         // no object at the key
	CheckUnchecked   CheckResult = "unchecked"    // COS, the network or the credentials did not let it be checked
	CheckNotUploaded CheckResult = "not_uploaded" // the receipt says it failed or was canceled: nothing to check
)

// FileCheck is one file's check.
type FileCheck struct {
	Key    string
	Result CheckResult
	// Size and CRC64 are COS's now (when found).
	Size  int64
	CRC64 string
	// Why says, for CheckChanged and CheckUnchecked, what differs or why
	// it could not be checked, naming the party, in the user's language.
	Why       string
	Party     uploader.Party
	RequestID string
	ByGet     bool // HeadObject was refused; a one-byte GET told
}

// Bad reports a result a script should fail on: the object changed or
// is gone, or could not be checked.
func (c FileCheck) Bad() bool {
	return c.Result == CheckChanged || c.Result == CheckGone || c.Result == CheckUnchecked
}

// CheckReceipt re-reads the size and CRC64 of every file r says arrived
// (done, or skipped as already there), receiptFetchers at a time, and
// says of each whether it is unchanged, changed, gone, or could not be
// checked. The order is r's.
func CheckReceipt(ctx context.Context, src ReceiptSource, r receipt.Receipt) []FileCheck {
	out := make([]FileCheck, len(r.Files))
	eachBounded(len(r.Files), func(i int) {
		out[i] = checkFile(ctx, src, r.Files[i])
	})
	return out
}

func checkFile(ctx context.Context, src ReceiptSource, f receipt.File) FileCheck {
	c := FileCheck{Key: f.Key}
	if (f.State != receipt.StateDone && f.State != receipt.StateSkipped) || f.Key == "" {
		c.Result = CheckNotUploaded
		return c
	}
	st, err := src.Stat(ctx, f.Key)
	if err != nil {
		c.Result, c.Why, c.Party = CheckUnchecked, checkErrText(err), readParty(err)
		var re *uploader.ReadError
		if errors.As(err, &re) {
			c.RequestID = re.RequestID
		}
		return c
	}
	c.Size, c.CRC64, c.RequestID, c.ByGet = st.Size, st.CRC64, st.RequestID, st.ByGet
	args := map[string]any{"Was": f.Size, "Now": st.Size, "WasCRC": f.CRC64, "NowCRC": st.CRC64}
	switch {
	case !st.Found:
		c.Result = CheckGone
	case st.Size != f.Size:
		c.Result, c.Why = CheckChanged, T("its size is {{.Now}} bytes, the receipt says {{.Was}}", args)
	case f.CRC64 != "" && st.CRC64 != "" && f.CRC64 != st.CRC64:
		c.Result, c.Why = CheckChanged, T("same size, but its CRC64 is {{.NowCRC}}, the receipt says {{.WasCRC}}", args)
	case f.CRC64 != "" && st.CRC64 == "":
		c.Result, c.Party = CheckUnchecked, uploader.PartyCOS
		c.Why = T("COS did not report the object's CRC64, so only its size could be compared (it is the same)")
	case f.CRC64 == "":
		c.Result, c.Why = CheckUnchanged, T("the receipt has no CRC64, so only the size was compared")
	default:
		c.Result = CheckUnchanged
	}
	return c
}

// readParty is who was at fault in a failed read.
func readParty(err error) uploader.Party {
	var re *uploader.ReadError
	if errors.As(err, &re) {
		return re.Party
	}
	return uploader.PartyUnknown
}

// ChecksBad reports whether any check is Bad.
func ChecksBad(cs []FileCheck) bool {
	for _, c := range cs {
		if c.Bad() {
			return true
		}
	}
	return false
}
