#!/usr/bin/env bash
# bench/target-scrape/run.sh - what scraping the target's metrics costs the generator.
#
# Starts SOURCES loopback exporters in a separate python3 process (exporter.py: node_exporter-like text,
# 2,000 series, counters advancing on every request), then bench/target-scrape/ScrapeCost, which measures
# its own process CPU time for BASELINE seconds idle and for DURATION seconds while a real TargetMonitor
# scrapes every exporter each INTERVAL seconds. Prints the Markdown that RESULTS.md records.
#
# Usage:  bash bench/target-scrape/run.sh
#         SOURCES=4 DURATION=60 BASELINE=60 bash bench/target-scrape/run.sh
# Knobs (env): SOURCES(4), DURATION(60), BASELINE(60), WINDOW(10), WARMUP(20: seconds not counted as
#              steady state), SETTLE(5), INTERVAL(1), PORT(19101, the first port), OUT(/tmp/bench-target-scrape/<time>),
#              APP (a ScrapeCost.dll built otherwise, e.g. published with -p:PublishReadyToRun=true), and the
#              runtime's own DOTNET_* settings (DOTNET_TieredPGO=0 …), which the measured process inherits.
# Exit code: ScrapeCost's: 0 when the steady-state cost is under 2% of one core, 3 when not, 1 when a scrape failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCES=${SOURCES:-4}
DURATION=${DURATION:-60}
BASELINE=${BASELINE:-60}
WINDOW=${WINDOW:-10}
SETTLE=${SETTLE:-5}
WARMUP=${WARMUP:-20}
INTERVAL=${INTERVAL:-1}
PORT=${PORT:-19101}
OUT=${OUT:-${TMPDIR:-/tmp}/bench-target-scrape/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

app=${APP:-}
if [ -z "$app" ]; then
  echo "building ScrapeCost (Release)" >&2
  dotnet build -c Release -v quiet -nologo "$HERE/ScrapeCost" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
  app="$HERE/ScrapeCost/bin/Release/net10.0/ScrapeCost.dll"
fi

ports=() urls=()
for ((i = 0; i < SOURCES; i++)); do
  ports+=($((PORT + i)))
  urls+=("http://127.0.0.1:$((PORT + i))/metrics")
done

python3 "$HERE/exporter.py" "${ports[@]}" >"$OUT/exporter.log" 2>&1 &
exporter=$!
trap 'kill "$exporter" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q ready "$OUT/exporter.log" 2>/dev/null && break
  sleep 0.1
done
grep -q ready "$OUT/exporter.log" || { echo "the exporters did not start:" >&2; cat "$OUT/exporter.log" >&2; exit 1; }

echo "measuring: ${BASELINE} s idle, then ${DURATION} s scraping ${SOURCES} exporters every ${INTERVAL} s" >&2
status=0
dotnet "$app" --urls "$(IFS=,; echo "${urls[*]}")" --seconds "$DURATION" --baseline "$BASELINE" \
  --window "$WINDOW" --settle "$SETTLE" --warmup "$WARMUP" --interval "$INTERVAL" --expect 2000 | tee "$OUT/result.md" || status=$?
exporter_cpu=$(awk '{ printf "%.1f", ($14 + $15) / 100 }' "/proc/$exporter/stat" 2>/dev/null || echo "?")
echo >&2
echo "exporter process (python3, not measured): ${exporter_cpu} s of CPU in all; outputs in $OUT" >&2
exit "$status"
