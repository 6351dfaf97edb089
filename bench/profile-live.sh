#!/bin/bash
# Profiles the web node of the `live` scenario during its measured writes, then splits the samples by where they
# were spent (bench/perf-split.py). Needs perf and root (or perf_event_paranoid <= 1).
#   bench/profile-live.sh OUTDIR [live options...]     e.g. bench/profile-live.sh /tmp/live-1000 --connections 1000
set -eu
out=$1
shift
mkdir -p "$out"
cd "$(dirname "$0")/.."
# JIT-compiled frames resolve through /tmp/perf-PID.map; with W^X on, the code runs from a double mapping perf cannot map back.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
bench/ItSchool.Bench/bin/Release/net10.0/ItSchool.Bench live "$@" > "$out/out.txt" 2> "$out/err.txt" &
bench=$!
until grep -q "live: measuring" "$out/err.txt" 2>/dev/null || ! kill -0 $bench 2>/dev/null; do sleep 0.5; done
pid=$(grep -o "process [0-9]*" "$out/err.txt" | awk '{print $2}')
if [ -n "$pid" ]; then
  sleep 1
  perf record -F 499 -g -p "$pid" -o "$out/perf.data" -- sleep 10 2> "$out/perf-record.txt"
fi
wait $bench
perf script -i "$out/perf.data" -F comm,ip,sym,dso 2>/dev/null | python3 bench/perf-split.py | tee "$out/split.md"
