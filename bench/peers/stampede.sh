# shellcheck shell=bash
# Adds Stampede to ../shared/bench/peers/run.sh (sourced through EXTRA; see run-peers.sh beside this file).
# $HERE, $CONNS, $DUR, $BASE, $OUT, $SCEN come from run.sh; STAMPEDE_DLL is set by run-peers.sh.
# STAMPEDE_SPAWN sets its spawn rate (users a second) apart from the harness's SPAWN, which starts every user at once.
TOOLS="$TOOLS stampede"
L2K_TOOLS="$L2K_TOOLS stampede"
tool_stampede() {
  bench_tool stampede env BENCH_PATH="${1#"$BASE"}" BENCH_WAIT="${LOCUST_WAIT:-0}" ${STAMPEDE_GC_SERVER:+DOTNET_gcServer=$STAMPEDE_GC_SERVER} ${STAMPEDE_GC_DATAS:+DOTNET_GCDynamicAdaptationMode=$STAMPEDE_GC_DATAS} \
    dotnet "$STAMPEDE_DLL" --host "$BASE" -u "$CONNS" -r "${STAMPEDE_SPAWN:-${SPAWN:-$CONNS}}" -t "${DUR}s" --headless --only-summary \
    --exit-code-on-error 0 --csv "$OUT/$SCEN.stampede" --json "$OUT/$SCEN.stampede.json" ${STAMPEDE_ARGS:-}
}
parse_stampede() { parse_locust "$@"; }   # reads "$OUT/$SCEN.stampede_stats.csv"
