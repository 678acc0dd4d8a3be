package localcos

import (
	"path"
	"strings"
)

// COS stores the Content-Type an upload sends. When a PUT or an Initiate
// sends none, COS infers it from the key's suffix (a Tencent maintainer in
// https://github.com/tencentyun/cos-js-sdk-v5/issues/40); a POST takes it from the
// Content-Type form field only (doc 436/14690), never from the file part.
// localcos keeps its own small table, independent of CosDrop's, so that a
// mistake in the client's table cannot make a test pass; it does not use
// the OS's registry (mime.TypeByExtension), which differs between machines.
// UNVERIFIED: COS's exact table; these are the common IANA types.
var suffixTypes = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
	".webp": "image/webp", ".bmp": "image/bmp", ".svg": "image/svg+xml", ".ico": "image/x-icon",
	".tif": "image/tiff", ".tiff": "image/tiff", ".heic": "image/heic",
	".pdf": "application/pdf", ".txt": "text/plain", ".html": "text/html", ".htm": "text/html",
	".css": "text/css", ".csv": "text/csv", ".md": "text/markdown", ".xml": "application/xml",
	".js": "application/javascript", ".json": "application/json", ".zip": "application/zip",
	".gz": "application/gzip", ".tar": "application/x-tar", ".7z": "application/x-7z-compressed",
	".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".avi": "video/x-msvideo",
	".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".m4a": "audio/mp4",
	".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// defaultType is what an object of unknown suffix gets.
const defaultType = "application/octet-stream"

// typeForKey infers a Content-Type from the key's suffix.
func typeForKey(key string) string {
	if t, ok := suffixTypes[strings.ToLower(path.Ext(key))]; ok {
		return t
	}
	return defaultType
}
