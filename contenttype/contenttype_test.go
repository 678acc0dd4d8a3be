package contenttype

import "testing"

func TestForName(t *testing.T) {
	cases := map[string]string{
		"photo.JPG":           "image/jpeg",
		"dir/report.pdf":      "application/pdf",
		`C:\Users\a\logo.png`: "image/png",
		"index.html":          "text/html; charset=utf-8",
		"图片/猫.webp":           "image/webp",
		"archive.tar.gz":      "application/gzip",
		"noext":               Default,
		"weird.qqq":           Default,
		".png/notes":          Default, // the extension belongs to the last element only
	}
	for name, want := range cases {
		if got := ForName(name); got != want {
			t.Errorf("ForName(%q) = %q, want %q", name, got, want)
		}
	}
}
