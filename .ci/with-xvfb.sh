#!/usr/bin/env bash
# Runs a command with its own Xvfb display (and tears it down afterwards),
# so CI needs no display of its own. Usage: .ci/with-xvfb.sh CMD [ARGS...]
set -euo pipefail
fdfile=$(mktemp)
# -noreset: by default Xvfb resets when its last client leaves, and a test that
# relaunches the app can connect during the reset and fail with "Failed to
# open display" (seen once in gui-relaunch-test).
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$fdfile" 2>/dev/null &
xpid=$!
trap 'kill $xpid 2>/dev/null || true; rm -f "$fdfile"' EXIT
# Xvfb writes the display number once it accepts connections.
for _ in $(seq 1 $((100 * ${WAIT_SCALE:-6}))); do
  [ -s "$fdfile" ] && break
  kill -0 $xpid 2>/dev/null || { echo "Xvfb failed to start" >&2; exit 1; }
  sleep 0.1
done
[ -s "$fdfile" ] || { echo "Xvfb did not report a display in time" >&2; exit 1; }
export DISPLAY=":$(tr -d '[:space:]' <"$fdfile")"
"$@"
