#!/usr/bin/env bash
# Completes the tarball `fyne package -os linux` makes (fyne.io/tools v1.7.4):
# its desktop file has no MIME type (and fyne's CanOpen would write "Exec=cosdrop
# %F%F"), and it ships no MIME definition or AppStream metainfo. This swaps in
# packaging/linux/io.cosdrop.app.desktop, adds the other two files, and teaches
# fyne's Makefile (install, uninstall, user-install, user-uninstall) about them.
# Usage: finish-tarball.sh FYNE.tar.xz OUT.tar.xz
set -euo pipefail
in=$1; out=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$in" -C "$tmp"
top=$(cd "$tmp" && ls)
[ "$(echo "$top" | wc -l)" = 1 ] || { echo "finish-tarball: expected one top directory in $in, got: $top" >&2; exit 1; }
root=$tmp/$top
mk=$root/Makefile
desktop=$(cd "$root" && ls usr/share/applications/io.cosdrop.app.desktop usr/local/share/applications/io.cosdrop.app.desktop 2>/dev/null || true)
[ -n "$desktop" ] || { echo "finish-tarball: no io.cosdrop.app.desktop in $in (did fyne's layout change?)" >&2; exit 1; }
share=${desktop%/applications/io.cosdrop.app.desktop}   # usr/share or usr/local/share

install -m 0644 "$here/io.cosdrop.app.desktop" "$root/$desktop"
install -Dm 0644 "$here/io.cosdrop.app.xml" "$root/$share/mime/packages/io.cosdrop.app.xml"
install -Dm 0644 "$here/io.cosdrop.app.metainfo.xml" "$root/$share/metainfo/io.cosdrop.app.metainfo.xml"

mime=mime/packages/io.cosdrop.app.xml
meta=metainfo/io.cosdrop.app.metainfo.xml
awk -v S="$share" -v MIME="$mime" -v META="$meta" '
  { print }
  $0 == "install:" {
    print "\tinstall -Dm00644 " S "/" MIME " $(DESTDIR)$(PREFIX)/share/" MIME
    print "\tinstall -Dm00644 " S "/" META " $(DESTDIR)$(PREFIX)/share/" META
    print "\t-update-mime-database $(DESTDIR)$(PREFIX)/share/mime"
    n++ }
  $0 == "uninstall:" {
    print "\t-rm $(DESTDIR)$(PREFIX)/share/" MIME
    print "\t-rm $(DESTDIR)$(PREFIX)/share/" META
    print "\t-update-mime-database $(DESTDIR)$(PREFIX)/share/mime"
    n++ }
  $0 == "user-install:" {
    print "\tinstall -Dm00644 " S "/" MIME " $(DESTDIR)$(HOME)/.local/share/" MIME
    print "\t-update-mime-database $(DESTDIR)$(HOME)/.local/share/mime"
    n++ }
  $0 == "user-uninstall:" {
    print "\t-rm $(DESTDIR)$(HOME)/.local/share/" MIME
    print "\t-update-mime-database $(DESTDIR)$(HOME)/.local/share/mime"
    n++ }
  END { if (n != 4) { print "finish-tarball: found " n " of the 4 Makefile targets" > "/dev/stderr"; exit 1 } }
' "$mk" >"$mk.new"
mv "$mk.new" "$mk"

mkdir -p "$(dirname "$out")"
tar -C "$tmp" --owner=0 --group=0 --numeric-owner --sort=name -cJf "$out.tmp" "$top"
mv "$out.tmp" "$out"
