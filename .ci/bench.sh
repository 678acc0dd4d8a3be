#!/usr/bin/env bash
# `make bench`: upload performance against localcos over loopback.
# Large file (1 GiB; COSDROP_BENCH_MIB overrides): cosdrop engine and CLI vs
# cos-go-sdk-v5 Object.Upload at its defaults and with ThreadPoolSize equal
# to ours vs curl -T (one presigned PUT). 2,000 x 64 KiB files: cosdrop vs a
# sequential SDK PutFromFile loop. Both interleaved, medians of 3. Peak RSS
# of `cosdrop upload` for a 2 GiB file and a 100,000-file queue, and heap
# per queued task. `cosdrop status` on journals of 10,000 and 100,000
# finished tasks: time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -tags clikill -run '^$' -bench 'LargeFile|SmallFiles|QueueMemory|CLI|Status' -benchtime 1x -timeout 60m ./uploader/ | tee "$out"

metric() { # metric BENCH-NAME-PREFIX UNIT
	awk -v n="$1" -v u="$2" '$1 ~ "^"n"(-[0-9]+)?$" { for (i = 2; i < NF; i++) if ($(i+1) == u) print $i }' "$out" | head -1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# The large-file and small-file contenders run interleaved, three rounds
# (every contender once per round, each against a fresh server), so that load
# from elsewhere hits them alike; the figures are medians with the range in
# brackets. "cores" is the benchmark process's CPU per second of wall time
# (client and the in-process localcos together; for curl and the CLI,
# localcos alone): on this 2-core class of machine a run near 2 is CPU-bound.
med() { # med BENCH CONTENDER UNIT: "median (min-max)"
	printf '%s (%s-%s)' "$(metric "$1" "$2-$3")" "$(metric "$1" "$2-min-$3")" "$(metric "$1" "$2-max-$3")"
}
cores() { v=$(metric "$1" "$2-cores"); [ -n "$v" ] && printf ', %.2f cores' "$v"; true; }
lf() { echo "$(med BenchmarkLargeFile "$1" MB/s) MB/s$(cores BenchmarkLargeFile "$1")"; }
lr() { ratio "$(metric BenchmarkLargeFile "$1-MB/s")" "$(metric BenchmarkLargeFile "$2-MB/s")"; }
sf() { echo "$(med BenchmarkSmallFiles "$1" files/s) files/s$(cores BenchmarkSmallFiles "$1")"; }
echo
echo "| measurement (medians of 3 interleaved runs, range in brackets) | value | ratio | target |"
echo "|---|---|---|---|"
echo "| large file, cosdrop engine | $(lf cosdrop) | $(lr cosdrop sdk-default) of SDK defaults | >= 1.5x |"
echo "| large file, cosdrop upload (CLI) | $(lf cli) | $(lr cli curl) of curl -T | >= 1.0x |"
echo "| large file, SDK Object.Upload defaults | $(lf sdk-default) | | |"
echo "| large file, SDK ThreadPoolSize = ours | $(lf sdk-threads) | $(lr cosdrop sdk-threads) (engine/SDK) | |"
echo "| large file, curl -T | $(lf curl) | $(lr cosdrop curl) (engine/curl) | |"
echo "| 2,000 x 64 KiB, cosdrop | $(sf cosdrop) | $(ratio "$(metric BenchmarkSmallFiles cosdrop-files/s)" "$(metric BenchmarkSmallFiles sdk-sequential-files/s)") of sequential loop | >= 3x |"
echo "| 2,000 x 64 KiB, SDK PutFromFile loop | $(sf sdk-sequential) | | |"
echo "| peak RSS, 2 GiB file | $(metric BenchmarkCLI/rss-2GiB MiB-peak-RSS) MiB | | < 150 MiB |"
echo "| peak RSS, 100,000-file queue | $(metric BenchmarkCLI/rss-100k-files MiB-peak-RSS) MiB | | |"
echo "| heap per queued task | $(metric BenchmarkQueueMemory B/task) B | | < 1024 B |"
echo "| cosdrop status, 10,000 tasks | $(metric BenchmarkStatus/cli-10k ms) ms ($(metric BenchmarkStatus/cli-10k ms-CPU) ms CPU), $(metric BenchmarkStatus/cli-10k MiB-peak-RSS) MiB peak RSS | | |"
echo "| cosdrop status, 100,000 tasks | $(metric BenchmarkStatus/cli-100k ms) ms ($(metric BenchmarkStatus/cli-100k ms-CPU) ms CPU), $(metric BenchmarkStatus/cli-100k MiB-peak-RSS) MiB peak RSS | | < 1 s, < the upload's peak RSS |"
echo "| status walk, heap allocated per task | $(metric BenchmarkStatus/walk-100k B/op | awk '{ printf "%.0f", $1 / 100000 }') B | | |"
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# The WAN table (over a simulated line) is `make bench-wan` (.ci/bench-wan.sh).
