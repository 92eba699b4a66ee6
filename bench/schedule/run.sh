#!/usr/bin/env bash
# bench/schedule/run.sh - how exactly the open model keeps its schedule on this machine.
#
# For each target rate, runs bench/Stampede.PeerScenario (one GET per iteration) with --rate R for DUR
# seconds against a private nginx on 127.0.0.1 (Debian's package, own config in a temp dir, answering
# "ok" from memory, so the target costs as little CPU as possible), and reads back from the run's JSON
# document: iterations due, started and dropped, achieved rate, scheduling lag percentiles (actual send
# minus intended start), service-time p99, generator CPU and the verdict.
#
# Usage:  bash bench/schedule/run.sh                 # 100, 1000 and 10000 iterations/s, 10 s each
#         RATES="100 1000" DUR=20 bash bench/schedule/run.sh
# Knobs (env): RATES, DUR(10), PORT(18090), MAX_USERS(500), NGINX_WORKERS(1), OUT(/tmp/bench-schedule/<time>)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RATES=${RATES:-"100 1000 10000"}
DUR=${DUR:-10}
PORT=${PORT:-18090}
MAX_USERS=${MAX_USERS:-500}
NGINX_WORKERS=${NGINX_WORKERS:-1}
OUT=${OUT:-${TMPDIR:-/tmp}/bench-schedule/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx (Debian package; only its binary is used, with a private config)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

conf="$OUT/nginx.conf"
cat >"$conf" <<CONF
worker_processes $NGINX_WORKERS;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$PORT;
    location / { return 200 "ok"; }
  }
}
CONF
"$NGINX" -c "$conf" -p "$OUT"
trap '"$NGINX" -c "$conf" -p "$OUT" -s stop 2>/dev/null || true' EXIT

echo "building the scenario (Release)" >&2
dotnet build -c Release -v quiet -nologo "$ROOT/bench/Stampede.PeerScenario" >/dev/null
app="$ROOT/bench/Stampede.PeerScenario/bin/Release/net10.0/Stampede.PeerScenario.dll"

echo "| target it/s | due | started | dropped | achieved | lag p50 ms | lag p90 ms | lag p99 ms | lag max ms | service p99 ms | generator CPU avg / peak | bound seconds | verdict |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for rate in $RATES; do
  json="$OUT/rate-$rate.json"
  BENCH_PATH=/ timeout $((DUR + 60)) dotnet "$app" --host "http://127.0.0.1:$PORT" --rate "$rate" --run-time "${DUR}s" \
    --max-users "$MAX_USERS" --pre-allocated-users 50 --headless --only-summary --seed 1 --json "$json" >"$OUT/rate-$rate.log" 2>&1 || true
  python3 - "$json" "$rate" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); rate = float(sys.argv[2])
a = d["arrivals"]; agg = d["aggregated"]; lag = (agg.get("schedulingLag") or {}).get("percentilesMs", {}); g = d["generator"]
svc = (agg.get("serviceTime") or {}).get("percentilesMs", {})
achieved = a["startedIterations"] / a["dueIterations"] * 100 if a["dueIterations"] else 0
v = d.get("validity", {})
verdict = v.get("verdict", "?") + ("" if not v.get("reasons") else ": " + "; ".join(v["reasons"]))
print(f"| {rate:,.0f} | {a['dueIterations']:,} | {a['startedIterations']:,} | {a['droppedIterations']:,} | {achieved:.2f}% | "
      f"{lag.get('50', 0):.3f} | {lag.get('90', 0):.3f} | {lag.get('99', 0):.3f} | {lag.get('100', 0):.3f} | {svc.get('99', 0):.3f} | "
      f"{g['averageCpuPercent']:.0f}% / {g['peakCpuPercent']:.0f}% | {g.get('boundSeconds', 0)} | {verdict} |")
PY
done
echo "outputs in $OUT" >&2
