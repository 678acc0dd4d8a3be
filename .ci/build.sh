#!/usr/bin/env bash
# Usage: .ci/build.sh OUT [go build flags...]
# go build of the app with a word of progress: the first build compiles the
# C code of Fyne's OpenGL binding (go-gl) and windowing (GLFW), several
# minutes on a 2-core machine with no output of its own, and a silent
# terminal for that long reads as a hang.
set -euo pipefail
out=$1; shift
if [ "$(go list -f '{{.Stale}}' github.com/go-gl/gl/v2.1/gl 2>/dev/null || echo true)" = true ]; then
  echo "Building CosDrop for the first time: compiling the C code of Fyne's OpenGL and windowing libraries."
  echo "This takes about 3 to 7 minutes on a 2-core machine, once; later builds take seconds."
  # The sleep holds no copy of the output: killing the ticker at exit must
  # close it, or a reader of this script's output (make | tee, a test) waits
  # up to 30 s more for the sleep to end.
  ( s=0; while sleep 30 </dev/null >/dev/null 2>&1; do s=$((s + 30)); echo "  still building ($((s / 60)) min $((s % 60)) s)…"; done ) &
  ticker=$!
  trap 'kill "$ticker" 2>/dev/null || true' EXIT
fi
go build "$@" -o "$out" .
echo "Built $out"
