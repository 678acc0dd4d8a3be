#!/usr/bin/env bash
# The admin-to-staff journey, end to end, in the real window under Xvfb:
# the real debug binary in two private HOMEs (the admin's and the staff
# member's), `cosdrop serve-local` as the company's COS and credential
# server, xdotool clicks and keys, real XDND drops (xdnd_drop.py), the real
# CLIPBOARD read as a paste would (xwin.py). The window's words are read
# from its events file (COSDROP_TEST_EVENTS). Each phase would have caught
# a finding of the journey as first tried:
#   export   - `cosdrop profile export Marketing marketing.json` writes
#              marketing.cosdrop, the extension desktops associate with
#              CosDrop (the file kept the admin's .json name before).
#   dialog   - the staff member opens a profile editor (Ctrl+Shift+,),
#              Import…, and picks marketing.json: the dialog shows it and
#              the content decides (it listed only *.cosdrop, so the file
#              was not there to click and no imported editor opened); the
#              empty editor closes (it stayed behind the imported one).
#   probe    - Test connection under Tencent's sample STS grant (upload
#              only): its first line says uploads work, and it leaves 0
#              objects and 0 open multipart uploads in the bucket (it left
#              a .cosdrop-probe-<hex>.txt and an upload it could not abort,
#              under the headline "Connection problems:").
#   drop     - archive.json, another exported profile, dropped on the
#              window: Enter chooses Import, nothing is uploaded (the drop
#              uploaded the profile file to the bucket).
#   links    - a folder of a.txt, b.txt and Thumbs.db (excluded by the
#              default rules) dropped and uploaded; "Copy links" of the
#              toolbar copies exactly the two verified uploads' links, and
#              each opens (the batch began with the bucket root for the
#              excluded entry); a row's copy button copies its own link.
#   undo     - the admin widens the grant (HeadObject, GetObject,
#              DeleteObject) and the app is relaunched: the rows survive;
#              History -> b.txt -> Delete from COS… deletes the object, and
#              the main list's b.txt row loses its link button, "Copy links"
#              gives a.txt alone (the row stayed Verified with Copy link
#              and a Share link that answered 404).
#   relaunch - the app relaunched once more: still one link; `cosdrop
#              status` says b.txt was deleted from COS.
# Every phase fails on a panic or "Error in Fyne call thread" in the log.
# Run against 44c13da (the main the journey was first tried on), export
# fails (marketing.json kept its name); with today's admin tools, dialog
# fails (the file is not in the dialog); with the profile imported by the
# CLI instead, probe fails (headline "Connection problems:", 1 object and
# an open upload left, "remove it in the COS console") and drop fails (no
# question: the profile file was uploaded); with the profile made active
# by the CLI, links fails (the batch began with the bucket root) and undo
# fails (the deleted b.txt's row kept its link button).
# Coordinates are those of the 1000x640 main window, the 640x640 profile
# editor and the 820x520 history window (docs/screenshots/ shows them).
# Usage: .ci/gui-journey-test.sh BINARY OUTDIR
# JOURNEY_ADMIN_BIN names another build for the admin's side (serve-local,
# profile add and export), so an older app can be put through the journey.
set -euo pipefail
bin=$(realpath "$1"); out=$2
admin_bin=$(realpath "${JOURNEY_ADMIN_BIN:-$1}")
export LANG=C.UTF-8 LC_ALL=C.UTF-8   # the CLI speaks English (its words are read below)
mkdir -p "$out"; out=$(realpath "$out")
ci=$(cd "$(dirname "$0")" && pwd)
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"
# shellcheck source=.ci/gui-lib.sh
. "$ci/gui-lib.sh"
srv=""
stop_server() { if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; srv=""; fi; }
trap 'cleanup_gui; stop_server' EXIT

