#!/usr/bin/env bash
# The generator's own soak: a steady open-model rate against a private loopback nginx, with the generator's
# RSS, thread count and open file descriptors sampled from /proc every 10 s beside the run's own JSON (CPU, GC
# pauses, collections, managed heap a second). Prints the slopes over the run's second half (after warm-up).
#   bash bench/soak/run.sh                       # 30 minutes at 2,000 requests/s
#   DURATION=2m bash bench/soak/run.sh           # the short version
#   RATE=500 DURATION=10m bash bench/soak/run.sh
#   HISTORY_IN_MEMORY=2m bash bench/soak/run.sh  # history older than 2 minutes moves to disk (default 1h)
# Needs nginx (Debian's package). Results: /tmp/stampede-soak/<timestamp>/; keep the summary in bench/soak/RESULTS.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RATE=${RATE:-2000}
DURATION=${DURATION:-30m}
OUT=${OUT:-/tmp/stampede-soak/$(date +%Y%m%d-%H%M%S)}
PORT=${PORT:-18481}
mkdir -p "$OUT"
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx" >&2; exit 1; }

dotnet build -c Release "$ROOT/bench/Stampede.PeerScenario" -o "$ROOT/bench/Stampede.PeerScenario/bin/peers" >/dev/null
DLL=$ROOT/bench/Stampede.PeerScenario/bin/peers/Stampede.PeerScenario.dll

NGX=$(mktemp -d /tmp/stampede-soak-nginx.XXXXXX)
cat >"$NGX/nginx.conf" <<CONF
worker_processes 1;
pid $NGX/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$PORT;
    location = /small { return 200 '{"label":"tabby cat","score":0.93,"model":"resnet18","padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'; }
  }
}
CONF
nginx -p "$NGX/" -e "$NGX/error.log" -c "$NGX/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null || true; rm -rf "$NGX"' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/small" && break; sleep 0.1; done

BENCH_PATH=/small dotnet "$DLL" --host "http://127.0.0.1:$PORT" --rate "$RATE" --max-users 400 -t "$DURATION" \
  --history-in-memory "${HISTORY_IN_MEMORY:-1h}" \
  --headless --only-summary --exit-code-on-error 0 --json "$OUT/soak.json" >"$OUT/stdout.txt" 2>&1 &
GEN=$!
echo "seconds,rss_kib,threads,fds" >"$OUT/proc.csv"
START=$(date +%s)
while kill -0 "$GEN" 2>/dev/null; do
  if [[ -r /proc/$GEN/status ]]; then
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$GEN/status" 2>/dev/null || echo "")
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$GEN/status" 2>/dev/null || echo "")
    fds=$(ls "/proc/$GEN/fd" 2>/dev/null | wc -l)
    [[ -n $rss ]] && echo "$(( $(date +%s) - START )),$rss,$threads,$fds" >>"$OUT/proc.csv"
  fi
  sleep 10
done
wait "$GEN" || true

python3 - "$OUT" <<'PY'
import csv, json, sys
out = sys.argv[1]
rows = [r for r in csv.DictReader(open(f"{out}/proc.csv"))]
doc = json.load(open(f"{out}/soak.json"))
samples = doc["generator"]["samples"]

def slope(points):
    n = len(points)
    if n < 3:
        return float("nan")
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else float("nan")

def half(points):
    return points[len(points) // 2:]

t = lambda r: float(r["seconds"])
rss = half([(t(r) / 60, float(r["rss_kib"]) / 1024) for r in rows])
thr = half([(t(r) / 60, float(r["threads"])) for r in rows])
fds = half([(t(r) / 60, float(r["fds"])) for r in rows])
heap = half([(s["second"] / 60, s.get("heapBytes", 0) / 1048576) for s in samples])
gen2 = sum(s["gen2Collections"] for s in samples)
pause = [s["gcPauseMs"] for s in samples]
agg = doc["aggregated"]
print(f"run: {doc['run']['durationSeconds']:.0f} s at --rate {doc['run']['settings'].get('rate')}, {agg['requests']} requests, "
      f"{agg['requestsPerSecond']:.1f} req/s, {agg['failures']} failures, p50 {agg['percentilesMs']['50']} ms, p99 {agg['percentilesMs']['99']} ms; "
      f"verdict {doc['validity']['verdict']}")
print(f"RSS: {rss[0][1]:.1f} -> {rss[-1][1]:.1f} MiB over the second half, slope {slope(rss):+.3f} MiB/min; peak {max(float(r['rss_kib']) for r in rows) / 1024:.1f} MiB")
print(f"managed heap: {heap[0][1]:.1f} -> {heap[-1][1]:.1f} MiB, slope {slope(heap):+.3f} MiB/min")
print(f"threads: {thr[0][1]:.0f} -> {thr[-1][1]:.0f}, slope {slope(thr):+.3f}/min; fds: {fds[0][1]:.0f} -> {fds[-1][1]:.0f}, slope {slope(fds):+.3f}/min")
gen = doc["generator"]
print(f"history on disk at the end: {gen.get('historySecondsOnDisk', 0)} s, {gen.get('historyBytesOnDisk', 0) / 1048576:.1f} MiB (--history-in-memory {doc['run']['settings'].get('historyInMemorySeconds', '?')} s)")
print(f"gen-2 collections: {gen2} in {len(samples)} s; GC pause per second: mean {sum(pause) / max(1, len(pause)):.2f} ms, max {max(pause) if pause else 0:.1f} ms")
PY
echo "outputs in $OUT"
