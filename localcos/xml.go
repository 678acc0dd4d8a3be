package localcos

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// XML documents of COS's API (PUT Object https://cloud.tencent.com/document/product/436/7749, the multipart
// calls https://cloud.tencent.com/document/product/436/7746, https://cloud.tencent.com/document/product/436/7747, https://cloud.tencent.com/document/product/436/7742,
// https://cloud.tencent.com/document/product/436/7736). Field order follows COS's examples.

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

type listPartsResult struct {
	XMLName              xml.Name  `xml:"ListPartsResult"`
	Bucket               string    `xml:"Bucket"`
	EncodingType         string    `xml:"EncodingType"`
	Key                  string    `xml:"Key"`
	UploadID             string    `xml:"UploadId"`
	Owner                owner     `xml:"Owner"`
	PartNumberMarker     int       `xml:"PartNumberMarker"`
	Initiator            owner     `xml:"Initiator"`
	Parts                []xmlPart `xml:"Part"`
	StorageClass         string    `xml:"StorageClass"`
	NextPartNumberMarker int       `xml:"NextPartNumberMarker,omitempty"`
	MaxParts             int       `xml:"MaxParts"`
	IsTruncated          bool      `xml:"IsTruncated"`
}

type xmlPart struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
}

// completeRequest is parsed field-order-independently by encoding/xml, which
// also decodes &#34; and &quot;.
type completeRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	XMLNS    string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

type listUploadsResult struct {
	XMLName            xml.Name    `xml:"ListMultipartUploadsResult"`
	Bucket             string      `xml:"Bucket"`
	EncodingType       string      `xml:"Encoding-Type"`
	KeyMarker          string      `xml:"KeyMarker"`
	UploadIDMarker     string      `xml:"UploadIdMarker"`
	NextKeyMarker      string      `xml:"NextKeyMarker"`
	NextUploadIDMarker string      `xml:"NextUploadIdMarker"`
	MaxUploads         int         `xml:"MaxUploads"`
	IsTruncated        bool        `xml:"IsTruncated"`
	Prefix             string      `xml:"Prefix"`
	Delimiter          string      `xml:"Delimiter"`
	Uploads            []xmlUpload `xml:"Upload"`
	CommonPrefixes     []xmlPrefix `xml:"CommonPrefixes"`
}

type xmlUpload struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	StorageClass string `xml:"StorageClass"`
	Initiator    owner  `xml:"Initiator"`
	Owner        owner  `xml:"Owner"`
	Initiated    string `xml:"Initiated"`
}

type xmlPrefix struct {
	Prefix string `xml:"Prefix"`
}

type listBucketResult struct {
	XMLName        xml.Name      `xml:"ListBucketResult"`
	Name           string        `xml:"Name"`
	EncodingType   string        `xml:"EncodingType,omitempty"`
	Prefix         string        `xml:"Prefix"`
	Marker         string        `xml:"Marker"`
	MaxKeys        int           `xml:"MaxKeys"`
	Delimiter      string        `xml:"Delimiter,omitempty"`
	IsTruncated    bool          `xml:"IsTruncated"`
	NextMarker     string        `xml:"NextMarker,omitempty"`
	Contents       []xmlContents `xml:"Contents"`
	CommonPrefixes []xmlPrefix   `xml:"CommonPrefixes"`
}

type xmlContents struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	Owner        owner  `xml:"Owner"`
	StorageClass string `xml:"StorageClass"`
}

// isoTime is the timestamp format of COS listings.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// writeXML sends a 200 XML document. encoding/xml writes quotes in text as
// &#34;; the SDK's fallback parser wants &quot;, so ETags are rewritten.
func (q *request) writeXML(v any) error {
	out, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	out = append([]byte(xml.Header), quoteEntities(out)...)
	h := q.w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", itoa(int64(len(out))))
	q.w.WriteHeader(http.StatusOK)
	_, err = q.w.Write(out)
	return err
}

func quoteEntities(b []byte) []byte { return bytes.ReplaceAll(b, []byte("&#34;"), []byte("&quot;")) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// appID is the numeric suffix of a bucket name, COS's owner ID.
func appID(bucket string) string { return bucket[strings.LastIndexByte(bucket, '-')+1:] }

func bucketOwner(bucket string) owner { return owner{ID: appID(bucket), DisplayName: appID(bucket)} }

// initiator is who started an upload; COS shows a CAM principal.
func initiator(bucket string) owner {
	return owner{ID: "qcs::cam::uin/" + appID(bucket) + ":uin/" + appID(bucket), DisplayName: appID(bucket)}
}

// versioningConfiguration is GET Bucket versioning's answer
// (https://cloud.tencent.com/document/product/436/19888): Status Enabled
// on a versioned bucket, no Status on one whose versioning was never
// enabled.
type versioningConfiguration struct {
	XMLName xml.Name `xml:"VersioningConfiguration"`
	Status  string   `xml:"Status,omitempty"`
}

// getVersioning answers GET /?versioning from Config.Versioning.
func (s *Server) getVersioning(q *request) error {
	v := versioningConfiguration{}
	if s.cfg.Versioning {
		v.Status = "Enabled"
	}
	return q.writeXML(v)
}
