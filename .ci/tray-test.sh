#!/usr/bin/env bash
# Tray test: the real binary under Xvfb with a private session bus and a
# stand-in panel tray (internal/sniwatch, a StatusNotifierWatcher).
# `cosdrop --background` (start at login) must register its tray icon and
# stay hidden; the tray menu has the status line, Show window, Pause all,
# Resume all, Start at login and Quit; "Show window" shows the window;
# "Quit" ends the app. Usage: .ci/tray-test.sh BINARY OUTDIR
set -euo pipefail
bin=$(realpath "$1"); out=$2
mkdir -p "$out"
[ -n "${DISPLAY:-}" ] || exec "$(dirname "$0")/with-xvfb.sh" "$0" "$@"
[ -n "${COSDROP_TRAY_BUS:-}" ] || COSDROP_TRAY_BUS=1 exec dbus-run-session -- "$0" "$@"

cd "$(dirname "$0")/.."
home=$(mktemp -d)
go build -o "$home/sniwatch" ./internal/sniwatch
mkfifo "$home/cmd"
"$home/sniwatch" <"$home/cmd" >"$out/sniwatch.log" 2>&1 &
watch=$!
exec 3>"$home/cmd" # keeps the watcher's stdin open until the end
app=""
cleanup() {
  exec 3>&- || true
  [ -z "$app" ] || { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; }
  kill "$watch" 2>/dev/null || true; wait "$watch" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- sniwatch"; cat "$out/sniwatch.log"; echo "--- app"; cat "$out/app.log"; exit 1; }
waitlog() { # waitlog PATTERN SECONDS: bounded wait for the watcher to print PATTERN
  for _ in $(seq 1 $(($2 * 10 * ${WAIT_SCALE:-6}))); do grep -q "$1" "$out/sniwatch.log" && return 0; sleep 0.1; done
  return 1
}
visible() { xdotool search --onlyvisible --name '^CosDrop' 2>/dev/null | head -1 || true; }

: >"$out/app.log"
waitlog '^ready' 10 || fail "the stand-in tray did not start"
HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" \
  "$bin" --background >"$out/app.log" 2>&1 &
app=$!
waitlog '^registered' 30 || fail "cosdrop --background registered no tray icon in time (a bound of 30 s x WAIT_SCALE)"
echo menu >&3
waitlog '^menu:' 10 || fail "the tray menu could not be read"
menu=$(grep '^menu:' "$out/sniwatch.log" | tail -1)
for label in "Nothing to upload" "Show window" "Pause all" "Resume all" "Start at login" "Quit"; do
  grep -qF "\"$label\"" <<<"$menu" || fail "the tray menu lacks \"$label\": $menu"
done
[ -z "$(visible)" ] || fail "cosdrop --background showed its window although the tray is there"
echo "click Show window" >&3
win=""
for _ in $(seq 1 $((100 * ${WAIT_SCALE:-6}))); do win=$(visible); [ -n "$win" ] && break; sleep 0.1; done
[ -n "$win" ] || fail "the tray's Show window did not show the window in time (a bound of 10 s x WAIT_SCALE)"
echo "click Quit" >&3
for _ in $(seq 1 $((150 * ${WAIT_SCALE:-6}))); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$app" 2>/dev/null; then fail "the tray's Quit did not end the app in time (a bound of 15 s x WAIT_SCALE)"; fi
wait "$app" || fail "the app exited with status $? after Quit"
app=""
if grep -q 'Error in Fyne call thread' "$out/app.log"; then fail "Fyne logged a call from the wrong goroutine"; fi
echo "tray-test: --background stayed in the tray, $menu; Show window showed window $win; Quit ended the app"
