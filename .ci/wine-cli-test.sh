#!/usr/bin/env bash
# The CLI end to end under Wine: the real cosdrop.exe (CGO_ENABLED=0, -tags
# nogui, as `make cli` builds it for Windows) uploads to its built-in Sandbox
# (localcos in the process, journal and objects in the Windows profile's
# data dir): a 100 MB file in parts and a folder of N small files (and one
# with a Chinese name), every one
# verified (CRC64); a rerun sends nothing; `status` reads the journal, and
# answers from a running upload over its status endpoint.
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

# A 40 MB file sent slowly (--limit) by a copy named for this test, so
# taskkill's /IM picks it and nothing else.
head -c $((40 << 20)) /dev/urandom >"$work/in/slow 40MB.bin"
cp "$exe" "$out/cosdrop-kill.exe"
slow=(upload --profile Sandbox --json "$(winpath "$work/in/slow 40MB.bin")")
poll() { # SECONDS CMD...: bounded poll (x WAIT_SCALE, as .ci/gui-lib.sh)
  local end=$((SECONDS + $1 * ${WAIT_SCALE:-6})); shift
  until "$@" 2>/dev/null; do [ "$SECONDS" -ge "$end" ] && return 1; sleep 0.1; done
}
second_then_terminate() { # a second process on the busy journal, then TerminateProcess mid-upload, then resume
  "$WINE" "$out/cosdrop-kill.exe" "${slow[@]}" --limit 2MiB >"$work/slow1.json" 2>&1 &
  local a=$!
  poll 60 grep -q '"Acked":[1-9]' "$work/slow1.json" || { echo "no progress"; cat "$work/slow1.json"; kill $a; return 1; }
  # status while it runs: the journal is locked, so the answer comes from the running upload's
  # status endpoint (session/ipc_windows.go); the endpoint file exists while it runs.
  local ipc; ipc=$(find "$work/data" -name status.ipc -print -quit)
  [ -n "$ipc" ] || { echo "no status.ipc while the upload runs"; kill $a; return 1; }
  run status --json >"$work/live-status.json" 2>&1 &&
    grep -q '"path":"[^"]*slow 40MB.bin".*"state":"uploading"' "$work/live-status.json" ||
    { echo "live status:"; head -c 800 "$work/live-status.json"; kill $a; return 1; }
  local rc=0
  run upload --profile Sandbox "$(winpath "$work/in/folder/f1.txt")" >"$work/second.txt" 2>&1 || rc=$?
  [ "$rc" -ne 0 ] && grep -q "Another CosDrop" "$work/second.txt" || { echo "second process: exit $rc"; cat "$work/second.txt"; kill $a; return 1; }
  "$WINE" taskkill /F /IM cosdrop-kill.exe >"$work/taskkill.txt" 2>&1 || { cat "$work/taskkill.txt"; kill $a; return 1; }
  wait $a || true
  ! grep -q '"event":"summary"' "$work/slow1.json" || { echo "the killed run ended by itself"; return 1; }
  # The endpoint file goes with the killed process (FILE_FLAG_DELETE_ON_CLOSE).
  poll 30 test ! -e "$ipc" || { echo "$ipc left by the killed upload"; return 1; }
  run "${slow[@]}" >"$work/slow2.json" && grep -q '"event":"done".*"verified":true' "$work/slow2.json"
}
ctrl_c() { # Ctrl+C in a console (Wine's conhost on a pty): exit 130, the task paused and saved, a rerun finishes
  head -c $((40 << 20)) /dev/urandom >"$work/in/ctrlc 40MB.bin"
  local rc=0 f; f=$(winpath "$work/in/ctrlc 40MB.bin")
  "$py" .ci/wine_console.py --timeout $((120 * ${WAIT_SCALE:-6})) --ctrl-c-after '[1-9][0-9]*\.[0-9]%' -- \
    "$WINE" "$exe" upload --profile Sandbox --limit 4MiB "$f" >"$work/ctrlc.txt" 2>&1 || rc=$?
  [ "$rc" -eq 130 ] && grep -q "Interrupted: pausing and saving" "$work/ctrlc.txt" ||
    { echo "Ctrl+C: exit $rc"; tail -c 600 "$work/ctrlc.txt"; return 1; }
  run status --json >"$work/ctrlc-status.json" && grep -q '"state":"paused"' "$work/ctrlc-status.json" ||
    { echo "status after Ctrl+C:"; head -c 800 "$work/ctrlc-status.json"; return 1; }
  run upload --profile Sandbox --json "$f" >"$work/ctrlc2.json" && grep -q '"event":"done".*"verified":true' "$work/ctrlc2.json"
}
console_chinese() { # the Chinese name as cmd.exe shows it: through the console (WriteConsoleW), read back as UTF-8
  "$py" .ci/wine_console.py --timeout $((60 * ${WAIT_SCALE:-6})) -- "$WINE" "$exe" status >"$work/console.txt" 2>&1 &&
    grep -qF '报告 2026.txt' "$work/console.txt"
}
py=/usr/bin/python3; [ -x "$py" ] || py=python3

check "cosdrop.exe version" run version
check "upload a 100 MB file in parts and $((nfiles + 1)) small files (one Chinese name) to the Sandbox, all verified" up1
check "rerun of the same upload sends nothing" up2
check "cosdrop.exe status lists the uploads" status
check "while an upload runs, cosdrop.exe status answers from it (loopback endpoint) and a second cosdrop.exe on the busy journal is refused in plain words; TerminateProcess mid-upload removes its endpoint file, then the rerun finishes verified" second_then_terminate
check "Ctrl+C in the console ends with exit 130, the upload paused in the journal; the rerun finishes verified" ctrl_c
check "the console (WriteConsoleW under Wine's conhost) prints the Chinese file name" console_chinese
check "without COSDROP_DATA_DIR the journal is under %LOCALAPPDATA%\\cosdrop" appdata
echo "cli $pass $fail"
