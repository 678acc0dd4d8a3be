package uploader

import (
	"context"
)

// A Complete can take effect on COS after the client that sent it died: COS
// joins the parts (which takes a while for many) and nobody reads the
// answer. The next run then finds the upload gone (ListParts answers
// NoSuchUpload), and starting over would send the whole file again and,
// under rename, store a second copy beside the first (issue 20). So the
// journal records, before Complete is sent, that it is being sent
// (record.CompleteSent), and a run that finds that mark settles it before
// anything else: the upload still open (ListParts answers) means Complete
// did not happen yet (send it again, as a retry); gone, it asks COS what is
// at the key.
//
// What it may ask depends on the credentials. HeadObject first; else the
// headers of a one-byte ranged GET (GetObject is a separate CAM action);
// ListObjects is not used: its entries carry size and ETag but no CRC64
// (https://cloud.tencent.com/document/product/436/7734), and a multipart
// ETag is not an MD5 of the file
// (https://cloud.tencent.com/document/product/436/7742), so it could not
// tell this file from another of the same size. Tencent's sample STS grant
// allows none of these: PutObject, PostObject and the multipart actions
// only (https://github.com/tencentyun/qcloud-cos-sts-sdk/blob/master/nodejs/demo/sts-server.js). Then the upload's disappearance after our Complete is the
// only evidence: CosDrop aborts an upload only when its task is canceled or
// removed, so the upload is taken as completed, done but NOT verified (the
// note says why), exactly as a lost Complete answer is settled within one
// run. Sending the file again would not be safer: with forbid-overwrite it
// would be refused by the object our own Complete made.

// settleGone decides a Complete sent by an earlier run whose upload COS no
// longer knows, before any part is sent again. A nil result and nil error
// mean "not ours": COS holds other bytes or nothing at the key, and the
// file starts again.
func (w *worker) settleGone(parts map[int]partRecord) (*result, error) {
	w.phase(Verifying)
	whole, err := w.wholeCRC(parts)
	if err != nil {
		return nil, err
	}
	info, denied, err := w.inspect(w.r.Key)
	switch {
	case err != nil:
		return nil, err
	case denied:
		return &result{key: w.r.Key, crc: whole, unverified: true,
			note: note(NoteCompletedUnverified, "upload_id", w.r.UploadID, "reason", ReasonStoppedDuringComplete)}, nil
	case info.Found && info.Size == w.r.Size && info.CRC64 == whole:
		return &result{key: w.r.Key, etag: info.ETag, crc: whole, reqID: info.RequestID}, nil
	}
	return nil, nil
}

// wholeCRC is the file's CRC64: combined from the journaled parts when they
// cover the file (resume has just checked each against the file), else
// read from the file.
func (w *worker) wholeCRC(parts map[int]partRecord) (uint64, error) {
	var whole uint64
	for n := 1; n <= w.r.parts(); n++ {
		p, ok := parts[n]
		if !ok || p.Size != partLen(w.r, n) {
			crc, err := fileCRC(w.r.Path)
			if err != nil {
				return 0, readError("read file", err)
			}
			return crc, nil
		}
		whole = crc64Combine(whole, p.CRC64, p.Size)
	}
	return whole, nil
}

// inspect describes the object at key by HEAD, or where HEAD is denied by
// a one-byte ranged GET; denied reports that the credentials allow
// neither. Each refusal is remembered by the engine, so later tasks do not
// ask again.
func (w *worker) inspect(key string) (info objectInfo, denied bool, err error) {
	info, denied, err = w.look(key)
	if err != nil || !denied {
		return info, denied, err
	}
	if w.e.getDenied.Load() {
		return objectInfo{}, true, nil
	}
	err = retrier{e: w.e, op: "get"}.do(w.rs.ctx, nil, func(ctx context.Context) error {
		return w.gated(ctx, func() error {
			var err error
			info, err = w.e.store.peek(ctx, key)
			return err
		})
	})
	if isForbidden(err) {
		w.e.getDenied.Store(true)
		return objectInfo{}, true, nil
	}
	return info, false, err
}
