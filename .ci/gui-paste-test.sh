#!/usr/bin/env bash
# Real-window paste test (issue 24, paste to upload): a PNG is put on the X
# clipboard by another program (xclip, as a screenshot tool does), Ctrl+V
# in the window uploads it to the Sandbox under {date}/{time}-screenshot.png,
# and once verified its link is on the X clipboard; the link serves the
# very bytes pasted. Then text that names no file is pasted: nothing is
# uploaded and the window says why.
# Usage: .ci/gui-paste-test.sh BINARY OUTDIR
set -euo pipefail
bin=$(realpath "$1"); out=$2
mkdir -p "$out"; out=$(realpath "$out")
ci=$(cd "$(dirname "$0")" && pwd)
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"
# shellcheck source=.ci/gui-lib.sh
. "$ci/gui-lib.sh"

home=$(new_home)
shot="$home/files/shot.png"
convert -size 64x48 gradient:red-blue "$shot"
start_app "$home" "$out/gui-paste.log" --
wait_until 30 "the Sandbox to open" grep -q $'^session\tSandbox' "$home/events"

xclip -selection clipboard -t image/png -i "$shot" 2>/dev/null   # xclip serves the clipboard from the background
xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus "$win"
xdotool key --window "$win" ctrl+v
wait_until 30 "the pasted image to be uploaded" grep -qE $'^done\t[0-9]+\t[^\t]*/pasted/[0-9-]+/[0-9]{6}-screenshot\\.png\t' "$home/events"
key=$(grep -E $'^done\t' "$home/events" | head -1 | cut -f4)
link_on_clipboard() { xclip -selection clipboard -o 2>/dev/null | grep -qF "$(basename "$key")"; }
wait_until 10 "the link on the clipboard" link_on_clipboard
link=$(xclip -selection clipboard -o)
curl -fsS -o "$out/gui-paste-fetched.png" "$link" || { echo "FAIL: the copied link $link does not serve the image"; exit 1; }
cmp -s "$shot" "$out/gui-paste-fetched.png" || { echo "FAIL: the link $link serves other bytes than those pasted"; exit 1; }
alive_and_clean "$out/gui-paste.log" "paste an image"

printf "meeting at ten" | xclip -selection clipboard -i 2>/dev/null
xdotool key --window "$win" ctrl+v
wait_until 10 "the window to say the text names no file" grep -q $'^notice\t.*meeting at ten' "$home/events"
[ "$(grep -c $'^done\t' "$home/events")" = 1 ] || { echo "FAIL: pasting text uploaded something"; cat "$home/events"; exit 1; }
import -window "$win" "$out/gui-paste.png"
alive_and_clean "$out/gui-paste.log" "paste text"
echo "gui-paste-test: a PNG pasted from the X clipboard was uploaded as $key and its link ($link) copied and served; pasted text uploaded nothing"
