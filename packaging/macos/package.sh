#!/usr/bin/env bash
# Builds CosDrop.app and CosDrop-VERSION-macos-universal.dmg on a Mac, signed
# with a Developer ID and notarised when the signing variables are set.
# Run from the repository root on macOS with Xcode (or its command line tools)
# and Go; .github/workflows/macos.yml runs exactly this. It cannot run on Linux:
# there is no Apple SDK, codesign or notarytool there.
#
#   VERSION              git describe output (default: computed here)
#   MACOS_SIGN_IDENTITY  "Developer ID Application: NAME (TEAMID)"; unset = unsigned build
#   NOTARY_PROFILE       a `xcrun notarytool store-credentials` profile; unset = not notarised
set -euo pipefail
[ "$(uname -s)" = Darwin ] || { echo "package.sh: macOS only (needs the Apple SDK, codesign and notarytool)" >&2; exit 1; }
cd "$(dirname "$0")/../.."

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo dev)
PKG_VERSION=$(packaging/version.sh pkg "$VERSION")
PKG_NUMVER=$(packaging/version.sh num "$VERSION")
PKG_BUILDNO=$(git rev-list --count HEAD 2>/dev/null || echo 1)
work=build/pkg/darwin dist=build/dist
rm -rf "$work" && mkdir -p "$work/fynesrc/assets" "$dist"

# One binary per architecture, then a universal one (cgo: clang targets both).
ldflags="-s -w -X main.version=$PKG_VERSION -X main.commit=$COMMIT"
export CGO_ENABLED=1 MACOSX_DEPLOYMENT_TARGET=11.0
for arch in arm64 amd64; do
  GOARCH=$arch go build -tags migrated_fynedo -trimpath -ldflags "$ldflags" -o "$work/cosdrop-$arch" .
done
lipo -create -output "$work/cosdrop" "$work/cosdrop-arm64" "$work/cosdrop-amd64"

# fyne package bumps Build in FyneApp.toml: give it a copy, as on Linux.
cp FyneApp.toml main.go "$work/fynesrc/" && cp assets/icon.png "$work/fynesrc/assets/"
(cd "$work/fynesrc" && go run fyne.io/tools/cmd/fyne@v1.7.4 package --target darwin --release \
  --executable "$PWD/../cosdrop" --name CosDrop --app-id io.cosdrop.app \
  --app-version "$PKG_NUMVER" --app-build "$PKG_BUILDNO")
app=$work/fynesrc/CosDrop.app
[ -d "$app" ] || { echo "package.sh: fyne did not make $app" >&2; exit 1; }
# The profile file type (*.cosdrop) and CosDrop as its owner: fyne package
# writes no document types, so they are merged in before signing.
/usr/libexec/PlistBuddy -c "Merge packaging/macos/document-types.plist" "$app/Contents/Info.plist"
plutil -lint "$app/Contents/Info.plist"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Hardened runtime + secure timestamp: both required for notarisation.
  codesign --force --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --strict --verbose=2 "$app"
else
  echo "warning: MACOS_SIGN_IDENTITY not set: the .app and .dmg are unsigned (Gatekeeper will block them)" >&2
fi

dmg=$dist/CosDrop-$PKG_VERSION-macos-universal.dmg
stage=$work/dmg && mkdir -p "$stage" && cp -R "$app" "$stage/" && ln -s /Applications "$stage/Applications"
hdiutil create -volname CosDrop -srcfolder "$stage" -ov -format UDZO "$dmg"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
  if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
  else
    echo "warning: NOTARY_PROFILE not set: signed but not notarised" >&2
  fi
fi
"$app/Contents/MacOS/cosdrop" version
ls -l "$dmg"
