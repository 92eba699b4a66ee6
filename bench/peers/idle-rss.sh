#!/usr/bin/env bash
# Memory per connected idle user: the bench scenario (bench/Stampede.PeerScenario, Release) with USERS users and
# with BASE_USERS users, each making one GET of /small and then thinking 300 s, against a private nginx on
# 127.0.0.1. The generator's RSS is read from /proc AT seconds in; the difference divided by the difference in
# users is the RSS growth per idle user (issue 14's target: 20 KB). GCDUMP=path/to/dotnet-gcdump also takes a
# heap dump of each process at the same moment and prints its top types.
#   bash bench/peers/idle-rss.sh                     # 10,000 against 100 users, twice
#   USERS=5000 RUNS=1 bash bench/peers/idle-rss.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
USERS=${USERS:-10000}
BASE_USERS=${BASE_USERS:-100}
AT=${AT:-20}
RUNS=${RUNS:-2}
PORT=${PORT:-18090}
GCDUMP=${GCDUMP:-}
OUT=${OUT:-${TMPDIR:-/tmp}/idle-rss/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

command -v nginx >/dev/null || { echo "nginx not installed (apt-get install nginx)" >&2; exit 1; }
dotnet build -c Release "$ROOT/bench/Stampede.PeerScenario" -o "$ROOT/bench/Stampede.PeerScenario/bin/peers" >/dev/null
DLL=$ROOT/bench/Stampede.PeerScenario/bin/peers/Stampede.PeerScenario.dll

NGX=$(mktemp -d /tmp/idle-rss-nginx.XXXXXX)
cat >"$NGX/nginx.conf" <<EOF
worker_processes 2;
worker_rlimit_nofile $(ulimit -Hn);
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 600s;
  client_body_temp_path $NGX/body;
  proxy_temp_path $NGX/proxy;
  fastcgi_temp_path $NGX/fastcgi;
  uwsgi_temp_path $NGX/uwsgi;
  scgi_temp_path $NGX/scgi;
  server {
    listen 127.0.0.1:$PORT backlog=4096;
    location = /small { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
EOF
nginx -p "$NGX/" -e "$NGX/error.log" -c "$NGX/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
trap 'kill -QUIT $NGINX_PID 2>/dev/null || true; rm -rf "$NGX"' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/small" && break; sleep 0.1; done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/small" || { echo "nginx did not answer on port $PORT (busy? set PORT=; see $NGX/error.log)" >&2; exit 1; }

# rss USERS -> prints the generator's VmRSS in kB at AT seconds (and dumps its heap when GCDUMP is set)
rss() {
  local users=$1 pid kb
  BENCH_GC_LOG=${GCLOG:+$OUT/gc-$users.csv} BENCH_PATH=/small BENCH_WAIT=300 dotnet "$DLL" --host "http://127.0.0.1:$PORT" -u "$users" -r "$users" \
    -t "$((AT + 10))s" --headless --only-summary --exit-code-on-error 0 >"$OUT/run-$users.log" 2>&1 &
  pid=$!
  sleep "$AT"
  kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  if [[ -n $GCDUMP ]]; then
    "$GCDUMP" collect -p "$pid" -o "$OUT/heap-$users.gcdump" >/dev/null
    "$GCDUMP" report "$OUT/heap-$users.gcdump" | head -25 >"$OUT/heap-$users.txt"
  fi
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || true
  echo "$kb"
}

printf '%-4s %10s %10s %12s %12s\n' run "$BASE_USERS u" "$USERS u" "growth MB" "KB per user"
for run in $(seq "$RUNS"); do
  small=$(rss "$BASE_USERS")
  big=$(rss "$USERS")
  awk -v r="$run" -v s="$small" -v b="$big" -v u="$USERS" -v bu="$BASE_USERS" \
    'BEGIN { printf "%-4s %7.1f MB %7.1f MB %9.1f MB %12.2f\n", r, s/1024, b/1024, (b-s)/1024, (b-s)/(u-bu) }'
done
[[ -z $GCDUMP ]] || echo "heap reports: $OUT/heap-*.txt"
