#!/usr/bin/env bash
# The real Windows window under Wine and Xvfb: the cgo GUI cosdrop.exe
# (cross-built with mingw-w64, as `make package-windows` builds it, but a
# console exe so its log can be read) opens its window on the built-in
# Sandbox; an X11 drag of two files (a Chinese name, and 30 MB, which goes
# up in parts) becomes a Windows drop (Wine's XDND bridge); both upload and
# verify; the close button (WM_DELETE_WINDOW, which Wine turns into
# WM_CLOSE) quits it; a relaunch in the same profile opens the journal it
# left, takes a third drop and uploads it; while it runs, `cosdrop.exe
# status` answers from it and a second launch `cosdrop.exe FILE` hands it a
# fourth file, which it uploads; `cosdrop.exe status` then shows all four
# done. Every wait is a bounded poll (gui-lib.sh).
#   .ci/wine-gui-test.sh OUTDIR [SCREENSHOT.png]
# SCREENSHOT: where to copy the window after the first drop (README's
# Windows picture: `make screenshots-windows`).
set -euo pipefail
cd "$(dirname "$0")/.."
ci=$PWD/.ci
out=${1:?usage: $0 OUTDIR [SCREENSHOT.png]}; shot=${2:-}
mkdir -p "$out"; out=$(realpath "$out")
[ -n "$shot" ] && shot=$(realpath -m "$shot")
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"
py=/usr/bin/python3   # Debian's python3-xlib lives there
[ -x "$py" ] || py=python3

export WINEPREFIX
WINEPREFIX=$(DISPLAY= .ci/wine-setup.sh | tail -n1)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
WINE=$(.ci/wine-bin.sh)
# A Windows installation brings a Chinese font (Microsoft YaHei, in every
# edition of Windows 10 and 11), which Fyne falls back to for CJK names; a
# fresh Wine prefix has none. The harness gives it the one .ci/deps.sh
# installs, so the picture shows what Windows shows.
cjk=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
[ -f "$cjk" ] && cp -u "$cjk" "$WINEPREFIX/drive_c/windows/Fonts/"
exe=$out/cosdrop.exe
echo "wine-gui-test: building the Windows GUI exe (cgo, mingw-w64)"
GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
  go build -trimpath -o "$exe" .

# shellcheck source=.ci/gui-lib.sh
. "$ci/gui-lib.sh"
work=$(mktemp -d)
echo "$work" >>"$homes_list"   # removed at exit by gui-lib's clean-up
winpath() { echo "Z:${1//\//\\}"; }
mkdir -p "$work/files" "$work/data"
printf '季度报告\n' >"$work/files/报告 2026.txt"
head -c $((30 << 20)) /dev/urandom >"$work/files/video 30MB.bin"
printf 'after the relaunch\n' >"$work/files/second.txt"
printf 'handed over by a second launch\n' >"$work/files/handed.txt"
events=$work/events; : >"$events"
export COSDROP_DATA_DIR COSDROP_TEST_EVENTS
COSDROP_DATA_DIR=$(winpath "$work/data") COSDROP_TEST_EVENTS=$(winpath "$events")

