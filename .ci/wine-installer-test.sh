#!/usr/bin/env bash
# The Windows installer round trip under 64-bit Wine (part of `make
# test-package`), per machine (/AllUsers) and per user (/CurrentUser): the
# setup .exe run silently installs
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
sendto="$c/users/$user/AppData/Roaming/Microsoft/Windows/SendTo/CosDrop.lnk"
fail=0
ok() { echo "  ok: $*"; }
bad() { echo "  FAILED: $*"; fail=1; }
waitwine() { "$(dirname "$WINE")/wineserver" -w 2>/dev/null || true; }

# roundtrip MODE ROOT DIR WINDIR MENU: install with /S /MODE, check, uninstall, check.
roundtrip() {
  local mode=$1 root=$2 inst=$3 windir=$4 menu=$5 k v
  local keys=("$root\Software\Microsoft\Windows\CurrentVersion\Uninstall\io.cosdrop.app"
    "$root\Software\CosDrop" "$root\Software\Classes\.cosdrop" "$root\Software\Classes\CosDrop.Profile")
  echo "== installer under $("$WINE" --version): $setup /S /$mode"
  "$WINE" "$setup" /S "/$mode" || bad "setup exit $?"
  waitwine
  [ -f "$inst/cosdrop.exe" ] && [ -f "$inst/uninstall.exe" ] && ok "$windir" || bad "nothing in $inst"
  [ -f "$sendto" ] && ok "Send To > CosDrop" || bad "no $sendto"
  [ -f "$menu" ] && ok "Start menu shortcut" || bad "no $menu"
  for k in "${keys[@]}"; do
    "$WINE" reg query "$k" >/dev/null 2>&1 && ok "$k" || bad "no $k"
  done
  v=$("$WINE" "$windir\\cosdrop.exe" version 2>&1 || true)
  [[ "$v" == cosdrop* ]] && ok "installed cosdrop.exe runs: $v" || bad "cosdrop.exe version: $v"

  echo "== uninstaller /S /$mode"
  "$WINE" "$windir\\uninstall.exe" /S "/$mode" || bad "uninstall exit $?"
  waitwine # the uninstaller copies itself to %TEMP% and returns at once
  [ ! -e "$inst" ] && ok "$windir removed" || bad "left: $(ls "$inst")"
  [ ! -e "$sendto" ] && ok "Send To entry removed" || bad "left: $sendto"
  [ ! -e "$menu" ] && ok "Start menu shortcut removed" || bad "left: $menu"
  for k in "${keys[@]}"; do
    ! "$WINE" reg query "$k" >/dev/null 2>&1 && ok "$k removed" || bad "left: $k"
  done
}

roundtrip AllUsers HKLM "$c/Program Files/CosDrop" 'C:\Program Files\CosDrop' \
  "$c/ProgramData/Microsoft/Windows/Start Menu/Programs/CosDrop.lnk"
roundtrip CurrentUser HKCU "$c/users/$user/AppData/Local/Programs/CosDrop" "C:\\users\\$user\\AppData\\Local\\Programs\\CosDrop" \
  "$c/users/$user/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/CosDrop.lnk"
exit $fail
