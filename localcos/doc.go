// Package localcos is a local server that speaks Tencent COS's XML API
// closely enough that cos-go-sdk-v5 cannot tell it from the real service for
// anything an uploader does, plus a credential server like the samples in
// Tencent's STS guides. It backs CosDrop's tests, the Sandbox profile and
// `cosdrop serve-local`.
//
// The wire behaviour follows ../shared/reference/cos-protocol.md: signatures
// are verified from the client's own q-header-list/q-url-param-list over the
// decoded path (sign.go), every response has Date and x-cos-request-id,
// errors carry the <Error> document, uploads answer x-cos-hash-crc64ecma and
// MD5 ETags, Complete validates parts and may answer 200 early with
// whitespace keep-alives. Where the reference marks a behaviour UNVERIFIED
// the S3 behaviour is used and the code says so.
//
// Buckets are addressed by Host (<bucket>.cos.<region>.<anything>); any
// other host (an IP, localhost) reaches the configured default bucket, with
// /<bucket>/<key> accepted as path style. Objects are streamed to disk under
// Config.DataDir and published by an atomic rename; objects and unfinished
// multipart uploads survive a restart.
//
// Temporary credentials from GET /sts carry their policy (allowed API
// names and key prefix) and expiry inside the session token, sealed with
// the permanent SecretKey, so they too survive a restart. See Faults for
// fault injection and Stats for the counters.
package localcos
