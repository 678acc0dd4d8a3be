#!/usr/bin/env bash
# Turns the Makefile's VERSION (git describe --tags --always --dirty) into
# the versions the packages carry, so the .deb, the Windows resources and
# `cosdrop version` all say the same thing.
#   packaging/version.sh pkg  VERSION  -> Debian-safe version, e.g. 1.2.0, 1.2.0+git3.gabc1234, 0.1.0~git9d0e337
#   packaging/version.sh num  VERSION  -> major.minor.patch for fyne and Windows (numbers only)
# A tag vX.Y.Z wins; without one the FyneApp.toml version is used and the
# commit is marked as coming before that release (~ sorts first in dpkg).
set -euo pipefail
mode=${1:?usage: version.sh pkg|num VERSION}
v=${2:-dev}
toml=$(dirname "$0")/../FyneApp.toml
base=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([0-9][0-9.]*\)".*/\1/p' "$toml" | head -1)
base=${base:-0.0.1}

dirty=""
if [[ $v == *-dirty ]]; then dirty=.dirty; v=${v%-dirty}; fi
if [[ $v =~ ^v?([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9]+)-(g[0-9a-f]+))?$ ]]; then
  num="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}"
  pkg=$num
  [ -n "${BASH_REMATCH[4]}" ] && pkg="$num+git${BASH_REMATCH[5]}.${BASH_REMATCH[6]}"
  [ -n "$dirty" ] && { [[ $pkg == *+* ]] && pkg="$pkg$dirty" || pkg="$pkg+dirty"; }
elif [[ $v =~ ^[0-9a-f]{7,40}$ ]]; then
  num=$base; pkg="$base~git$v$dirty"
else
  num=$base; pkg="$base~$(printf '%s' "$v" | tr -c 'A-Za-z0-9.+~\n' '.')$dirty"
fi
case $mode in
  pkg) echo "$pkg" ;;
  num) echo "$num" ;;
  *) echo "usage: version.sh pkg|num VERSION" >&2; exit 2 ;;
esac
