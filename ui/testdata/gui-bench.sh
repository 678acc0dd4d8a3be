#!/usr/bin/env bash
# Responsiveness benchmark of the real window (issue 6): under Xvfb, opens
# the binary on the Sandbox with a folder of N files (default 100,000),
# slowed by a bandwidth fault so 8 uploads keep running, and reports the
# probe (COSDROP_UI_PROBE): time to first frame, time until the window
# holds all N tasks, and the longest delay of a fyne.Do scheduled every
# 100 ms. Usage: ui/testdata/gui-bench.sh BINARY [N] [SECONDS-AFTER-ADD]
set -euo pipefail
bin=$(realpath "$1"); n=${2:-100000}; after=${3:-15}
ci=$(cd "$(dirname "$0")/../../.ci" && pwd)
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"
home=$(mktemp -d); trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf "$home"' EXIT
mkdir -p "$home/many"
/usr/bin/python3 - "$home/many" "$n" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
blob = b"x" * 2048
for i in range(n):
    sub = os.path.join(d, "%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "f%06d.dat" % i), "wb") as f:
        f.write(blob)
PY
probe="$home/probe.txt"
env HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" LANG=en_US.UTF-8 \
  COSDROP_SANDBOX_FAULTS="bandwidth=256KiB" COSDROP_UI_PROBE="$probe" "$bin" "$home/many" >"$home/log" 2>&1 &
app=$!
start=$(date +%s.%N); added=""
for _ in $(seq 1 1800); do   # up to 180 s for the walk and the adds
  if [ -s "$probe" ] && tail -1 "$probe" | grep -q "tasks=$n "; then
    added=$(tail -1 "$probe" | sed 's/^t=\([0-9.]*\)s.*/\1/'); break
  fi
  kill -0 $app 2>/dev/null || { echo "the app exited"; cat "$home/log"; exit 1; }
  sleep 0.1
done
sleep "$after"
cat "$probe"
echo "first frame: $(head -1 "$probe")"
echo "all $n tasks in the window by t=${added:-never}s after start"
echo "worst fyne.Do delay overall: $(tail -1 "$probe" | sed 's/.*overall-max-ms=//') ms"
if grep -q 'Error in Fyne call thread' "$home/log"; then echo "FAIL: wrong-goroutine Fyne call"; exit 1; fi
