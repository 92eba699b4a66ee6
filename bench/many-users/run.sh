#!/usr/bin/env bash
# 25,000 and 50,000 users on one machine (issue 14, item 4): one process may open only `ulimit -Hn` files (20,000 on
# the project's development machine, and raising it is refused there), so the users run as a distributed run's agents
# on this machine, each a process with its own limit, meeting on a private nats-server. The users are the shared
# peers harness's: one GET of a 50 ms nginx endpoint, then 1 s of constant think time (bench/Stampede.PeerScenario).
#
#   USERS=25000 AGENTS=2 bash bench/many-users/run.sh
#   USERS=50000 AGENTS=3 bash bench/many-users/run.sh
#   USERS=50000 AGENTS=3 THINK=10 bash bench/many-users/run.sh     # 10 s of think time: a fifth of the requests
#
# Needs nginx, libnginx-mod-http-echo and nats-server (Debian packages; installed when missing, as root). Results: the
# coordinator's JSON and each agent's peak RSS in $OUT (default /tmp/many-users-<users>); keep them in RESULTS.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
USERS=${USERS:-25000}
AGENTS=${AGENTS:-2}
DUR=${DUR:-40}
SPAWN=${SPAWN:-$USERS}
OUT=${OUT:-/tmp/many-users-$USERS}
NGINX_WORKERS=${NGINX_WORKERS:-4}
SOURCES=${SOURCES:-127.0.0.1-127.0.0.4}
# Tens of thousands of users starting on two shared cores starve every process of CPU for seconds, the coordinator's
# heartbeats included: the agents here wait 10 s for their coordinator rather than the default 3 s (docs/distributed.md).
AGENT_ARGS=${AGENT_ARGS:---heartbeat-timeout 10s}
mkdir -p "$OUT"

missing=()
for p in nginx libnginx-mod-http-echo nats-server procps time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; [[ -n ${NGX_DIR:-} ]] && nginx -p "$NGX_DIR/" -c "$NGX_DIR/nginx.conf" -s quit 2>/dev/null || true; }
trap cleanup EXIT
PIDS=()
AGENT_PIDS=()

# nginx: enough workers and connections for every user's own connection (4 x 16,384).
NGX_DIR=$(mktemp -d /tmp/many-users-nginx.XXXXXX)
PORT=$(free_port)
cat >"$NGX_DIR/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
worker_processes $NGINX_WORKERS;
worker_rlimit_nofile $(ulimit -Hn);
pid $NGX_DIR/nginx.pid;
error_log $NGX_DIR/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path $NGX_DIR/body;
  proxy_temp_path $NGX_DIR/proxy;
  fastcgi_temp_path $NGX_DIR/fastcgi;
  uwsgi_temp_path $NGX_DIR/uwsgi;
  scgi_temp_path $NGX_DIR/scgi;
  server {
    listen 127.0.0.1:$PORT backlog=65535;
    location = /delay50 { echo_sleep 0.05; echo '{"delayed_ms":50}'; }
    location = /nginx_status { stub_status; }
  }
}
CONF
nginx -p "$NGX_DIR/" -c "$NGX_DIR/nginx.conf"
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/delay50" && break; sleep 0.1; done

NATS_PORT=$(free_port)
nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$OUT/nats.log" 2>&1 &
PIDS+=($!)

dotnet build -c Release "$ROOT/bench/Stampede.PeerScenario" -o "$ROOT/bench/Stampede.PeerScenario/bin/peers" >/dev/null
APP=$ROOT/bench/Stampede.PeerScenario/bin/peers/Stampede.PeerScenario.dll
export BENCH_PATH=/delay50 BENCH_WAIT=${THINK:-1}

for i in $(seq "$AGENTS"); do
  # shellcheck disable=SC2086 # AGENT_ARGS is a list of flags.
  dotnet "$APP" --agent --nats "nats://127.0.0.1:$NATS_PORT" --run-id many --agent-name "agent-$i" $AGENT_ARGS >"$OUT/agent-$i.log" 2>&1 &
  PIDS+=($!)
  AGENT_PIDS+=($!)
done

# Each agent's peak resident memory (VmHWM), read once a second until it ends.
( while sleep 1; do
    for i in "${!AGENT_PIDS[@]}"; do
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/${AGENT_PIDS[$i]}/status" 2>/dev/null) || continue
      [[ -n $hwm ]] && echo "$hwm" >"$OUT/agent-$((i + 1)).hwm-kb"
    done
  done ) &
PIDS+=($!)

/usr/bin/time -v dotnet "$APP" --coordinator --expect-agents "$AGENTS" --nats "nats://127.0.0.1:$NATS_PORT" --run-id many \
  --host "http://127.0.0.1:$PORT" -u "$USERS" -r "$SPAWN" -t "${DUR}s" --source-address "$SOURCES" \
  --agent-timeout 20s --headless --only-summary --exit-code-on-error 0 --json "$OUT/run.json" >"$OUT/coordinator.log" 2>"$OUT/coordinator.time" || true
sleep 2

python3 - "$OUT" "$USERS" "$AGENTS" <<'PY'
import json, sys, glob, os
out, users, agents = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
run = json.load(open(os.path.join(out, "run.json")))
agg, dur = run["aggregated"], run["run"]["durationSeconds"]
think = float(os.environ.get("THINK", "1"))
ideal = users / (think + 0.05)
hwm = [int(open(f).read()) / 1024 for f in sorted(glob.glob(os.path.join(out, "agent-*.hwm-kb")))]
print(f"users {users} on {agents} agents, {dur:.1f} s: {agg['requests']} requests, {agg['requestsPerSecond']:.0f} req/s "
      f"({100 * agg['requestsPerSecond'] / ideal:.1f}% of the ideal {ideal:.0f}), failures {agg['failures']}")
p = agg["percentilesMs"]
print(f"p50 {p['50']} ms, p90 {p['90']} ms, p99 {p['99']} ms, max {agg['maxMs']} ms")
print("agents' peak RSS MB: " + ", ".join(f"{m:.0f}" for m in hwm) + f"; {sum(hwm) * 1024 / users:.1f} KB per user")
gen = run["generator"]
print(f"worst agent: peak CPU {gen['peakCpuPercent']}%, GC {gen['totalGcPauseMs']} ms, bound {gen.get('boundSeconds', 0)} s; verdict {run['validity']['verdict']}")
for a in run["cluster"]["agents"]:
    print(f"  {a['name']}: {a['share']}, {a['requests']} requests, peak CPU {a['peakCpuPercent']}%, GC {a['totalGcPauseMs']} ms, {a['state']}")
print(f"cluster: {run['cluster']['reportsMerged']} reports, {run['cluster']['bytesReceived'] / 1024:.0f} KiB, merge {run['cluster']['mergeMs']} ms")
PY
