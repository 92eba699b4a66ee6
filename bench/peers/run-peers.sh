#!/usr/bin/env bash
# Builds the Stampede bench scenario in Release and runs the shared side-by-side harness with it:
#   bash bench/peers/run-peers.sh                      # every tool, every scenario (~4 min)
#   ONLY=wrk,stampede SCENARIOS=small bash bench/peers/run-peers.sh
# Results: the table it prints; keep it in bench/peers/RESULTS.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
HARNESS=${HARNESS:-$ROOT/../shared/bench/peers/run.sh}
[[ -f $HARNESS ]] || { echo "harness not found at $HARNESS (set HARNESS=)" >&2; exit 1; }
dotnet build -c Release "$ROOT/bench/Stampede.PeerScenario" -o "$ROOT/bench/Stampede.PeerScenario/bin/peers" >/dev/null
export STAMPEDE_DLL=$ROOT/bench/Stampede.PeerScenario/bin/peers/Stampede.PeerScenario.dll
EXTRA="$HERE/stampede.sh ${EXTRA:-}" bash "$HARNESS"
