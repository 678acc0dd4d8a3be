// Package contenttype maps file names to the Content-Type COS should store,
// from one built-in table, so an upload gets the same type on every OS.
//
// Go's mime.TypeByExtension reads /etc/mime.types on Linux and the registry
// on Windows, so the same file would get different types on different staff
// machines (or none on a minimal server). A picture uploaded for a web page
// must display, not download, wherever it was uploaded from.
package contenttype

import (
	"path"
	"strings"
)

// Default is the type of a file whose extension the table does not know.
const Default = "application/octet-stream"

// table maps a lower-case extension (with its dot) to a Content-Type. Text
// types carry charset=utf-8 so Chinese text displays in a browser.
var table = map[string]string{
	// images
	".apng": "image/apng", ".avif": "image/avif", ".bmp": "image/bmp", ".gif": "image/gif",
	".heic": "image/heic", ".heif": "image/heif", ".ico": "image/x-icon", ".jfif": "image/jpeg",
	".jpe": "image/jpeg", ".jpeg": "image/jpeg", ".jpg": "image/jpeg", ".png": "image/png",
	".svg": "image/svg+xml", ".tif": "image/tiff", ".tiff": "image/tiff", ".webp": "image/webp",
	// audio and video
	".aac": "audio/aac", ".flac": "audio/flac", ".m4a": "audio/mp4", ".mid": "audio/midi",
	".mp3": "audio/mpeg", ".oga": "audio/ogg", ".ogg": "audio/ogg", ".opus": "audio/opus",
	".wav": "audio/wav", ".weba": "audio/webm", ".3gp": "video/3gpp", ".avi": "video/x-msvideo",
	".flv": "video/x-flv", ".m3u8": "application/vnd.apple.mpegurl", ".m4v": "video/mp4",
	".mkv": "video/x-matroska", ".mov": "video/quicktime", ".mp4": "video/mp4", ".mpeg": "video/mpeg",
	".mpg": "video/mpeg", ".ogv": "video/ogg", ".ts": "video/mp2t", ".webm": "video/webm",
	".wmv": "video/x-ms-wmv",
	// documents
	".csv": "text/csv; charset=utf-8", ".doc": "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".epub": "application/epub+zip", ".md": "text/markdown; charset=utf-8",
	".odp": "application/vnd.oasis.opendocument.presentation",
	".ods": "application/vnd.oasis.opendocument.spreadsheet",
	".odt": "application/vnd.oasis.opendocument.text", ".pdf": "application/pdf",
	".ppt":  "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".rtf":  "application/rtf", ".txt": "text/plain; charset=utf-8", ".xls": "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	// web
	".css": "text/css; charset=utf-8", ".htm": "text/html; charset=utf-8", ".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8", ".json": "application/json", ".map": "application/json",
	".mjs": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".xml": "application/xml",
	".webmanifest": "application/manifest+json", ".yaml": "application/yaml", ".yml": "application/yaml",
	// fonts
	".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2",
	// archives and packages
	".7z": "application/x-7z-compressed", ".apk": "application/vnd.android.package-archive",
	".bz2": "application/x-bzip2", ".dmg": "application/x-apple-diskimage",
	".gz": "application/gzip", ".iso": "application/x-iso9660-image", ".jar": "application/java-archive",
	".rar": "application/vnd.rar", ".tar": "application/x-tar", ".tgz": "application/gzip",
	".xz": "application/x-xz", ".zip": "application/zip", ".zst": "application/zstd",
}

// ForName returns the Content-Type for a file or object name (only its
// extension counts, case-insensitively), or Default when it is unknown.
func ForName(name string) string {
	if t, ok := table[strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))]; ok {
		return t
	}
	return Default
}
