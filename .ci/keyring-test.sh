#!/usr/bin/env bash
# Runs the tests tagged `realkeyring` (in package main and auth) against a real Secret Service: a
# private D-Bus session with gnome-keyring unlocked by a throw-away password.
# Run bare, keyring calls would spawn daemons that outlive the test.
set -euo pipefail
cd "$(dirname "$0")/.."
rt=$(mktemp -d)
chmod 700 "$rt"
trap 'rm -rf "$rt"' EXIT
# Keep Go's caches where they are: only the keyring should see the new HOME.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"
export XDG_RUNTIME_DIR="$rt" HOME="$rt/home" XDG_DATA_HOME="$rt/home/.local/share"
mkdir -p "$HOME"
log="$rt/test.log"
dbus-run-session -- bash -c '
  set -euo pipefail
  echo -n ci-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  go test -count=1 -tags realkeyring -run RealKeyring -v ./cli/ ./auth/
' 2>&1 | tee "$log"
# A run in which no real-keyring test executed proves nothing: fail it.
grep -q -- "--- PASS: TestRealKeyring" "$log" || { echo "FAIL: no real-keyring test ran"; exit 1; }
