#!/usr/bin/env bash
# GUI smoke test: starts the real binary under Xvfb (see with-xvfb.sh),
# waits (bounded) for its window, screenshots it, and fails if the window
# never appears, the screenshot is one colour, or Fyne logged a call from
# the wrong goroutine. Usage: .ci/gui-smoke.sh BINARY OUTDIR
set -euo pipefail
bin=$1; out=$2
mkdir -p "$out"
[ -n "${DISPLAY:-}" ] || exec "$(dirname "$0")/with-xvfb.sh" "$0" "$@"

home=$(mktemp -d)
log="$out/gui-smoke.log"
# A fake dbus-launch, first on PATH, records any attempt to start a session
# bus: with none running, the D-Bus library Fyne and the keyring use would
# run dbus-launch, and its daemon would outlive the app.
mkdir -p "$home/bin" "$home/run"
printf '#!/bin/sh\ntouch "%s"\nexit 1\n' "$home/dbus-launch-called" >"$home/bin/dbus-launch"
chmod +x "$home/bin/dbus-launch"
# A private HOME keeps the user's real profiles and journal out of the test.
env -u DBUS_SESSION_BUS_ADDRESS PATH="$home/bin:$PATH" XDG_RUNTIME_DIR="$home/run" \
  HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" \
  "$bin" >"$log" 2>&1 &
app=$!
cleanup() { kill $app 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT

win=""
for _ in $(seq 1 $((300 * ${WAIT_SCALE:-6}))); do   # up to 30 s x WAIT_SCALE: a cold Mesa start can be slow
  win=$(xdotool search --onlyvisible --name '^CosDrop' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  kill -0 $app 2>/dev/null || { echo "FAIL: the app exited before showing a window"; cat "$log"; exit 1; }
  sleep 0.1
done
if [ -z "$win" ]; then
  echo "FAIL: no CosDrop window in time (a bound of 30 s x WAIT_SCALE)"; cat "$log"; exit 1
fi
# Let the first frames paint: wait until the window is not one colour, bounded.
shot="$out/gui-smoke.png"
colours=0
for _ in $(seq 1 $((50 * ${WAIT_SCALE:-6}))); do
  import -window "$win" "$shot" 2>/dev/null || true
  colours=$(convert "$shot" -format '%k' info: 2>/dev/null || echo 0)
  [ "$colours" -gt 1 ] && break
  sleep 0.2
done
if [ "$colours" -le 1 ]; then
  echo "FAIL: the screenshot is a single colour"; exit 1
fi
if grep -q 'Error in Fyne call thread' "$log"; then
  echo "FAIL: Fyne logged a call from the wrong goroutine:"; grep -B2 -A8 'Error in Fyne call thread' "$log"; exit 1
fi
if [ -e "$home/dbus-launch-called" ]; then
  echo "FAIL: the app ran dbus-launch: a D-Bus daemon it started would outlive it"; exit 1
fi
if grep -qi 'window creation error' "$log"; then
  echo "FAIL: Fyne could not create a window"; cat "$log"; exit 1
fi
echo "gui-smoke: window $win shown, screenshot $shot has $colours colours"