fail() { echo "FAIL ($phase): $*"; [ -n "${applog:-}" ] && tail -30 "$applog"; exit 1; }
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_server [ACTIONS]: the company's COS and credential server on fixed
# ports and one key pair, so a restart (a wider grant) serves the same
# bucket to the same profiles. ACTIONS are granted besides the sample set.
admin=$(new_home); staff=$(new_home)
cos_port=$(free_port); sts_port=$(free_port)
srv_id="AKID$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"; srv_key=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
start_server() {
  : >"$out/serve.log"
  env TENCENTCLOUD_SECRET_ID="$srv_id" TENCENTCLOUD_SECRET_KEY="$srv_key" "$admin_bin" serve-local --quiet --public-read \
    --addr "127.0.0.1:$cos_port" --sts-addr "127.0.0.1:$sts_port" --data "$admin/srv" ${1:+--sts-allow "$1"} >"$out/serve.log" 2>&1 &
  srv=$!
  wait_until 15 "serve-local" grep -q "^Credential server:" "$out/serve.log"
}
objects() { find "$admin"/srv/*/objects -type f 2>/dev/null | wc -l; }
open_uploads() { find "$admin"/srv/*/uploads -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }   # one entry per upload
prefs=$staff/.config/fyne/io.cosdrop.app/preferences.json

# window_named TITLE: the newest visible window with that title.
window_named() { xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | tail -1; }
painted() { import -window "$1" "$now_shot" && [ "$(convert "$now_shot" -format '%k' info:)" -gt 20 ]; }
# wait_window TITLE NOT: sets found to a painted window TITLE other than NOT.
wait_window() {
  found=""
  # shellcheck disable=SC2317 # called through wait_until
  another() { local w; w=$(window_named "$1"); [ -n "$w" ] && [ "$w" != "$2" ] && painted "$w" && found=$w; }
  wait_until 10 "the window '$1'" another "$1" "${2:-}"
  another "$1" "${2:-}"
}
click_in() { xdotool mousemove --window "$1" "$2" "$3" click 1; }
gone() { ! xdotool search --onlyvisible --name "^$1\$" >/dev/null 2>&1; }
clipboard() { "$py" "$ci/xwin.py" clipboard; }
clipboard_is() { [ "$(clipboard)" = "$1" ]; }
# copy_links WANT: the toolbar's "Copy links" (of the finished files
# shown) puts exactly WANT on the clipboard, as a paste reads it. The
# toolbar's buttons right of the profile box, at y 22 without the Sandbox
# banner: + 783, Copy links 818, History 858, Receipts 898, Watch folders
# 938, Settings 978 (a button added there moves the ones left of it).
copy_links() {
  click_in "$win" 818 22
  poll_for 5 clipboard_is "$1" || fail "Copy links gave [$(clipboard 2>&1)], not the verified uploads' links [$1]"
}
# in_window W CMD...: runs a gui-lib.sh check (mark, changed_gt,
# region_not_blank) on window W instead of the main window.
in_window() {
  local keep=$win rc=0; win=$1; shift
  "$@" || rc=$?
  win=$keep; return $rc
}
# opens URL WANT: the link answers 200 with the file's content, unsigned.
opens() { [ "$(curl -sf "$1")" = "$2" ]; }
answers() { curl -s -o /dev/null -w '%{http_code}' "$1"; }

# ---- export: the admin's two profiles -----------------------------------------
phase=export
start_server
# shellcheck disable=SC2086 # each p is two words: a name and a prefix
for p in "Marketing team/" "Archive archive/"; do
  set -- $p
  in_home "$admin" "$admin_bin" profile add "$1" --mode sts --bucket examplebucket-1250000000 --region ap-guangzhou \
    --endpoint "http://127.0.0.1:$cos_port" --credential-url "http://127.0.0.1:$sts_port/sts" --prefix "$2" --public-read >/dev/null
done
in_home "$admin" "$admin_bin" profile export Marketing "$admin/marketing.json" >/dev/null
in_home "$admin" "$admin_bin" profile export Archive "$admin/archive.json" >/dev/null
[ -f "$admin/marketing.cosdrop" ] && [ ! -e "$admin/marketing.json" ] || fail "export did not write marketing.cosdrop: $(ls "$admin")"
# The admin mails them under names of their own: the content must decide.
mkdir -p "$staff/inbox" "$staff/mail"
cp "$admin/marketing.cosdrop" "$staff/inbox/marketing.json"
cp "$admin/archive.cosdrop" "$staff/mail/archive.json"
echo "gui-journey-test: export: marketing.json became marketing.cosdrop"

