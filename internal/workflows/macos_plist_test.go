package workflows

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The macOS recipe (packaging/macos/package.sh, run by macos.yml on a Mac)
// declares the profile file type in the app's Info.plist, as the Linux
// package does with a MIME type: this machine cannot build the app, so
// the test checks what it can. The fragment parses as a property list,
// declares io.cosdrop.profile for *.cosdrop (the extension `profile
// export` writes and the Linux MIME glob names) conforming to public.json,
// makes CosDrop its owner, and the recipe merges it before signing.
func TestMacOSProfileFileType(t *testing.T) {
	root := filepath.Join("..", "..")
	f, err := os.Open(filepath.Join(root, "packaging", "macos", "document-types.plist"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := readPlist(f)
	if err != nil {
		t.Fatalf("document-types.plist: %v", err)
	}
	top, _ := v.(map[string]any)
	doc := only(t, top["CFBundleDocumentTypes"])
	if doc["LSHandlerRank"] != "Owner" || doc["CFBundleTypeRole"] != "Viewer" || !slices.Equal(strs(doc["LSItemContentTypes"]), []string{"io.cosdrop.profile"}) {
		t.Errorf("CFBundleDocumentTypes: %v", doc)
	}
	uti := only(t, top["UTExportedTypeDeclarations"])
	tags, _ := uti["UTTypeTagSpecification"].(map[string]any)
	if uti["UTTypeIdentifier"] != "io.cosdrop.profile" || !slices.Contains(strs(uti["UTTypeConformsTo"]), "public.json") ||
		!slices.Equal(strs(tags["public.filename-extension"]), []string{"cosdrop"}) ||
		!slices.Equal(strs(tags["public.mime-type"]), []string{"application/x-cosdrop-profile"}) {
		t.Errorf("UTExportedTypeDeclarations: %v", uti)
	}
	linux, err := os.ReadFile(filepath.Join(root, "packaging", "linux", "io.cosdrop.app.xml"))
	if err != nil || !strings.Contains(string(linux), `<glob pattern="*.cosdrop"/>`) || !strings.Contains(string(linux), `type="application/x-cosdrop-profile"`) {
		t.Errorf("the Linux MIME type no longer matches the macOS declaration (err %v)", err)
	}
	script, err := os.ReadFile(filepath.Join(root, "packaging", "macos", "package.sh"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(script)
	merge := strings.Index(s, `PlistBuddy -c "Merge packaging/macos/document-types.plist" "$app/Contents/Info.plist"`)
	if sign := strings.Index(s, "codesign --force"); merge < 0 || sign < merge {
		t.Errorf("package.sh does not merge document-types.plist into the Info.plist before signing (merge at %d, codesign at %d)", merge, sign)
	}
}

func only(t *testing.T, v any) map[string]any {
	t.Helper()
	list, _ := v.([]any)
	if len(list) != 1 {
		t.Fatalf("want one entry, got %v", v)
	}
	m, _ := list[0].(map[string]any)
	return m
}

func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, s := range list {
		if s, ok := s.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// readPlist reads an XML property list (dict, array, string, true, false)
// into maps, slices and strings; anything else is an error, so a typo in
// an element name fails the test instead of vanishing.
func readPlist(r io.Reader) (any, error) {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "plist" {
			return plistValue(d, nil)
		}
	}
}

// plistValue reads the next value; start is its element when already read.
func plistValue(d *xml.Decoder, start *xml.StartElement) (any, error) {
	for start == nil {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			start = &se
		}
	}
	switch start.Name.Local {
	case "string", "key":
		var s string
		err := d.DecodeElement(&s, start)
		return s, err
	case "true", "false":
		return start.Name.Local == "true", d.Skip()
	case "array", "dict":
		return plistContainer(d, start.Name.Local == "dict")
	}
	return nil, fmt.Errorf("unexpected <%s>", start.Name.Local)
}

// plistContainer reads an array's values, or a dict's key and value pairs.
func plistContainer(d *xml.Decoder, dict bool) (any, error) {
	var list []any
	m := map[string]any{}
	key := ""
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch tt := tok.(type) {
		case xml.EndElement:
			if dict {
				return m, nil
			}
			return list, nil
		case xml.StartElement:
			v, err := plistValue(d, &tt)
			switch {
			case err != nil:
				return nil, err
			case !dict:
				list = append(list, v)
			case tt.Name.Local == "key":
				key = v.(string)
			case key == "":
				return nil, fmt.Errorf("a <%s> without its <key>", tt.Name.Local)
			default:
				m[key], key = v, ""
			}
		}
	}
}
