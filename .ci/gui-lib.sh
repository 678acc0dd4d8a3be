# Helpers for the real-window GUI tests (sourced by gui-test.sh and
# gui-relaunch-test.sh). They expect DISPLAY to be an Xvfb of their own.

app=""; win=""
py=/usr/bin/python3   # Debian's python3-xlib (xdnd_drop.py, xwin.py) lives there
[ -x "$py" ] || py=python3
# The HOMEs to remove at exit are listed in a file: new_home runs in a
# $(...) subshell, where appending to an array would be lost.
homes_list=$(mktemp)
cleanup_gui() {
  [ -n "$app" ] && { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; }
  while read -r h; do [ -n "$h" ] && rm -rf "$h"; done <"$homes_list"
  rm -f "$homes_list" /tmp/gui-*."$$".png
}
trap cleanup_gui EXIT

# in_home HOME CMD...: runs a CosDrop command line in the test's HOME.
in_home() {
  local h=$1; shift
  env HOME="$h" XDG_CONFIG_HOME="$h/.config" XDG_DATA_HOME="$h/.local/share" \
    XDG_STATE_HOME="$h/.local/state" XDG_CACHE_HOME="$h/.cache" "$@"
}

# new_home: a private HOME with a files/ folder and an events file.
new_home() {
  local h; h=$(mktemp -d)
  mkdir -p "$h/files"; : >"$h/events"
  echo "$h" >>"$homes_list"
  echo "$h"
}

# Every wait below is a poll for something the test can observe, with a
# bound that only ends a test that is stuck: the bound a caller names is the
# wait on a quiet machine, multiplied by WAIT_SCALE (default 6), so the same
# test passes while a second `make test` runs beside it (issue 22, item 9).
# A passing wait costs only the time until its condition holds.
WAIT_SCALE=${WAIT_SCALE:-6}

# poll_for SECONDS CMD...: polls CMD every 0.1 s for up to SECONDS x
# WAIT_SCALE of wall time; returns 1 when the bound passes. While an app is
# running it must stay alive.
poll_for() {
  local end=$((SECONDS + $1 * WAIT_SCALE)); shift
  while :; do
    "$@" 2>/dev/null && return 0
    [ -n "$app" ] && ! kill -0 "$app" 2>/dev/null && return 2
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.1
  done
}

# wait_until SECONDS WHAT CMD...: poll_for, failing the test with WHAT.
wait_until() {
  local secs=$1 what=$2 rc=0; shift 2
  poll_for "$secs" "$@" || rc=$?
  case $rc in
    0) return 0 ;;
    2) echo "FAIL: the app exited while waiting for $what"; tail -40 "$applog"; exit 1 ;;
  esac
  echo "FAIL: timed out after $((secs * WAIT_SCALE))s waiting for $what"; [ -n "${applog:-}" ] && tail -40 "$applog"
  exit 1
}

# find_window: sets win to the visible main window, if there is one.
find_window() {
  win=$(xdotool search --onlyvisible --name '^CosDrop$' 2>/dev/null | head -1 || true)
  [ -n "$win" ]
}

# start_app HOME LOG [VAR=VALUE...] -- ARGS...: starts the binary in HOME
# and waits (bounded) for its window; sets app, win, applog.
start_app() {
  local home=$1 log=$2; shift 2
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  applog=$log
  env HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
    XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" \
    COSDROP_TEST_EVENTS="$home/events" "${envs[@]}" "$bin" "$@" >"$log" 2>&1 &
  app=$!
  win=""
  local rc=0
  poll_for 30 find_window || rc=$?
  [ $rc = 2 ] && { echo "FAIL: the app exited before showing a window"; cat "$log"; exit 1; }
  [ -n "$win" ] || { echo "FAIL: no CosDrop window within $((30 * WAIT_SCALE)) s"; cat "$log"; exit 1; }
  # The first frames: wait until the window is not one colour.
  wait_until 10 "the first frame" not_blank
  xdotool mousemove --window "$win" 500 600
}

not_blank() {
  import -window "$win" /tmp/gui-frame.$$.png && [ "$(convert /tmp/gui-frame.$$.png -format '%k' info:)" -gt 1 ]
}

# A menu or dialog is told apart from the list's own progress changes by
# counting the pixels that differ from a shot taken just before (mark):
# a menu changes tens of thousands, a dialog dims the whole window.
mark_shot=/tmp/gui-mark.$$.png
now_shot=/tmp/gui-now.$$.png
mark() { import -window "$win" "$mark_shot"; }
# changed [GEOMETRY]: pixels that differ from the mark, in the whole
# window or in a WxH+X+Y region of it.
changed() {
  import -window "$win" "$now_shot"
  local a=$mark_shot b=$now_shot
  if [ -n "${1:-}" ]; then
    convert "$mark_shot" -crop "$1" +repage /tmp/gui-a.$$.png; a=/tmp/gui-a.$$.png
    convert "$now_shot" -crop "$1" +repage /tmp/gui-b.$$.png; b=/tmp/gui-b.$$.png
  fi
  compare -metric AE "$a" "$b" null: 2>&1 | awk '{print int($1)}'
}
changed_gt() { [ "$(changed "${2:-}")" -gt "$1" ]; }
changed_lt() { [ "$(changed "${2:-}")" -lt "$1" ]; }

# open_menu_at X Y WHAT LOG: clicks a dropdown, waits for its menu in the
# region just below it, checks the log. menu_region is that region.
open_menu_at() {
  local x=$(($1 - 90)); [ $x -lt 0 ] && x=0
  menu_region="80x36+$x+$(($2 + 28))"
  mark
  xdotool mousemove --window "$win" "$1" "$2" click 1
  wait_until 5 "$3 to open" changed_gt 800 "$menu_region"
  alive_and_clean "$4" "$3"
}

# alive_and_clean LOG WHAT: the app still runs and its log has no panic
# and no call from the wrong goroutine.
alive_and_clean() {
  kill -0 "$app" 2>/dev/null || { echo "FAIL ($2): the app died"; tail -60 "$1"; exit 1; }
  if grep -qE '^panic:|^fatal error:|goroutine [0-9]+ \[running\]' "$1"; then
    echo "FAIL ($2): the app panicked:"; grep -A30 -E '^panic:|^fatal error:' "$1" | head -60; exit 1
  fi
  if grep -q 'Error in Fyne call thread' "$1"; then
    echo "FAIL ($2): Fyne logged a call from the wrong goroutine:"; grep -B2 -A8 'Error in Fyne call thread' "$1"; exit 1
  fi
}

# stop_app: kill the app (the journal must survive that: a crash is a
# quit CosDrop has to live with).
stop_app() {
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  app=""
}

# region_not_blank GEOMETRY: that part of the window is not one colour
# (e.g. the first row's name: the rows have arrived).
region_not_blank() {
  import -window "$win" "$now_shot"
  [ "$(convert "$now_shot" -crop "$1" +repage -format '%k' info:)" -gt 2 ]
}

# wait_until_quiet SECONDS CMD...: like wait_until, but returns 1 instead
# of failing, so the caller can say what went wrong.
wait_until_quiet() {
  local secs=$1; shift
  poll_for "$secs" "$@"
}
