#!/usr/bin/env bash
# bench/package-size/run.sh - what Stampede's packages weigh, and whether they install and run.
#
# 1. Packs the solution as docs/install.md says (`dotnet pack Stampede.sln -c Release -o DIR`) and lists
#    every .nupkg/.snupkg with its size; fails when any package is 100 MB (10^8 bytes) or more.
# 2. Works out what one platform-agnostic tool package with the same four platforms would weigh (the
#    alternative to RID-specific packages): every distinct file of the four RID packages, counted once,
#    at its compressed size in them.
# 3. Installs the tool from that folder (`dotnet tool install --tool-path`), records `du -sh` of the
#    folder, runs `stampede --help`, starts `stampede serve-demo` on a free loopback port, waits for
#    /v2/health/ready (the model loads from the installed folder), posts a PNG to /predict, stops it.
# 4. In an empty folder outside the repository, with a nuget.config that adds the pack folder as a
#    source, builds a file-based scenario that says `#:package Stampede@0.1.0`, and runs it for 3 s
#    against that demo server.
# With BASELINE=<commit>, it first packs the tool of that commit (a clone in the temp folder) and
# installs it the same way, for the "before" numbers.
#
# Every NuGet restore here uses a private package folder under the temp folder, so the local 0.1.0
# packages never land in ~/.nuget/packages (where they would shadow a later pack of the same version).
#
# Usage:  bash bench/package-size/run.sh
#         BASELINE=70108c3 bash bench/package-size/run.sh
# Knobs (env): OUT (/tmp/bench-package-size/<time>), BASELINE, KEEP=1 (keep the temp folder's installs)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-${TMPDIR:-/tmp}/bench-package-size/$(date +%Y%m%d-%H%M%S)}
LIMIT=100000000
mkdir -p "$OUT"
export NUGET_PACKAGES="$OUT/nuget-packages"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
SERVER_PID=

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$OUT/nuget-packages" "$OUT/tool" "$OUT/tool-baseline" "$OUT/baseline" "$OUT/scenario/bin" "$OUT/scenario/obj"; fi
}
trap cleanup EXIT

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000000 }'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

