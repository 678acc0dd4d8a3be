#!/usr/bin/env bash
# Real-window profile tests (issue #12): the real debug binary under Xvfb,
# in a private HOME, driven by xdotool and a real XDND drop; the window's
# words are read from its events file (COSDROP_TEST_EVENTS: one line per
# finished task with the words its row shows, one per notice and per
# Test connection result). Each phase would have caught a finding:
#   active    - an STS profile on `cosdrop serve-local` is the active one;
#               Ctrl+Shift+, opens its editor, the key prefix is changed and
#               saved, a file is dropped: it must arrive under the new
#               prefix (finding 3: saving the active profile said "the
#               state directory ... is in use by another CosDrop process",
#               the app itself, and kept the old settings).
#   unreach   - an STS profile whose credential server is 127.0.0.1:1: the
#               task must fail (it sat at "Uploading 0%" for
#               ~50 s) with words naming the credential server, not COS
#               and not "dial tcp"; Test connection must say the same
#               (finding 4).
# Every phase fails on a panic or "Error in Fyne call thread" in the log.
# Usage: .ci/gui-profile-test.sh BINARY OUTDIR
set -euo pipefail
bin=$(realpath "$1"); out=$2
mkdir -p "$out"; out=$(realpath "$out")
ci=$(cd "$(dirname "$0")" && pwd)
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"
# shellcheck source=.ci/gui-lib.sh
. "$ci/gui-lib.sh"
srv=""
trap 'cleanup_gui; if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi' EXIT

# make_active HOME NAME: the window opens profile NAME (as after using it).
make_active() {
  mkdir -p "$1/.config/fyne/io.cosdrop.app"
  printf '{"profile":"%s"}' "$2" >"$1/.config/fyne/io.cosdrop.app/preferences.json"
}

# open_editor: Ctrl+Shift+, opens the active profile's editor (Ctrl+, opens
# Settings); sets editor.
open_editor() {
  xdotool key --window "$win" ctrl+shift+comma
  editor=""
  for _ in $(seq 1 $((100 * ${WAIT_SCALE:-6}))); do
    editor=$(xdotool search --onlyvisible --name '^CosDrop profile$' 2>/dev/null | head -1 || true)
    [ -n "$editor" ] && break
    sleep 0.1
  done
  [ -n "$editor" ] || { echo "FAIL: the profile editor did not open"; exit 1; }
  wait_until 10 "the editor's first frame" editor_painted
}
editor_painted() {
  import -window "$editor" "$now_shot" && [ "$(convert "$now_shot" -format '%k' info:)" -gt 20 ]
}
# Geometry of the 640x640 editor (see docs/screenshots/en-profile-editor.png):
# the key prefix entry, Test connection and Save.
prefix_xy="390 291"; test_xy="478 613"; save_xy="596 613"
click_editor() { xdotool mousemove --window "$editor" "$1" "$2" click 1; }

# ---- active: save changes to the active profile ----------------------------
home=$(new_home)
# Started directly (not through a function, which would run in a subshell):
# $! must be serve-local itself, so the kill below reaches it.
env HOME="$home" "$bin" serve-local --addr 127.0.0.1:0 --sts-addr 127.0.0.1:0 --data "$home/srv" --quiet >"$out/serve.log" 2>&1 &
srv=$!
wait_until 15 "serve-local" grep -q "^Credential server:" "$out/serve.log"
line=$(grep "^COS endpoint:" "$out/serve.log")
cos=$(sed -n 's/^COS endpoint: \([^ ]*\) (bucket \([^,]*\), region \([^,]*\),.*/\1/p' <<<"$line")
bucket=$(sed -n 's/^COS endpoint: [^ ]* (bucket \([^,]*\), region \([^,]*\),.*/\1/p' <<<"$line")
region=$(sed -n 's/^COS endpoint: [^ ]* (bucket \([^,]*\), region \([^,]*\),.*/\2/p' <<<"$line")
sts=$(sed -n 's/^Credential server: \([^ ]*\) .*/\1/p' "$out/serve.log")
in_home "$home" "$bin" profile add work --mode sts --bucket "$bucket" --region "$region" --endpoint "$cos" \
  --credential-url "$sts/sts" --prefix first/ >/dev/null