# ---- dialog: Import… in a profile editor picks marketing.json ----------------
phase=dialog
# The file dialog opens where the last one was left (Fyne's preference).
mkdir -p "$(dirname "$prefs")"
printf '{"fyne:fileDialogLastFolder":"file://%s/inbox"}' "$staff" >"$prefs"
start_app "$staff" "$out/journey-1.log" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 --
xdotool key --window "$win" ctrl+shift+comma
wait_window "CosDrop profile"; blank_editor=$found
in_window "$blank_editor" mark
click_in "$blank_editor" 58 613                 # Import…
wait_until 10 "the file dialog" in_window "$blank_editor" changed_gt 20000
# The folder holds marketing.json alone: its icon is the first after (Parent).
wait_until 10 "marketing.json in the file dialog" in_window "$blank_editor" region_not_blank "40x40+275+170"
click_in "$blank_editor" 295 190                # the first file: marketing.json
click_in "$blank_editor" 604 557                # Open
wait_window "CosDrop profile" "$blank_editor"; editor=$found
# The empty editor Import was opened from closes by itself (it stayed open,
# asking for a name and a bucket, behind the imported profile).
wait_until 10 "the empty editor to close" sh -c "[ \$(xdotool search --onlyvisible --name '^CosDrop profile\$' | wc -l) = 1 ]"
echo "gui-journey-test: dialog: marketing.json opened in the editor"

# ---- probe: Test connection under the sample grant -----------------------------
phase=probe
click_in "$editor" 478 613                      # Test connection
wait_until 20 "Test connection's answer" grep -q "^probe" "$staff/events"
answer=$(grep "^probe" "$staff/events" | head -1 | cut -f2)
import -window "$editor" "$out/journey-probe.png"
case "$answer" in "Uploads work."*) ;; *) fail "the answer does not begin with 'Uploads work.': $answer" ;; esac
case "$answer" in *"Connection problems"*|*"COS console"*) fail "the answer alarms staff: $answer" ;; esac
[ "$(objects)" = 0 ] || fail "Test connection left $(objects) object(s) in the bucket: $(find "$admin"/srv/*/objects -type f)"
[ "$(open_uploads)" = 0 ] || fail "Test connection left $(open_uploads) open multipart upload(s)"
click_in "$editor" 596 613                      # Save
wait_until 10 "the editor to close after Save" gone "CosDrop profile"
wait_until 10 "Marketing to become the active profile" grep -q '"profile":"Marketing"' "$prefs"
alive_and_clean "$applog" "$phase"
echo "gui-journey-test: probe: 'Uploads work.' first, 0 objects, 0 open uploads left"

# ---- drop: a dropped profile file is imported, not uploaded ---------------------
phase=drop
mark
"$py" "$ci/xdnd_drop.py" "$win" 400 350 "$staff/mail/archive.json" >/dev/null
wait_until 10 "the question about the dropped profile" changed_gt 20000
xdotool key --window "$win" Return             # Enter chooses the highlighted answer: Import
wait_window "CosDrop profile"; editor=$found
click_in "$editor" 596 613                      # Save
wait_until 10 "the editor to close after Save" gone "CosDrop profile"
wait_until 10 "Archive to become the active profile" grep -q '"profile":"Archive"' "$prefs"
grep -q "archive.json" "$staff/events" && fail "the dropped profile file became a task: $(grep archive.json "$staff/events")"
[ "$(objects)" = 0 ] || fail "the dropped profile file reached the bucket"
in_home "$staff" "$bin" profile list | grep -q Marketing || fail "Marketing is not among the staff's profiles"
alive_and_clean "$applog" "$phase"
echo "gui-journey-test: drop: archive.json imported (Enter), nothing uploaded"

# ---- links: only verified uploads give links ----------------------------------
phase=links
mkdir -p "$staff/files/drop"
printf 'alpha' >"$staff/files/drop/a.txt"
printf 'bravo' >"$staff/files/drop/b.txt"
printf 'thumbs' >"$staff/files/drop/Thumbs.db"
"$py" "$ci/xdnd_drop.py" "$win" 400 350 "$staff/files/drop" >/dev/null
for f in a b; do
  wait_until 30 "$f.txt to upload" grep -q "^done	.*	$staff/files/drop/$f.txt	archive/drop/$f.txt	Verified" "$staff/events"