install_footprint() { # $1 package folder, $2 tool folder -> prints "du -sh" and the breakdown
  local source=$1 tool=$2
  rm -rf "$tool"
  dotnet tool install --tool-path "$tool" --add-source "$source" Stampede.Tool >"$tool.log" 2>&1 || { cat "$tool.log" >&2; return 1; }
  local nupkgs tools
  nupkgs=$(find "$tool/.store" -name '*.nupkg' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  tools=$(find "$tool/.store" -path '*/tools/*' -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  echo "installed: $(du -sh "$tool" | cut -f1) in $tool (files the tool runs from: $(mb "$tools") MB; copies of the .nupkg the SDK keeps in .store: $(mb "$nupkgs") MB)"
}

if [ -n "${BASELINE:-}" ]; then
  echo "== baseline: the tool package of $BASELINE"
  git clone -q "$ROOT" "$OUT/baseline"
  git -C "$OUT/baseline" checkout -q "$BASELINE"
  dotnet pack "$OUT/baseline/src/Stampede.Tool" -c Release -o "$OUT/artifacts-baseline" -nologo -v quiet >"$OUT/pack-baseline.log" 2>&1 \
    || { tail -n 30 "$OUT/pack-baseline.log" >&2; exit 1; }
  for f in "$OUT"/artifacts-baseline/*.nupkg; do printf '%12d bytes  %7s MB  %s\n' "$(stat -c %s "$f")" "$(mb "$(stat -c %s "$f")")" "$(basename "$f")"; done
  install_footprint "$OUT/artifacts-baseline" "$OUT/tool-baseline"
  rm -rf "$NUGET_PACKAGES"
fi

echo "== pack: dotnet pack Stampede.sln -c Release -o $OUT/artifacts"
(cd "$ROOT" && dotnet pack Stampede.sln -c Release -o "$OUT/artifacts" -nologo -v quiet) >"$OUT/pack.log" 2>&1 \
  || { tail -n 30 "$OUT/pack.log" >&2; exit 1; }
too_big=0
for f in "$OUT"/artifacts/*.nupkg "$OUT"/artifacts/*.snupkg; do
  size=$(stat -c %s "$f")
  printf '%12d bytes  %7s MB  %s\n' "$size" "$(mb "$size")" "$(basename "$f")"
  if [ "$size" -ge "$LIMIT" ]; then echo "  ^ over the 100 MB limit" >&2; too_big=1; fi
done
python3 - "$OUT/artifacts" <<'PY'
import glob, os, sys, zipfile
# One platform-agnostic package with the same platforms: a file that is the same in every RID package
# (managed assemblies, the model) is stored once; native libraries once per platform.
seen, total = {}, 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "Stampede.Tool.*-*.nupkg"))):
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if not info.filename.startswith("tools/"):
                continue
            key = (info.filename.split("/", 3)[-1], info.CRC, info.file_size)
            if key not in seen:
                seen[key] = info.compress_size
                total += info.compress_size
print(f"one platform-agnostic tool package with these four platforms would be about {total / 1e6:.1f} MB")
PY

echo "== install: dotnet tool install --tool-path $OUT/tool --add-source $OUT/artifacts Stampede.Tool"
install_footprint "$OUT/artifacts" "$OUT/tool"
"$OUT/tool/stampede" --help >"$OUT/help.txt"
grep -q "serve-demo" "$OUT/help.txt" || { echo "stampede --help does not list serve-demo" >&2; cat "$OUT/help.txt" >&2; exit 1; }
echo "stampede --help: ok"

port=$(free_port)
"$OUT/tool/stampede" serve-demo --port "$port" --workers 1 >"$OUT/serve-demo.log" 2>&1 &
SERVER_PID=$!
ready=
for _ in $(seq 1 240); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/health/ready")" = 200 ]; then ready=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
[ -n "$ready" ] || { echo "serve-demo did not become ready" >&2; cat "$OUT/serve-demo.log" >&2; exit 1; }
python3 - "$OUT/probe.png" <<'PY'
import struct, sys, zlib
w = h = 64  # a small RGB gradient; the server resizes it to 224x224
rows = b"".join(b"\x00" + b"".join(bytes((x * 4, y * 4, 128)) for x in range(w)) for y in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
answer=$(curl -s -w '\n%{http_code}' -H 'Content-Type: image/png' --data-binary "@$OUT/probe.png" "http://127.0.0.1:$port/predict")
[ "$(tail -n 1 <<<"$answer")" = 200 ] && grep -q '"label"' <<<"$answer" \
  || { echo "POST /predict failed: $answer" >&2; exit 1; }
echo "serve-demo from the installed tool: ready on 127.0.0.1:$port, POST /predict answered $(head -n 1 <<<"$answer" | cut -c1-80)..."

echo "== file-based app with #:package Stampede@0.1.0, outside the repository ($OUT/scenario)"
mkdir -p "$OUT/scenario"
cat >"$OUT/scenario/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="stampede-local" value="$OUT/artifacts" />
  </packageSources>
</configuration>
CONFIG
cat >"$OUT/scenario/loadtest.cs" <<'SCENARIO'
#:package Stampede@0.1.0
#:property PublishAot=false
using Stampede;

return await StampedeApp.RunAsync(args, typeof(PredictUser));

public sealed class PredictUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.Between(0.05, 0.1);

    [Task(7)] public Task Small() => Client.PostAsync("/predict", Images.Small.Next(), name: "predict small");
    [Task(3)] public Task Large() => Client.PostAsync("/predict", Images.Large.Next(), name: "predict large");
}
SCENARIO
(cd "$OUT/scenario" && dotnet build loadtest.cs -nologo -v quiet) >"$OUT/scenario-build.log" 2>&1 \
  || { tail -n 30 "$OUT/scenario-build.log" >&2; exit 1; }
echo "dotnet build loadtest.cs: ok"
(cd "$OUT/scenario" && dotnet run loadtest.cs -- --host "http://127.0.0.1:$port" --users 2 --spawn-rate 2 --run-time 3s --headless --json "$OUT/scenario/run.json") \
  >"$OUT/scenario-run.log" 2>&1 || { tail -n 30 "$OUT/scenario-run.log" >&2; exit 1; }
python3 - "$OUT/scenario/run.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
text = json.dumps(doc)
assert '"predict small"' in text, "no 'predict small' row in the run document"
print("dotnet run loadtest.cs against serve-demo for 3 s: ok, run document has the 'predict small' row")
PY

# SIGTERM: a background job of a non-interactive shell starts with SIGINT ignored, so Ctrl-C's signal would not reach it.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=
[ "$too_big" = 0 ] || { echo "a package is over 100 MB" >&2; exit 1; }
echo "done; logs and packages in $OUT"
