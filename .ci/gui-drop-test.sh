#!/usr/bin/env bash
# Real-window drag-and-drop test: starts the binary on the built-in Sandbox
# profile under Xvfb (with-xvfb.sh), drops two files (one with a non-ASCII
# name) onto the window with a real XDND drag source (xdnd_drop.py), waits
# (bounded) until both uploads are done, screenshots the screen, then
# checks the journal with `cosdrop status` and the log for wrong-goroutine
# calls. Usage: .ci/gui-drop-test.sh BINARY OUTDIR
set -euo pipefail
bin=$(realpath "$1"); out=$2
mkdir -p "$out"; out=$(realpath "$out")
ci=$(cd "$(dirname "$0")" && pwd)
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"
py=/usr/bin/python3   # Debian's python3-xlib lives there, not in a pyenv/venv python
[ -x "$py" ] || py=python3

home=$(mktemp -d)
files="$home/to-upload"; mkdir -p "$files"
head -c 300000 /dev/urandom >"$files/report.pdf"
printf 'Grüße aus Shenzhen\n' >"$files/照片 2024 年.txt"
log="$out/gui-drop.log"; events="$out/gui-drop-events.txt"; : >"$events"
env=(HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share"
  XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8)
env "${env[@]}" COSDROP_TEST_EVENTS="$events" "$bin" >"$log" 2>&1 &
app=$!
cleanup() { kill $app 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT

win=""
for _ in $(seq 1 $((300 * ${WAIT_SCALE:-6}))); do   # up to 30 s x WAIT_SCALE
  win=$(xdotool search --onlyvisible --name '^CosDrop' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  kill -0 $app 2>/dev/null || { echo "FAIL: the app exited before showing a window"; cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "$win" ] || { echo "FAIL: no CosDrop window in time (a bound of 30 s x WAIT_SCALE)"; cat "$log"; exit 1; }
# The Sandbox opens in the background; wait for its banner to be painted
# (the window stops being one colour) before dropping.
for _ in $(seq 1 $((100 * ${WAIT_SCALE:-6}))); do
  import -window "$win" "$out/gui-drop-before.png" 2>/dev/null || true
  [ "$(convert "$out/gui-drop-before.png" -format '%k' info: 2>/dev/null || echo 0)" -gt 50 ] && break
  sleep 0.1
done

"$py" "$ci/xdnd_drop.py" "$win" 400 350 "$files/report.pdf" "$files/照片 2024 年.txt"

ok=0
for _ in $(seq 1 $((300 * ${WAIT_SCALE:-6}))); do   # up to 30 s x WAIT_SCALE for both uploads
  n=$(grep -c '^done' "$events" || true)
  [ "$n" -ge 2 ] && { ok=1; break; }
  kill -0 $app 2>/dev/null || { echo "FAIL: the app exited"; cat "$log"; exit 1; }
  sleep 0.1
done
sleep 0.3   # one more UI tick so the screenshot shows the final state
import -window root "$out/gui-drop.png"
[ $ok = 1 ] || { echo "FAIL: the dropped files were not uploaded in time (a bound of 30 s x WAIT_SCALE)"; cat "$events" "$log"; exit 1; }
grep -q "照片 2024 年.txt" "$events" || { echo "FAIL: the non-ASCII file is not among the uploads"; cat "$events"; exit 1; }

# The journal agrees (read after the app let go of it).
kill $app; wait $app 2>/dev/null || true
status=$(env "${env[@]}" "$bin" status --state-dir "$home/.local/share/cosdrop/gui-Sandbox" 2>&1 || true)
echo "$status" >"$out/gui-drop-status.txt"
for f in "report.pdf" "照片 2024 年.txt"; do
  echo "$status" | grep -F "$f" | grep -qi "done" || { echo "FAIL: the journal does not show $f as done:"; echo "$status"; exit 1; }
done
if grep -q 'Error in Fyne call thread' "$log"; then
  echo "FAIL: Fyne logged a call from the wrong goroutine:"; grep -B2 -A8 'Error in Fyne call thread' "$log"; exit 1
fi
echo "gui-drop-test: 2 files dropped by XDND onto window $win, uploaded, journal confirms; screenshot $out/gui-drop.png"
