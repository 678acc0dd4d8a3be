#!/usr/bin/env bash
# Package test (`make test-package`, after `make package`). Checks what an admin
# would: the .deb installs with dpkg (+ apt-get -f install), `cosdrop version`
# says the package's version, the installed app opens its window under Xvfb,
# double-clicking a *.cosdrop file is wired to it, and `dpkg -r` removes every
# file it installed. The fyne tarball installs with its own Makefile. The
# Windows .exe is a 64-bit GUI PE with icon, manifest and version resource,
# and the installer is a 64-bit PE that carries exactly that .exe; under
# wine64 it installs silently, the installed .exe runs, and the uninstaller
# removes everything (.ci/wine-installer-test.sh).
#
# Environment (set by packaging.mk): PKG_VERSION PKG_VERSION4 DEB TARBALL
# WIN_EXE WIN_SETUP OUT. Needs root or sudo for dpkg.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PKG_VERSION:?}" "${PKG_VERSION4:?}" "${DEB:?}" "${TARBALL:?}" "${WIN_EXE:?}" "${WIN_SETUP:?}" "${OUT:?}"

passed=0 failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { # check NAME CMD...: runs CMD, counts the result, shows its output on failure
  local name=$1 log; shift
  if log=$("$@" 2>&1); then ok "$name"; else bad "$name"; echo "$log" | sed 's/^/     /'; fi
}
need() { command -v "$1" >/dev/null || { echo "FAIL: $1 not found: install $2 (.ci/deps.sh package)"; exit 1; }; }
need dpkg-deb dpkg; need desktop-file-validate desktop-file-utils; need appstreamcli appstream
need update-mime-database shared-mime-info; need objdump binutils; need file file; need 7z p7zip-full
need python3 python3; need Xvfb xvfb

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "FAIL: dpkg needs root: run as root or install sudo"; exit 1; }
  sudo=(sudo)
fi
for f in "$DEB" "$TARBALL" "$WIN_EXE" "$WIN_SETUP"; do
  [ -s "$f" ] || { echo "FAIL: $f is missing: run make package first"; exit 1; }
