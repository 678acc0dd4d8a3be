// Package localcos is a local server that speaks Tencent COS's XML API
// closely enough that cos-go-sdk-v5 cannot tell it from the real service for
// anything an uploader does, plus a credential server like the samples in
// Tencent's STS guides. It backs CosDrop's tests, the Sandbox profile and
// `cosdrop serve-local`.
//
// The wire behaviour follows COS's API documents
// (https://cloud.tencent.com/document/product/436/7751 and the pages it
// links) and the Go SDK (https://github.com/tencentyun/cos-go-sdk-v5): signatures
// are verified from the client's own q-header-list/q-url-param-list over the
// decoded path (sign.go), every response has Date and x-cos-request-id,
// errors carry the <Error> document, uploads answer x-cos-hash-crc64ecma and
// MD5 ETags, Complete validates parts and may answer 200 early with
// whitespace keep-alives. Where no document or SDK settles a behaviour the
// S3 behaviour is used and the code marks it UNVERIFIED.
//
// Buckets are addressed by Host (<bucket>.cos.<region>.<anything>); any
// other host (an IP, localhost) reaches the configured default bucket, with
// /<bucket>/<key> accepted as path style. Objects are streamed to disk under
// Config.DataDir and published by an atomic rename; objects and unfinished
// multipart uploads survive a restart.
//
// Temporary credentials from GET /sts carry their CAM policy and expiry
// inside the session token, sealed with the permanent SecretKey, so they
// too survive a restart. See Faults for fault injection and Stats for the
// counters.
//
// # As strict as COS
//
// localcos is never more lenient than COS; where it must guess it follows
// COS's documents and Tencent's SDK and sample sources, cited where the
// behaviour is implemented:
//
//   - x-cos-forbid-overwrite: true on PUT, POST (form field or header),
//     Initiate and Complete answers 409 FileAlreadyExists when the key
//     exists; the check and the publish are atomic, so of racing writers
//     exactly one wins (errors.go, storage.go). That is more than real
//     COS was seen to give racing writers of one new key
//     (apache/opendal#7526), so no CosDrop promise may rest on it. With
//     Config.Versioning the header is ignored, as COS ignores it on
//     versioned buckets (doc 7749, doc 7746), and GET /?versioning
//     answers Enabled.
//   - GET /sts grants exactly the sample servers' actions (SampleActions:
//     no HeadObject, no AbortMultipartUpload, no GetObject) unless the
//     request carries a CAM policy (policy.go) or Config.STSActions says
//     otherwise; every request made with the credentials is checked against
//     the policy: actions, qcs::cos resources, allow/deny, and the
//     conditions the samples use (string_like cos:content-type,
//     numeric_less_than_equal cos:content-length, ...). Refusals are 403
//     AccessDenied. cos:content-type is read from every request, so
//     without _if_exist it refuses UploadPart, ListParts and Complete
//     (doc 436/71306).
//   - Content-Type is stored as sent, else inferred from the key's suffix
//     (mime.go); POST takes it from the form field, never the file part.
//   - Complete: part numbers must ascend (InvalidPartOrder) and run from 1
//     without a gap (InvalidPart); a non-last part under 1 MB is
//     EntityTooSmall; a valid Complete is always answered 200, chunked,
//     with whitespace first, so a late error arrives inside the 200;
//     Location carries the scheme.
//   - x-cos-storage-class (the documented list, else 400
//     NotSupportedStorageClass), x-cos-acl (object presets), x-cos-meta-*
//     names (letters, digits, '-'), x-cos-content-sha1 (400
//     InvalidSHA1Digest) and x-cos-traffic-limit (819200..838860800) are
//     validated.
//   - Only codes from COS's published tables (doc 436/7730) are sent, plus
//     FileAlreadyExists (observed, apache/opendal#7526) and the fault
//     plan's 429. A forged or foreign session token is 403 AccessDenied.
//   - Config.TLS (serve-local --tls) serves HTTPS with a certificate from a
//     CA generated at start, whose PEM is written to Config.CAFile (tls.go).
//
// # Reference §8 items resolved from sources
//
//   - Content-MD5 mismatch: 400 BadDigest (doc 436/7730, current table:
//     "提供的 Content-MD5 值与服务端收到的文件 MD5 值不一致").
//   - InvalidToken: not a COS code (absent from both tables of doc 7730);
//     a bad token is 403 AccessDenied here.
//   - NoSuchUpload is 404 (current table; an older one also lists it under
//     400). A second Complete after success is 404 NoSuchUpload
//     (https://github.com/tencentyun/cos-java-sdk-v5/issues/96).
//
// Still UNVERIFIED, and marked so in the code: the RequestTimeTooSkewed
// rule, a q-sign-time start in the future, multi-valued signed headers,
// messages of ExpiredToken/NoSuchUpload/FileAlreadyExists, the exact
// suffix table COS uses for Content-Type, which requests carry which CAM
// condition keys, and how bucket-level actions match object resources.
package localcos
