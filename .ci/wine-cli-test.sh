#!/usr/bin/env bash
# The CLI end to end under Wine: the real cosdrop.exe (CGO_ENABLED=0, -tags
# nogui, as `make cli` builds it for Windows) uploads to its built-in Sandbox
# (localcos in the process, journal and objects in the Windows profile's
# data dir): a 100 MB file in parts and a folder of N small files (and one
# with a Chinese name), every one
# verified (CRC64); a rerun sends nothing; `status` reads the journal.
# Called by .ci/wine-test.sh with the prefix set up; prints "cli PASS FAIL".
#   .ci/wine-cli-test.sh OUTDIR NFILES
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1 nfiles=${2:-200}
: "${WINEPREFIX:?run through .ci/wine-test.sh}"
WINE=$(.ci/wine-bin.sh)
exe=$out/cosdrop.exe
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags nogui -trimpath -o "$exe" .

work=$out/cli
rm -rf "$work" && mkdir -p "$work/in/folder"
winpath() { local p; p=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); echo "Z:${p//\//\\}"; }
head -c $((100 << 20)) /dev/urandom >"$work/in/big 100MB.bin"
for i in $(seq 1 "$nfiles"); do printf 'file %d %s\n' "$i" "$RANDOM" >"$work/in/folder/f$i.txt"; done
# A Chinese name: Windows hands it over in UTF-16; the key and the output must be the same UTF-8.
echo "季度报告" >"$work/in/folder/报告 2026.txt"
export COSDROP_DATA_DIR
COSDROP_DATA_DIR=$(winpath "$work/data")
pass=0 fail=0
check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "--- PASS: $name"; else fail=$((fail + 1)); echo "--- FAIL: $name"; fi
}
run() { "$WINE" "$exe" "$@"; }

up1() {
  run upload --profile Sandbox --json "$(winpath "$work/in/big 100MB.bin")" "$(winpath "$work/in/folder")" >"$work/up1.json"
  local v; v=$(grep -c '"event":"done".*"verified":true' "$work/up1.json" || true)
  [ "$v" -eq $((nfiles + 2)) ] || { echo "verified: $v of $((nfiles + 2))"; tail -5 "$work/up1.json"; return 1; }
  grep -q '"key":"folder/报告 2026.txt"' "$work/up1.json" || { echo "no key folder/报告 2026.txt"; return 1; }
}
up2() { # the same command again: every file recognised, nothing re-sent (a file sent again would end
  # in a "done" event; a progress line may appear on a slow machine, and is no evidence either way)
  run upload --profile Sandbox --json "$(winpath "$work/in/big 100MB.bin")" "$(winpath "$work/in/folder")" >"$work/up2.json"
  ! grep -q '"event":"done"' "$work/up2.json" && grep -q '"exit_code":0' "$work/up2.json" &&
    grep -q "\"event\":\"summary\".*\"Done\":$((nfiles + 2))," "$work/up2.json"
}
status() { run status --profile Sandbox --json >"$work/status.json" 2>&1 || run status --json >"$work/status.json"; grep -q 'big 100MB.bin' "$work/status.json"; }

appdata() { # no COSDROP_DATA_DIR: the journal and the Sandbox go to %LOCALAPPDATA%\cosdrop, as README says
  local local_dir
  local_dir=$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Local | grep -v /Public/ | head -n1)
  rm -rf "$local_dir/cosdrop"
  COSDROP_DATA_DIR= run upload --profile Sandbox --json "$(winpath "$work/in/folder/f1.txt")" >"$work/appdata.json" &&
    grep -q '"verified":true' "$work/appdata.json" && [ -d "$local_dir/cosdrop" ] &&
    [ -n "$(find "$local_dir/cosdrop" -name 'journal.db' -print -quit)" ]
}

check "cosdrop.exe version" run version
check "upload a 100 MB file in parts and $((nfiles + 1)) small files (one Chinese name) to the Sandbox, all verified" up1
check "rerun of the same upload sends nothing" up2
check "cosdrop.exe status lists the uploads" status
check "without COSDROP_DATA_DIR the journal is under %LOCALAPPDATA%\\cosdrop" appdata
echo "cli $pass $fail"
