#!/usr/bin/env bash
# Requests per generator CPU-second for each inference encoding with a 1x3x224x224 FP32 tensor: KServe v2 JSON,
# KServe v2 binary tensors, TF Serving row and columnar, KServe v2 gRPC. The target is a private loopback nginx (and,
# for gRPC, the scenario app's own stub) that reads and drops the body and answers a small fixed output, so the
# numbers are the generator's cost (sending the body, reading and checking the answer), not a model's. CPU comes from the run's own generator samples over its steady
# seconds (the first 3 and the last are left out).
#   bash bench/inference/run.sh                 # 8 users, 20 s per encoding
#   USERS=4 DURATION=30s bash bench/inference/run.sh
#   TARGET=demo bash bench/inference/run.sh     # against serve-demo's ResNet-18 instead: REST JSON, binary and gRPC
# Needs nginx (Debian's package). Results: /tmp/stampede-inference-bench/<timestamp>/; keep the table in bench/inference/RESULTS.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
USERS=${USERS:-8}
DURATION=${DURATION:-20s}
OUT=${OUT:-/tmp/stampede-inference-bench/$(date +%Y%m%d-%H%M%S)}
PORT=${PORT:-18482}
mkdir -p "$OUT"
[[ ${TARGET:-stub} == demo ]] || command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx" >&2; exit 1; }

dotnet build -c Release "$ROOT/bench/Stampede.InferenceScenario" -o "$ROOT/bench/Stampede.InferenceScenario/bin/bench" >/dev/null
DLL=$ROOT/bench/Stampede.InferenceScenario/bin/bench/Stampede.InferenceScenario.dll

TARGET=${TARGET:-stub}
if [[ $TARGET == demo ]]; then
  # The demo's real model behind REST and gRPC: the rate is the model's, the CPU per request the generator's.
  dotnet build -c Release "$ROOT/src/Stampede.Tool" -o "$ROOT/bench/Stampede.InferenceScenario/bin/tool" >/dev/null
  dotnet "$ROOT/bench/Stampede.InferenceScenario/bin/tool/Stampede.Tool.dll" serve-demo --port "$PORT" --grpc-port $((PORT + 1)) --workers 1 >"$OUT/serve-demo.log" 2>&1 &
  SERVER_PID=$!
  trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/v2/health/ready" && break; sleep 0.2; done
  PROTOCOLS="json binary grpc"
  export BENCH_MODEL=resnet18 BENCH_INPUT=Input247 BENCH_OUTPUT=Pooling395_Output_0
else
  NGX=$(mktemp -d /tmp/stampede-inference-nginx.XXXXXX)
  cat >"$NGX/nginx.conf" <<CONF
worker_processes 1;
pid $NGX/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_max_body_size 8m;
  client_body_buffer_size 2m;
  server {
    listen 127.0.0.1:$PORT;
    location = /v2/models/m/infer { default_type application/json; return 200 '{"model_name":"m","outputs":[{"name":"y","shape":[1,2],"datatype":"FP32","data":[0.1,0.9]}]}'; }
    location = /v1/models/m:predict { default_type application/json; return 200 '{"predictions":[[0.1,0.9]]}'; }
  }
}
CONF
  nginx -p "$NGX/" -e "$NGX/error.log" -c "$NGX/nginx.conf" -g 'daemon off;' &
  NGINX_PID=$!
  # gRPC needs HTTP/2 trailers, which nginx's return cannot send: the scenario app's own stub answers gRPC.
  dotnet "$DLL" --grpc-stub $((PORT + 1)) >"$OUT/grpc-stub.log" 2>&1 &
  STUB_PID=$!
  trap 'kill $NGINX_PID $STUB_PID 2>/dev/null || true; rm -rf "$NGX"' EXIT
  sleep 2
  PROTOCOLS="json binary tfrow tfcolumns grpc"
fi

for protocol in $PROTOCOLS; do
  host=http://127.0.0.1:$PORT
  [[ $protocol == grpc ]] && host=http://127.0.0.1:$((PORT + 1))
  BENCH_PROTOCOL=$protocol dotnet "$DLL" --host "$host" -u "$USERS" -r "$USERS" -t "$DURATION" \
    --headless --only-summary --exit-code-on-error 0 --json "$OUT/$protocol.json" >"$OUT/$protocol.txt" 2>&1
done

python3 - "$OUT" $PROTOCOLS <<'PY'
import json, sys
out = sys.argv[1]
print("| encoding | body bytes | req/s | failures | p50 ms | p99 ms | gen cores (steady) | req / gen CPU-s (steady) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for protocol in sys.argv[2:]:
    doc = json.load(open(f"{out}/{protocol}.json"))
    cores = doc["generator"]["processorCount"]
    cpu = {s["second"]: s["cpuPercent"] / 100 * cores for s in doc["generator"]["samples"]}
    history = doc["history"]
    steady = [h for h in history[3:-1]]
    requests = sum(h["aggregated"]["requests"] for h in steady)
    cpu_seconds = max(1e-9, sum(cpu.get(h["second"] + 1, 0) for h in steady))
    row = doc["rows"][0]
    agg = doc["aggregated"]
    seconds = len(steady)
    print(f"| {protocol} | {row['bytesSent'] // max(1, row['requests'])} | {requests / seconds:.0f} | {agg['failures']} | "
          f"{agg['percentilesMs']['50']:.2f} | {agg['percentilesMs']['99']:.2f} | {cpu_seconds / seconds:.2f} | {requests / cpu_seconds:.0f} |")
PY
