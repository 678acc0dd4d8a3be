#!/usr/bin/env bash
# The Windows installer round trip under 64-bit Wine (part of `make
# test-package`): the setup .exe run silently per machine installs
# cosdrop.exe into Program Files with a Start menu shortcut, Send To > CosDrop
# and an Add/Remove Programs entry; the installed cosdrop.exe runs; the
# uninstaller, silent too, removes every one of them.
#   .ci/wine-installer-test.sh SETUP.exe
# Uses its own scratch prefix (build/_wine-installer), so a failed run leaves
# nothing in the test lane's.
set -euo pipefail
cd "$(dirname "$0")/.."
setup=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export WINEPREFIX
WINEPREFIX=$(.ci/wine-setup.sh "$PWD/build/_wine-installer" | tail -n1)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
WINE=$(.ci/wine-bin.sh)
c=$WINEPREFIX/drive_c
user=$(ls "$c/users" | grep -vx Public | head -n1)
inst="$c/Program Files/CosDrop"
sendto="$c/users/$user/AppData/Roaming/Microsoft/Windows/SendTo/CosDrop.lnk"
menu="$c/ProgramData/Microsoft/Windows/Start Menu/Programs/CosDrop.lnk"
uninst='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\io.cosdrop.app'
fail=0
ok() { echo "  ok: $*"; }
bad() { echo "  FAILED: $*"; fail=1; }
waitwine() { "$(dirname "$WINE")/wineserver" -w 2>/dev/null || true; }

echo "== installer under $("$WINE" --version): $setup /S /AllUsers"
"$WINE" "$setup" /S /AllUsers || bad "setup exit $?"
waitwine
[ -f "$inst/cosdrop.exe" ] && [ -f "$inst/uninstall.exe" ] && ok "Program Files\\CosDrop" || bad "nothing in $inst"
[ -f "$sendto" ] && ok "Send To > CosDrop" || bad "no $sendto"
[ -f "$menu" ] && ok "Start menu shortcut" || bad "no $menu"
"$WINE" reg query "$uninst" /v UninstallString >/dev/null 2>&1 && ok "Add/Remove Programs entry" || bad "no $uninst"
for k in 'HKLM\Software\CosDrop' 'HKLM\Software\Classes\.cosdrop' 'HKLM\Software\Classes\CosDrop.Profile'; do
  "$WINE" reg query "$k" >/dev/null 2>&1 && ok "$k" || bad "no $k"
done
v=$("$WINE" "C:\\Program Files\\CosDrop\\cosdrop.exe" version 2>&1 || true)
[[ "$v" == cosdrop* ]] && ok "installed cosdrop.exe runs: $v" || bad "cosdrop.exe version: $v"

echo "== uninstaller /S /AllUsers"
"$WINE" "C:\\Program Files\\CosDrop\\uninstall.exe" /S /AllUsers || bad "uninstall exit $?"
waitwine # the uninstaller copies itself to %TEMP% and returns at once
[ ! -e "$inst" ] && ok "Program Files\\CosDrop removed" || bad "left: $(ls "$inst")"
[ ! -e "$sendto" ] && ok "Send To entry removed" || bad "left: $sendto"
[ ! -e "$menu" ] && ok "Start menu shortcut removed" || bad "left: $menu"
for k in "$uninst" 'HKLM\Software\CosDrop' 'HKLM\Software\Classes\.cosdrop' 'HKLM\Software\Classes\CosDrop.Profile'; do
  ! "$WINE" reg query "$k" >/dev/null 2>&1 && ok "$k removed" || bad "left: $k"
done
exit $fail