# start LOG: the exe under Wine; waits (bounded) for its painted window.
start() {
  applog=$1
  "$WINE" "$exe" >"$applog" 2>&1 &
  app=$!
  win=""
  local rc=0
  poll_for 60 find_window || rc=$?
  [ -n "$win" ] || { echo "FAIL: no CosDrop window (rc $rc)"; cat "$applog"; exit 1; }
  wait_until 20 "the first frame" not_blank
}
done_count() { grep -c '^done	' "$events" || true; }
dones_at_least() { [ "$(done_count)" -ge "$1" ]; }
drop() { # FILE...: one XDND drag onto the middle of the window
  "$py" "$ci/xdnd_drop.py" "$win" 400 350 "$@" || { echo "FAIL: the drop was not taken"; tail -20 "$applog"; exit 1; }
}
# close_and_wait: the close button; with nothing left to do CosDrop quits.
close_and_wait() {
  "$py" "$ci/wm_close.py" "$win"
  local end=$((SECONDS + 30 * WAIT_SCALE))
  while kill -0 "$app" 2>/dev/null; do
    if [ "$SECONDS" -ge "$end" ]; then
      # What the window shows tells a close that never arrived (the list
      # as it was) from one that asked a question or hung while pausing.
      import -window "$win" "$out/wine-gui-close-fail.png" 2>/dev/null || true
      # After 25 s the app writes its goroutines' stacks (ui/quitwatch.go).
      echo "FAIL: the window did not quit on close (its picture: $out/wine-gui-close-fail.png)"; tail -400 "$applog"; exit 1
    fi
    sleep 0.1
  done
  wait "$app" || { echo "FAIL: the exe exited with status $? on close"; tail -20 "$applog"; exit 1; }
  app=""
}

start "$out/wine-gui-1.log"
drop "$work/files/报告 2026.txt" "$work/files/video 30MB.bin"
wait_until 60 "the two dropped files to upload" dones_at_least 2
alive_and_clean "$out/wine-gui-1.log" "first launch"
sleep 0.3   # one more UI tick so the picture shows the final state
import -window "$win" "$out/wine-gui.png"
[ -n "$shot" ] && cp "$out/wine-gui.png" "$shot"
grep -qF '报告 2026.txt' "$events" || { echo "FAIL: the Chinese name is not among the uploads"; cat "$events"; exit 1; }
close_and_wait

start "$out/wine-gui-2.log"
drop "$work/files/second.txt"
wait_until 60 "the drop after the relaunch to upload" grep -q '^done	.*second\.txt' "$events"
alive_and_clean "$out/wine-gui-2.log" "relaunch"
# The relaunched list shows the first launch's two rows (read back from the
# journal) and the new one: wait for the third row to be painted.
wait_until 10 "the third row" region_not_blank 300x20+0+191
import -window "$win" "$out/wine-gui-relaunch.png"
# While the window runs (its journal locked): `cosdrop.exe status` answers
# from the window's engine over the status endpoint, and a second launch
# `cosdrop.exe FILE` hands the file to the window (session/ipc_windows.go:
# loopback TCP, an owner-only endpoint file, the key handshake), exits 0,
# and the window uploads it.
state=$(winpath "$work/data/$(cd "$work/data" && ls -d gui-* | head -n1)")
"$WINE" "$exe" status --state-dir "$state" >"$out/wine-gui-live-status.txt" 2>&1 &&
  grep -F "second.txt" "$out/wine-gui-live-status.txt" | grep -qi done ||
  { echo "FAIL: status while the window runs:"; cat "$out/wine-gui-live-status.txt"; exit 1; }
"$WINE" "$exe" "$(winpath "$work/files/handed.txt")" >"$out/wine-gui-handoff.txt" 2>&1 ||
  { echo "FAIL: the second launch exited $?:"; cat "$out/wine-gui-handoff.txt"; exit 1; }
wait_until 60 "the file handed to the running window to upload" grep -q '^done	.*handed\.txt' "$events"
alive_and_clean "$out/wine-gui-2.log" "hand-off"
close_and_wait

# The journal the window left, read by the same exe as a CLI.
"$WINE" "$exe" status --state-dir "$state" >"$out/wine-gui-status.txt" 2>&1 || true
for f in "报告 2026.txt" "video 30MB.bin" "second.txt" "handed.txt"; do
  grep -F "$f" "$out/wine-gui-status.txt" | grep -qi done ||
    { echo "FAIL: the journal does not show $f as done:"; cat "$out/wine-gui-status.txt"; exit 1; }
done
echo "wine-gui-test: the Windows exe under Wine showed its window, took 2 dropped files (30 MB in parts) then one more after a close and relaunch, answered status while running and took a file from a second launch; all four done in the journal"
