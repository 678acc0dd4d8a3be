#!/usr/bin/env bash
# Prepares a scratch Wine prefix that runs Go-built Windows programs (the
# Windows test lane, `make test-windows`). Idempotent; safe as root in CI with
# no display. Prints the prefix on stdout as the last line.
#
#   .ci/wine-setup.sh [PREFIX]     (default: build/_wine, or $COSDROP_WINEPREFIX)
#
# 1. installs wine64 and mingw-w64 through apt when missing (as .ci/deps.sh
#    does); only 64-bit Wine: 32-bit programs may not run on the host at all;
# 2. creates the prefix (wineboot, about 15 s the first time);
# 3. builds packaging/windows/bcryptprimitives.c (ProcessPrng, which Go 1.22+
#    needs and Wine 8 lacks) into the prefix's system32, rebuilt when the
#    source is newer than the DLL.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${1:-${COSDROP_WINEPREFIX:-$PWD/build/_wine}}  # never the user's own WINEPREFIX
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=

pkgs=(wine64 gcc-mingw-w64-x86-64)
missing=()
for p in "${pkgs[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$st" == "install ok installed" ]] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || { echo "wine-setup: install ${missing[*]} and run again" >&2; exit 1; }
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "wine-setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

WINE=$(.ci/wine-bin.sh)
if [ ! -f "$prefix/system.reg" ]; then
  echo "wine-setup: creating the prefix $prefix" >&2
  # Wine refuses a prefix owned by another user; root in CI owns its own.
  "$WINE" wineboot --init >/dev/null 2>&1 || true
  "$(dirname "$WINE")/wineserver" -w 2>/dev/null || wineserver -w 2>/dev/null || true
fi
sys32=$prefix/drive_c/windows/system32
[ -d "$sys32" ] || { echo "wine-setup: $sys32 missing after wineboot" >&2; exit 1; }

src=packaging/windows/bcryptprimitives.c
dll=$sys32/bcryptprimitives.dll
if [ ! -f "$dll" ] || [ "$src" -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -o "$dll.tmp" "$src" -ladvapi32
  mv "$dll.tmp" "$dll"
fi
echo "$prefix"