make_active "$home" work
printf 'one' >"$home/files/one.txt"
printf 'two' >"$home/files/two.txt"
start_app "$home" "$out/active.log" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 -- "$home/files/one.txt"
wait_until 30 "one.txt to upload under first/" grep -q "^done	.*	$home/files/one.txt	first/one.txt	Verified" "$home/events"
open_editor
click_editor $prefix_xy
xdotool key --window "$editor" ctrl+a
xdotool type --window "$editor" --delay 5 "second/"
click_editor $save_xy
wait_until 10 "the editor to close after Save" sh -c "! xdotool search --onlyvisible --name '^CosDrop profile\$' >/dev/null"
"$py" "$ci/xdnd_drop.py" "$win" 400 350 "$home/files/two.txt" >/dev/null
if ! wait_until_quiet 30 grep -q "^done	.*	$home/files/two.txt	" "$home/events"; then
  echo "FAIL: the file dropped after saving the active profile did not upload in time (a bound of 30 s x WAIT_SCALE)"
  cat "$home/events"; exit 1
fi
if ! grep -q "^done	.*	$home/files/two.txt	second/two.txt	Verified" "$home/events"; then
  echo "FAIL: the saved prefix was not applied (want the key second/two.txt):"; cat "$home/events"; exit 1
fi
if grep -q "^notice" "$home/events"; then
  echo "FAIL: saving the active profile showed a notice:"; grep "^notice" "$home/events"; exit 1
fi
alive_and_clean "$out/active.log" "save the active profile"
stop_app
kill "$srv"; wait "$srv" 2>/dev/null || true; srv=""
echo "gui-profile-test: active: the prefix saved in the active profile's editor applied to the next drop (second/two.txt)"

# ---- unreach: a credential server that cannot be reached -------------------
home=$(new_home)
in_home "$home" "$bin" profile add unreach --mode sts --bucket examplebucket-1250000000 --region ap-guangzhou \
  --credential-url http://127.0.0.1:1/sts >/dev/null
make_active "$home" unreach
printf 'three' >"$home/files/three.txt"
start_app "$home" "$out/unreach.log" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 -- "$home/files/three.txt"
if ! wait_until_quiet 20 grep -q "^failed	.*	$home/files/three.txt	" "$home/events"; then
  echo "FAIL: with the credential server unreachable, the task did not fail in time (a bound of 20 s x WAIT_SCALE)"; cat "$home/events"; exit 1
fi
words=$(grep "^failed	.*	$home/files/three.txt	" "$home/events" | cut -f5)
# check_words WHAT WORDS: the plain words (before the redacted technical
# "Details: ..." that support reads) name the credential server, clear COS
# and hold no Go error text; nothing blames COS or promises a retry.
check_words() {
  local plain=${2%%Details:*}
  case "$plain" in *"credential server"*) ;; *) echo "FAIL ($1): does not name the credential server: $2"; exit 1 ;; esac
  case "$plain" in *"COS was not contacted"*) ;; *) echo "FAIL ($1): does not say COS was not contacted: $2"; exit 1 ;; esac
  case "$plain" in *"dial tcp"*|*"connection refused"*) echo "FAIL ($1): Go's error text instead of words: $2"; exit 1 ;; esac
  case "$2" in *"connection to COS"*|*"tries again"*) echo "FAIL ($1): blames COS or promises a retry: $2"; exit 1 ;; esac
}
check_words "the failed row" "$words"
open_editor
click_editor $test_xy
if ! wait_until_quiet 20 grep -q "^probe" "$home/events"; then
  echo "FAIL: Test connection gave no answer in time (a bound of 20 s x WAIT_SCALE)"; exit 1
fi
check_words "Test connection" "$(grep "^probe" "$home/events" | head -1 | cut -f2)"
import -window "$editor" "$out/unreach-test-connection.png"
alive_and_clean "$out/unreach.log" "unreachable credential server"
stop_app
echo "gui-profile-test: unreach: the row and Test connection name the credential server: $words"
echo "gui-profile-test: all phases passed"
