#!/usr/bin/env bash
# Launch twice in the same HOME and upload both times (issue #12, finding
# 1): the first launch uploads a file on the Sandbox and is killed (a crash
# is a quit CosDrop must live with); the second launch, same HOME, must
# open the Sandbox again and upload another file. Before the fix, the
# second launch said "the journal ... belongs to http://127.0.0.1:A, not
# http://127.0.0.1:B" and silently ignored the file.
# Usage: .ci/gui-relaunch-test.sh BINARY OUTDIR
set -euo pipefail
bin=$(realpath "$1"); out=$2
mkdir -p "$out"; out=$(realpath "$out")
ci=$(cd "$(dirname "$0")" && pwd)
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"
# shellcheck source=.ci/gui-lib.sh
. "$ci/gui-lib.sh"

home=$(new_home)
printf 'first' >"$home/files/first.txt"
printf 'second' >"$home/files/second.txt"
for run in first second; do
  start_app "$home" "$out/relaunch-$run.log" -- "$home/files/$run.txt"
  if ! wait_until_quiet 30 grep -q "^done	.*	$home/files/$run.txt	" "$home/events"; then
    echo "FAIL: launch '$run' in the same HOME did not upload $run.txt in time (a bound of 30 s x WAIT_SCALE)"
    grep -i "could not open\|belongs to" "$out/relaunch-$run.log" || tail -20 "$out/relaunch-$run.log"
    import -window "$win" "$out/relaunch-$run.png" || true
    exit 1
  fi
  alive_and_clean "$out/relaunch-$run.log" "launch $run"
  stop_app
done
echo "gui-relaunch-test: two launches in one HOME both uploaded"
