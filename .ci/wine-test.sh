#!/usr/bin/env bash
# The Windows test lane: cross-compiles the test binaries of the packages
# that run on Windows and runs each under 64-bit Wine, then prints pass, fail
# and skip counts per package and the lane's wall time.
#
#   .ci/wine-test.sh short   the subset `make test` runs (-short)
#   .ci/wine-test.sh all     every test of every package (`make test-windows`)
#   WINE_PKGS="localcos uploader cli" .ci/wine-test.sh all    only these (cli: the real
#                                                        cosdrop.exe, .ci/wine-cli-test.sh)
#
# Binaries and logs: build/_wintest/<package>.{test.exe,log}. The prefix comes
# from .ci/wine-setup.sh. Wine-only quirks are worked around here, never in
# the product: see .ci/wine/*.tmpl, added to each test binary with -overlay.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mode=${1:-short}
case "$mode" in short|all) ;; *) echo "usage: $0 short|all" >&2; exit 2 ;; esac

start=$(date +%s)
export WINEPREFIX
WINEPREFIX=$(.ci/wine-setup.sh | tail -n1)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
WINE=$(.ci/wine-bin.sh)

pkgs=()
for p in ${WINE_PKGS:-contenttype autostart auth profile receipt session watch localcos uploader clipboard}; do
  [ "$p" = cli ] || pkgs+=("$p")
done
out=$root/build/_wintest   # the underscore keeps the generated .go files out of ./...
mkdir -p "$out/overlay"

# One overlay for every package: the Wine quirk files, each in its package.
ov=$out/overlay.json
{
  printf '{"Replace":{'
  sep=
  for p in "${pkgs[@]}"; do
    name=$(go list -f '{{.Name}}' "./$p")
    for tmpl in .ci/wine/*.go.tmpl; do
      base=$(basename "$tmpl" .go.tmpl)
      gen=$out/overlay/${p}_$base.go
      sed "s/^package PKG\$/package $name/" "$tmpl" >"$gen"
      printf '%s"%s":"%s"' "$sep" "$root/$p/zz_wine_${base}_test.go" "$gen"
      sep=,
    done
  done
  printf '}}\n'
} >"$ov"

if [ ${#pkgs[@]} -gt 0 ]; then
  echo "wine-test: building ${#pkgs[@]} test binaries for windows/amd64"
  GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -overlay "$ov" -ldflags=-checklinkname=0 \
    -o "$out/" $(printf './%s ' "${pkgs[@]}")
fi
built=$(date +%s)

args=(-test.count=1 -test.v -test.timeout=15m)
[ "$mode" = short ] && args+=(-test.short)
# The short lane also leaves out the slowest tests under Wine (15 to 140 s
# each on a busy 2-core machine; about 6 minutes together): the uploader's
# big tree, goroutine count over 10,000 files, adaptive and fault runs, and
# watch's 1,000 files at once (a 60 s bound that a loaded machine under Wine
# can miss). `make test-windows` runs them.
declare -A short_skip=(
  [uploader]='^(TestTreeOfSmallAndLargeFiles|TestNoPerFileGoroutines|TestAdaptiveWire.*|TestFaultPlan)$'
  [watch]='^TestThousandFilesAtOnce$'
)
failed=()
printf '%-12s %5s %5s %5s %6s\n' package pass fail skip secs >"$out/summary.txt"
for p in "${pkgs[@]}"; do
  exe=$out/$(basename "$p").test.exe
  t0=$(date +%s)
  rc=0
  extra=()
  [ "$mode" = short ] && [ -n "${short_skip[$p]:-}" ] && extra=(-test.skip "${short_skip[$p]}")
  (cd "$p" && "$WINE" "$exe" "${args[@]}" "${extra[@]}") >"$out/$p.log" 2>&1 || rc=$?
  # Wine's own client, not a test, lost the wineserver before any test ran
  # ("wine client error:0: recvmsg: Connection reset by peer": seen once,
  # for watch, in a CI run beside a second make test). That is no result:
  # run the package once more, and say so.
  if [ "$rc" -ne 0 ] && ! grep -q '^--- ' "$out/$p.log" && grep -q '^wine client error' "$out/$p.log"; then
    echo "wine-test: $p: Wine lost its server before any test ran ($(head -c 200 "$out/$p.log" | head -n1)); running it again"
    mv "$out/$p.log" "$out/$p.wine-lost.log"
    rc=0
    (cd "$p" && "$WINE" "$exe" "${args[@]}" "${extra[@]}") >"$out/$p.log" 2>&1 || rc=$?
  fi
  secs=$(( $(date +%s) - t0 ))
  pass=$(grep -c '^--- PASS' "$out/$p.log" || true)
  fail=$(grep -c '^--- FAIL' "$out/$p.log" || true)
  skip=$(grep -c '^--- SKIP' "$out/$p.log" || true)
  printf '%-12s %5d %5d %5d %6d\n' "$p" "$pass" "$fail" "$skip" "$secs" >>"$out/summary.txt"
  if [ "$rc" -ne 0 ] || [ "$fail" -ne 0 ]; then
    failed+=("$p")
    echo "wine-test: $p FAILED (exit $rc); failures from $out/$p.log:"
    grep -E '^(--- FAIL|panic:)|^\s+\S+_test\.go:[0-9]+:' "$out/$p.log" | head -40 || true
  fi
done
# The real cosdrop.exe end to end (.ci/wine-cli-test.sh), unless WINE_PKGS
# names packages only.
if [ -z "${WINE_PKGS:-}" ] || [[ " $WINE_PKGS " == *" cli "* ]]; then
  t0=$(date +%s)
  nfiles=200
  [ "$mode" = all ] && nfiles=2000
  .ci/wine-cli-test.sh "$out" "$nfiles" >"$out/cli.log" 2>&1 || true
  read -r _ pass fail < <(grep '^cli ' "$out/cli.log" || echo "cli 0 1")
  printf '%-12s %5d %5d %5d %6d\n' cosdrop.exe "$pass" "$fail" 0 $(( $(date +%s) - t0 )) >>"$out/summary.txt"
  if [ "$fail" -ne 0 ]; then
    failed+=(cosdrop.exe)
    echo "wine-test: cosdrop.exe end to end FAILED:"; tail -20 "$out/cli.log"
  fi
fi
end=$(date +%s)
echo "wine-test ($mode) under $("$WINE" --version 2>/dev/null || echo wine):"
cat "$out/summary.txt"
echo "lane: $((end - start)) s (build $((built - start)) s, run $((end - built)) s)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "wine-test: FAILED in ${failed[*]} (logs in $out)"
  exit 1
fi
