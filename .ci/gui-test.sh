#!/usr/bin/env bash
# Real-window GUI tests (issue #12): the real debug binary under Xvfb, in a
# private HOME, driven by xdotool. Each phase would have caught a finding:
#   dropdowns  - the speed-limit, profile and filter dropdowns opened again
#                and again while uploads run and the list refreshes: no
#                panic (finding 2, Fyne #5965), each click opens a menu.
#   keyboard   - keyboard only: Ctrl+O, type a file's path, Enter adds it;
#                Down selects a row, Enter opens Details, Escape closes
#                them; Delete asks, Tab to "Cancel upload", Space cancels
#                (finding 5).
#   chinese    - the window in zh_CN with a Chinese file name; the Go test
#                TestChineseGlyphsCovered (tag guitest) checks the glyphs.
# Every phase fails on a panic or "Error in Fyne call thread" in the log.
# Waits are polls with a bound, never bare sleeps.
# Usage: .ci/gui-test.sh BINARY OUTDIR
set -euo pipefail
bin=$(realpath "$1"); out=$2
mkdir -p "$out"; out=$(realpath "$out")
ci=$(cd "$(dirname "$0")" && pwd)
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"
# shellcheck source=.ci/gui-lib.sh
. "$ci/gui-lib.sh"

# ---- dropdowns while uploading -------------------------------------------
home=$(new_home)
for i in $(seq 1 8); do head -c 2000000 /dev/urandom >"$home/files/part-$i.bin"; done
start_app "$home" "$out/dropdowns.log" COSDROP_SANDBOX_FAULTS="bandwidth=256KiB" -- "$home/files"
wait_until 30 "the rows" region_not_blank 120x24+28+125
# Toolbar geometry of the 1000x640 window (Sandbox banner showing): the
# speed-limit box, the profile box (its middle: the toolbar's buttons
# right of it move it when one is added) and the filter box.
for round in $(seq 1 6); do
  for spot in "900 101 speed-limit" "700 61 profile" "78 101 filter"; do
    set -- $spot
    open_menu_at "$1" "$2" "$3 dropdown, round $round" "$out/dropdowns.log"
    xdotool key --window "$win" Escape
    wait_until 5 "the $3 menu to close" changed_lt 100 "$menu_region"
  done
done
alive_and_clean "$out/dropdowns.log" "dropdowns"
stop_app
echo "gui-test: dropdowns: 18 menus opened while 8 uploads ran, no panic"

# ---- keyboard only ---------------------------------------------------------
home=$(new_home)
for i in 1 2 3; do head -c 3000000 /dev/urandom >"$home/files/slow-$i.bin"; done
printf 'hello' >"$home/files/typed.txt"
start_app "$home" "$out/keyboard.log" COSDROP_SANDBOX_FAULTS="bandwidth=64KiB" -- "$home/files/slow-1.bin" "$home/files/slow-2.bin"
wait_until 30 "the rows" region_not_blank 120x24+28+125
# Ctrl+O, type a path, Enter: the file is added and uploads.
mark
xdotool key --window "$win" ctrl+o
wait_until 5 "the Add files picker" changed_gt 60000
xdotool key --window "$win" ctrl+a
xdotool type --window "$win" --delay 5 "$home/files/typed.txt"
xdotool key --window "$win" Return
wait_until 30 "typed.txt to upload" grep -q "^done	.*	$home/files/typed.txt	" "$home/events"
wait_until 5 "the picker to close" changed_lt 40000
# Down selects the first row; Enter opens its details; Escape closes them.
xdotool key --window "$win" Down
mark
xdotool key --window "$win" Return
wait_until 5 "Details" changed_gt 60000
xdotool key --window "$win" Escape
wait_until 5 "Details to close" changed_lt 40000
# Delete asks first; Escape keeps the upload.
mark
xdotool key --window "$win" Delete
wait_until 5 "the cancel question" changed_gt 60000
xdotool key --window "$win" Escape
wait_until 5 "the question to close" changed_lt 40000
if grep -q "^canceled" "$home/events"; then echo "FAIL: Escape on the question canceled the upload"; exit 1; fi
# Delete, Tab past "Keep uploading" and "Pause" to "Cancel upload", Space: canceled.
mark
xdotool key --window "$win" Delete
wait_until 5 "the cancel question" changed_gt 60000
xdotool key --window "$win" Tab Tab Tab space
wait_until 10 "slow-1.bin to be canceled" grep -q "^canceled	.*	$home/files/slow-1.bin	" "$home/events"
alive_and_clean "$out/keyboard.log" "keyboard"
import -window "$win" "$out/keyboard.png"
stop_app
echo "gui-test: keyboard: add by typed path, details, escape, delete with confirmation"

# ---- Chinese ---------------------------------------------------------------
home=$(new_home)
printf '季度报告' >"$home/files/报告 2024.txt"
start_app "$home" "$out/chinese.log" LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 LANGUAGE= -- "$home/files/报告 2024.txt"
wait_until 30 "the Chinese file to upload" grep -q "^done	.*报告 2024.txt" "$home/events"
import -window "$win" "$out/chinese.png"
alive_and_clean "$out/chinese.log" "chinese"
stop_app
echo "gui-test: chinese: uploaded 报告 2024.txt in the Chinese window (screenshot $out/chinese.png)"
echo "gui-test: all phases passed"
