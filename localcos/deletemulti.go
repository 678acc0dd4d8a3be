package localcos

import (
	"bytes"
	"crypto/md5"
	"encoding/xml"
	"io"
)

// DeleteMultipleObjects (POST /?delete), as the COS API documents it
// (https://cloud.tencent.com/document/product/436/8289): 1 to 1,000 keys
// per request, else 400 InvalidArgument; an optional Content-MD5 is
// checked (BadDigest); each key is reported under Deleted (a missing key
// too, as DeleteObject treats it) or Error, and Quiet mode reports only
// the errors. Tools pointed at a COS-compatible server use it to clean up.

// maxDeleteKeys is the documented limit of keys per request.
const maxDeleteKeys = 1000

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key string `xml:"Key"`
	} `xml:"Object"`
}

type deleteResult struct {
	XMLName xml.Name        `xml:"DeleteResult"`
	Deleted []deletedKey    `xml:"Deleted"`
	Errors  []deleteFailure `xml:"Error"`
}

type deletedKey struct {
	Key string `xml:"Key"`
}

type deleteFailure struct {
	Key     string `xml:"Key"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func (s *Server) deleteMultiple(q *request, body io.Reader) error {
	want, aerr := contentMD5(q.r.Header)
	if aerr != nil {
		return aerr
	}
	raw, err := io.ReadAll(io.LimitReader(body, 4<<20))
	if err != nil {
		return err
	}
	if want != nil {
		if sum := md5.Sum(raw); !bytes.Equal(sum[:], want) {
			return errBadDigest
		}
	}
	var req deleteRequest
	if err := xml.Unmarshal(raw, &req); err != nil {
		return errMalformedXML
	}
	if len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return errInvalidArgument("The number of objects to delete must be between 1 and 1000.")
	}
	var res deleteResult
	for _, o := range req.Objects {
		if err := s.store.deleteObject(o.Key); err != nil {
			res.Errors = append(res.Errors, deleteFailure{Key: o.Key, Code: errInternal.Code, Message: errInternal.Message})
			continue
		}
		if !req.Quiet {
			res.Deleted = append(res.Deleted, deletedKey{Key: o.Key})
		}
	}
	return q.writeXML(res)
}
