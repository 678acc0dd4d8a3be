#!/usr/bin/env bash
# Writes the README screenshots: the main window mid-upload with one
# failure, the details panel of the failure, and the profile editor, in
# English and Simplified Chinese. Each language runs the real binary under
# Xvfb on the Sandbox profile, slowed by a localcos bandwidth fault so the
# uploads are caught mid-way; the failure is a file that vanished before
# the upload (a path that does not exist).
# Usage: .ci/screenshots.sh BINARY OUTDIR   (writes OUTDIR/{en,zh}-*.png)
set -euo pipefail
bin=$(realpath "$1"); out=$2
mkdir -p "$out"; out=$(realpath "$out")
ci=$(cd "$(dirname "$0")" && pwd)
[ -n "${DISPLAY:-}" ] || exec "$ci/with-xvfb.sh" "$0" "$@"

shoot() { # LANGCODE LOCALE
  local code=$1 loc=$2 home app win editor
  home=$(mktemp -d)
  mkdir -p "$home/Pictures/Holiday 2024"
  for n in beach sunset harbour; do head -c 6000000 /dev/zero >"$home/Pictures/Holiday 2024/$n.jpg"; done
  head -c 9000000 /dev/zero >"$home/Pictures/quarterly-report.pdf"
  env HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
    XDG_CACHE_HOME="$home/.cache" LANG="$loc" LC_ALL="$loc" LANGUAGE="" \
    COSDROP_SANDBOX_FAULTS="bandwidth=1500KiB" \
    "$bin" "$home/Pictures/moved-away.png" "$home/Pictures/quarterly-report.pdf" "$home/Pictures/Holiday 2024" \
    >"$out/$code-screenshots.log" 2>&1 &
  app=$!
  win=""
  for _ in $(seq 1 300); do
    win=$(xdotool search --onlyvisible --name '^CosDrop$' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.1
  done
  [ -n "$win" ] || { echo "FAIL: no window ($code)"; cat "$out/$code-screenshots.log"; kill $app; return 1; }
  sleep 10  # mid-way (the bandwidth fault bounds them), past the first seconds when socket buffers fill faster than the line drains
  import -window "$win" "$out/$code-main.png"
  # Details of the failed task: select the first row (the missing file) and press Enter.
  xdotool mousemove --window "$win" 300 140 click 1
  sleep 0.5
  xdotool key --window "$win" Return
  sleep 1
  import -window "$win" "$out/$code-details.png"
  xdotool key --window "$win" Escape
  sleep 0.3
  # The profile editor (Ctrl+Shift+,) opens in its own window.
  xdotool mousemove --window "$win" 500 400 click 1
  xdotool key --window "$win" ctrl+shift+comma
  editor=""
  for _ in $(seq 1 50); do
    editor=$(xdotool search --onlyvisible --name 'CosDrop.+' 2>/dev/null | grep -v "^$win\$" | head -1 || true)
    [ -n "$editor" ] && break
    sleep 0.1
  done
  if [ -n "$editor" ]; then
    sleep 1
    import -window "$editor" "$out/$code-profile-editor.png"
  else
    echo "WARN: the profile editor did not open ($code)"
  fi
  kill $app; wait $app 2>/dev/null || true
  if grep -q 'Error in Fyne call thread' "$out/$code-screenshots.log"; then
    echo "FAIL: Fyne logged a call from the wrong goroutine ($code)"; exit 1
  fi
  rm -rf "$home"
}
shoot en en_US.UTF-8
shoot zh zh_CN.UTF-8
ls -1 "$out"/*.png