done
rm -rf "$OUT" && mkdir -p "$OUT"
tmp=$(mktemp -d)
installed_by_us=""
cleanup() {
  if [ -n "$installed_by_us" ] && dpkg-query -W -f='${Status}' cosdrop 2>/dev/null | grep -q 'ok installed'; then
    "${sudo[@]}" dpkg -r cosdrop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== metadata files"
check "desktop-file-validate io.cosdrop.app.desktop" desktop-file-validate packaging/linux/io.cosdrop.app.desktop
check "desktop file runs 'cosdrop %F' and claims the profile MIME type" \
  grep -qxF -e 'Exec=cosdrop %F' packaging/linux/io.cosdrop.app.desktop
check "desktop file MimeType" grep -qxF 'MimeType=application/x-cosdrop-profile;' packaging/linux/io.cosdrop.app.desktop
upload_action() { # "Upload with CosDrop": a desktop action run on the selected files (%F), as opening them
  local group
  group=$(awk '/^\[Desktop Action upload\]$/ {a = 1; next} /^\[/ {a = 0} a' "$1")
  grep -qxF 'Actions=upload;' "$1" && grep -qxF 'Exec=cosdrop %F' <<<"$group" &&
    grep -qxF 'Name=Upload with CosDrop' <<<"$group" || { echo "$1: no 'Upload with CosDrop' action running 'cosdrop %F'"; return 1; }
}
check "desktop file has the 'Upload with CosDrop' action (cosdrop %F)" upload_action packaging/linux/io.cosdrop.app.desktop
check "Dolphin's service menu has the 'Upload with CosDrop' action (cosdrop %F)" upload_action packaging/linux/io.cosdrop.upload.servicemenu.desktop
nemo_action() { # Nemo's action: its one group, a name, the command on the selection
  local f=$1
  [ "$(grep -c '^\[' "$f")" = 1 ] && grep -qxF '[Nemo Action]' "$f" && grep -qxF 'Name=Upload with CosDrop' "$f" &&
    grep -qxF 'Exec=cosdrop %F' "$f" && grep -qxF 'Selection=notnone' "$f" && grep -qxF 'Extensions=any;' "$f" ||
    { echo "$f: not a Nemo action running 'cosdrop %F' on any selection"; return 1; }
}
check "Nemo's action runs 'cosdrop %F' on the selection" nemo_action packaging/linux/io.cosdrop.upload.nemo_action
sendto() { # the installer adds Explorer's "Send to > CosDrop" and its uninstaller removes it
  local nsi=packaging/windows/cosdrop.nsi
  grep -qF 'CreateShortcut "$SENDTO\${APPNAME}.lnk" "$INSTDIR\cosdrop.exe"' "$nsi" &&
    awk '/^Section "Uninstall"/ {u = 1} u' "$nsi" | grep -qF 'Delete "$SENDTO\${APPNAME}.lnk"' ||
    { echo "$nsi: no Send To shortcut, or the uninstaller leaves it"; return 1; }
}
check "installer adds Send to > CosDrop and the uninstaller removes it" sendto
check "appstreamcli validate io.cosdrop.app.metainfo.xml" \
  appstreamcli validate --no-net --pedantic packaging/linux/io.cosdrop.app.metainfo.xml
mimetest() { # update-mime-database must accept the definition and map *.cosdrop to it
  mkdir -p "$tmp/mime/packages" && cp packaging/linux/io.cosdrop.app.xml "$tmp/mime/packages/"
  update-mime-database "$tmp/mime" && grep -q 'application/x-cosdrop-profile:\*\.cosdrop' "$tmp/mime/globs2"
}
check "update-mime-database accepts io.cosdrop.app.xml (*.cosdrop)" mimetest

echo "== .deb: $DEB ($(stat -c %s "$DEB") bytes)"
field() { dpkg-deb -f "$DEB" "$1"; }
check "Package: cosdrop" test "$(field Package)" = cosdrop
check "Version: $PKG_VERSION-1" test "$(field Version)" = "$PKG_VERSION-1"
check "Architecture: amd64" test "$(field Architecture)" = amd64
want_paths=(/usr/bin/cosdrop /usr/share/applications/io.cosdrop.app.desktop
  /usr/share/mime/packages/io.cosdrop.app.xml /usr/share/metainfo/io.cosdrop.app.metainfo.xml
  /usr/share/icons/hicolor/scalable/apps/io.cosdrop.app.svg)
for s in 16 32 48 64 128 256 512; do want_paths+=("/usr/share/icons/hicolor/${s}x${s}/apps/io.cosdrop.app.png"); done
dpkg-deb -c "$DEB" | awk '{print $NF}' | sed 's,^\.,,' >"$OUT/deb-contents.txt"
for p in "${want_paths[@]}"; do check "deb ships $p" grep -qxF "$p" "$OUT/deb-contents.txt"; done
depends_cover_needed() { # every shared library the binary links is in a package the .deb depends on
  mkdir -p "$tmp/deb" && dpkg-deb -x "$DEB" "$tmp/deb"
  local deps missing=0 lib path pkg
  deps=" $(field Depends | tr -d ' ' | tr ',|' '  ') "
  for lib in $(objdump -p "$tmp/deb/usr/bin/cosdrop" | awk '/NEEDED/ {print $2}'); do
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')
    pkg=""
    for c in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr${path}"; do  # usrmerge: dpkg knows one spelling
      pkg=$(dpkg -S "$c" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$pkg" ] && break
    done
    if [ -z "$pkg" ] || [[ $deps != *" $pkg "* ]]; then echo "$lib (from ${pkg:-?}) is not covered by Depends:$deps"; missing=1; fi
  done
  return $missing
}
check "Depends covers every NEEDED library of /usr/bin/cosdrop" depends_cover_needed

echo "== install"
if dpkg-query -W -f='${Status}' cosdrop 2>/dev/null | grep -q 'ok installed'; then
  echo "note: cosdrop $(dpkg-query -W -f='${Version}' cosdrop) was already installed; it is replaced and removed at the end"
fi
installed_by_us=1
"${sudo[@]}" dpkg -i "$DEB" >"$OUT/dpkg-i.log" 2>&1 || echo "note: dpkg -i left dependencies to resolve (see $OUT/dpkg-i.log)"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq >"$OUT/apt-f.log" 2>&1 ||
  { bad "apt-get -f install"; cat "$OUT/apt-f.log"; }
check "dpkg: cosdrop $PKG_VERSION-1 installed" \
  test "$(dpkg-query -W -f='${Status} ${Version}' cosdrop)" = "install ok installed $PKG_VERSION-1"
dpkg -L cosdrop | sort >"$OUT/dpkg-L.txt"
check "cosdrop on PATH is /usr/bin/cosdrop" test "$(command -v cosdrop)" = /usr/bin/cosdrop
ver=$(/usr/bin/cosdrop version 2>&1 || true)
echo "     /usr/bin/cosdrop version: $ver"
check "installed 'cosdrop version' says $PKG_VERSION" grep -qF "cosdrop $PKG_VERSION " <<<"$ver"
check "installed desktop file validates" desktop-file-validate /usr/share/applications/io.cosdrop.app.desktop
check "installed desktop file offers 'Upload with CosDrop' on selected files" \
  upload_action /usr/share/applications/io.cosdrop.app.desktop
check "installed Dolphin service menu" upload_action /usr/share/kio/servicemenus/io.cosdrop.upload.desktop
check "installed Nemo action" nemo_action /usr/share/nemo/actions/io.cosdrop.upload.nemo_action
# dpkg triggers (shared-mime-info, desktop-file-utils) must have picked the files up:
# this is what makes double-clicking a *.cosdrop file open CosDrop.
check "MIME database maps *.cosdrop to application/x-cosdrop-profile" \
  grep -q 'application/x-cosdrop-profile:\*\.cosdrop' /usr/share/mime/globs2
check "mimeinfo.cache opens application/x-cosdrop-profile with io.cosdrop.app.desktop" \
  grep -q '^application/x-cosdrop-profile=.*io\.cosdrop\.app\.desktop' /usr/share/applications/mimeinfo.cache
check "installed app opens its window under Xvfb" .ci/gui-smoke.sh /usr/bin/cosdrop "$OUT/gui"

echo "== remove"
"${sudo[@]}" dpkg -r cosdrop >"$OUT/dpkg-r.log" 2>&1 || { bad "dpkg -r cosdrop"; cat "$OUT/dpkg-r.log"; }
installed_by_us=""
check "dpkg: cosdrop no longer installed" \
  bash -c '! dpkg-query -W -f="\${Status}" cosdrop 2>/dev/null | grep -q "ok installed"'
leftovers() { # files must be gone; directories may stay only if another package owns them or they hold others' files
  local p rc=0
  while read -r p; do
    if [ -d "$p" ] && [ ! -L "$p" ]; then
      if [ -z "$(ls -A "$p")" ] && ! dpkg -S "$p" >/dev/null 2>&1; then echo "empty directory left: $p"; rc=1; fi
    elif [ -e "$p" ] || [ -L "$p" ]; then
      echo "file left: $p"; rc=1
    fi
  done <"$OUT/dpkg-L.txt"
  return $rc
}
check "dpkg -r removed all $(grep -c . "$OUT/dpkg-L.txt") paths of dpkg -L (files gone, no empty dirs of ours)" leftovers
check "MIME database no longer knows *.cosdrop" bash -c '! grep -q x-cosdrop-profile /usr/share/mime/globs2'
check "mimeinfo.cache no longer names io.cosdrop.app.desktop" \
  bash -c '! grep -q io\\.cosdrop\\.app\\.desktop /usr/share/applications/mimeinfo.cache'

echo "== fyne tarball: $TARBALL ($(stat -c %s "$TARBALL") bytes)"
tarball_install() { # its Makefile installs into DESTDIR, with our desktop, MIME and metainfo files
  mkdir -p "$tmp/tar" "$tmp/root" && tar -xJf "$TARBALL" -C "$tmp/tar"
  local d; d=$(echo "$tmp"/tar/*)
  make -s -C "$d" install DESTDIR="$tmp/root" PREFIX=/usr/local >/dev/null
  local f
  for f in bin/cosdrop share/applications/io.cosdrop.app.desktop share/pixmaps/io.cosdrop.app.png \
    share/mime/packages/io.cosdrop.app.xml share/metainfo/io.cosdrop.app.metainfo.xml; do
    [ -s "$tmp/root/usr/local/$f" ] || { echo "make install did not install usr/local/$f"; return 1; }
  done
  desktop-file-validate "$tmp/root/usr/local/share/applications/io.cosdrop.app.desktop"
  grep -qxF 'MimeType=application/x-cosdrop-profile;' "$tmp/root/usr/local/share/applications/io.cosdrop.app.desktop"
  upload_action "$tmp/root/usr/local/share/applications/io.cosdrop.app.desktop"
  "$tmp/root/usr/local/bin/cosdrop" version | grep -qF "cosdrop $PKG_VERSION "
}
check "tarball: make install puts binary, desktop, icon, MIME and metainfo in place; version $PKG_VERSION" tarball_install

echo "== Windows: $WIN_EXE ($(stat -c %s "$WIN_EXE") bytes)"
exe_file=$(file -b "$WIN_EXE")
echo "     file: $exe_file"
check "file(1): PE32+ GUI x86-64" grep -q '^PE32+ executable (GUI) x86-64' <<<"$exe_file"
check "PE header and resources: PE32+, GUI subsystem, icon, manifest, version $PKG_VERSION ($PKG_VERSION4)" \
  python3 packaging/windows/pecheck.py "$WIN_EXE" --pe32plus --gui --icon --manifest \
  --version "$PKG_VERSION" --fixed "$PKG_VERSION4"
python3 packaging/windows/pecheck.py "$WIN_EXE" --icon --version "$PKG_VERSION" 2>/dev/null | sed 's/^/     /' || true

echo "== Windows installer: $WIN_SETUP ($(stat -c %s "$WIN_SETUP") bytes)"
setup_file=$(file -b "$WIN_SETUP")
echo "     file: $setup_file"
check "file(1): PE32+ GUI x86-64 (a 64-bit NSIS installer)" grep -q '^PE32+ executable (GUI) x86-64' <<<"$setup_file"
check "7z: a 64-bit NSIS 3 installer" bash -c '7z l "$1" | grep -q "^SubType = NSIS-3 Unicode 64-bit"' _ "$WIN_SETUP"
check "installer PE: GUI subsystem, icon, version $PKG_VERSION ($PKG_VERSION4)" \
  python3 packaging/windows/pecheck.py "$WIN_SETUP" --gui --icon --version "$PKG_VERSION" --fixed "$PKG_VERSION4"
payload() { # the installer carries the very .exe checked above, plus an uninstaller
  7z l "$WIN_SETUP" | grep -q ' uninstall\.exe$' || { echo "no uninstall.exe in the installer"; return 1; }
  7z x -y -o"$tmp/nsis" "$WIN_SETUP" cosdrop.exe >/dev/null
  cmp "$tmp/nsis/cosdrop.exe" "$WIN_EXE"
}
check "installer payload: cosdrop.exe identical to $WIN_EXE, uninstall.exe written" payload

check "installer round trip under wine64: silent install, cosdrop.exe runs, silent uninstall leaves nothing" \
  .ci/wine-installer-test.sh "$WIN_SETUP"

echo "package-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
