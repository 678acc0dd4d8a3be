#!/usr/bin/env bash
# Prints the 64-bit Wine loader: $WINE if set, else Debian's wine64 (not on
# PATH in Debian 12: /usr/lib/wine/wine64), else wine64 or wine on PATH.
set -euo pipefail
for w in "${WINE:-}" /usr/lib/wine/wine64 "$(command -v wine64 || true)" "$(command -v wine || true)"; do
  [ -n "$w" ] && [ -x "$w" ] && { echo "$w"; exit 0; }
done
echo "wine-bin: no wine64 found (apt-get install wine64)" >&2
exit 1