done
wait_until 10 "Thumbs.db to be left out" grep -q "^skipped	.*	$staff/files/drop/Thumbs.db	" "$staff/events"
base="http://127.0.0.1:$cos_port"
copy_links "$base/archive/drop/a.txt
$base/archive/drop/b.txt"
opens "$base/archive/drop/a.txt" alpha || fail "the link of a.txt does not open"
opens "$base/archive/drop/b.txt" bravo || fail "the link of b.txt does not open"
# Rows in the order the folder was walked: Thumbs.db, a.txt, b.txt.
row_y() { echo $((97 + 32 * $1)); }
click_in "$win" 921 "$(row_y 1)"                # a.txt's copy button
wait_until 5 "a.txt's own link on the clipboard" clipboard_is "$base/archive/drop/a.txt"
import -window "$win" "$out/journey-links.png"
# has_link_button ROW: the copy button's place in that row is not empty.
has_link_button() { region_not_blank "24x24+909+$(($(row_y "$1") - 12))"; }
has_link_button 0 && fail "the excluded Thumbs.db row shows a link button"
has_link_button 2 || fail "b.txt's row shows no link button (the test's coordinates are off?)"
alive_and_clean "$applog" "$phase"
stop_app
echo "gui-journey-test: links: exactly the two verified links copied, both open"

# ---- undo: relaunch under a wider grant, delete b.txt from History ------------
phase=undo
stop_server
start_server HeadObject,GetObject,DeleteObject
start_app "$staff" "$out/journey-2.log" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 --
wait_until 10 "the rows of the last launch" has_link_button 2
click_in "$win" 858 22                          # History
wait_window "CosDrop history"; hist=$found
click_in "$hist" 630 22                         # its search box
xdotool type --window "$hist" --delay 5 "b.txt"
# entry_shown N: History's Nth entry (from 0) is drawn.
entry_shown() { in_window "$hist" region_not_blank "300x20+30+$((51 + 39 * $1))"; }
wait_until 5 "History to show b.txt alone" eval '! entry_shown 1'
in_window "$hist" mark
click_in "$hist" 200 61                         # b.txt's entry: its details
wait_until 5 "b.txt's details" in_window "$hist" changed_gt 20000
in_window "$hist" mark
click_in "$hist" 494 462                        # Delete from COS…
wait_until 5 "the question 'Delete from COS?'" in_window "$hist" changed_gt 5000
click_in "$hist" 488 335                        # Delete from COS
wait_until 10 "b.txt to leave the bucket" sh -c "[ \$(find '$admin'/srv/*/objects -type f | wc -l) = 1 ]"
[ "$(answers "$base/archive/drop/b.txt")" = 404 ] || fail "b.txt's link still answers $(answers "$base/archive/drop/b.txt")"
import -window "$hist" "$out/journey-undo.png"
"$py" "$ci/xwin.py" close "$hist"
wait_until 10 "History to close" gone "CosDrop history"
wait_until 5 "b.txt's row to lose its link button" eval '! has_link_button 2'
has_link_button 1 || fail "a.txt's row lost its link button too"
copy_links "$base/archive/drop/a.txt"
import -window "$win" "$out/journey-undone.png"
alive_and_clean "$applog" "$phase"
stop_app
echo "gui-journey-test: undo: b.txt deleted from COS; its row gives no link, Copy links gives a.txt alone"

# ---- relaunch: the state survives ----------------------------------------------
phase=relaunch
start_app "$staff" "$out/journey-3.log" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 --
wait_until 10 "the rows of the last launch" has_link_button 1
has_link_button 2 && fail "b.txt's row offers a link again after a relaunch"
copy_links "$base/archive/drop/a.txt"
alive_and_clean "$applog" "$phase"
stop_app
status=$(in_home "$staff" "$bin" status --state-dir "$staff/.local/share/cosdrop/gui-Archive" 2>&1 || true)
echo "$status" >"$out/journey-status.txt"
echo "$status" | grep -F "b.txt" | grep -qi "deleted from COS" || fail "cosdrop status does not say b.txt was deleted from COS: $status"
echo "$status" | grep -F "a.txt" | grep -qi "verified\|done" || fail "cosdrop status lost a.txt: $status"
echo "gui-journey-test: relaunch: one link, and cosdrop status says b.txt was deleted from COS"
echo "gui-journey-test: all phases passed"
