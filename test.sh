#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, then runs every test project.
# Needs the .NET 10 SDK; Debian packages the tests use are installed when missing (run as root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Debian packages the test suites need: `kill` (procps) sends signals to scenario processes;
# `chromium` (/usr/bin/chromium) is the headless browser the HTML report tests drive with Playwright;
# `prometheus-node-exporter` (/usr/bin/prometheus-node-exporter) is the real exporter the target-monitoring tests scrape;
# `nats-server` (/usr/sbin/nats-server) is the message bus the distributed-run tests start on loopback.
packages=(procps chromium prometheus-node-exporter nats-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet not found)" >&2; exit 1; }
# One test project at a time (-m:1): the stall and schedule tests measure time, and a second test
# project compiling or running images beside them on a 2-core machine would shift their timestamps.
# The failed tests are listed again at the very end, where a CI log that keeps only its tail still shows them.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Stampede.sln -m:1 --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
if ((status != 0)); then
  echo "dotnet test failed (exit $status); the failed tests and their first lines of output:"
  grep -E -A4 '^\s+Failed [A-Za-z]' "$log" | cut -c1-300 || echo "(no test failed: the build or a test host failed; see above)"
  exit "$status"
fi

# The README's scenarios must keep compiling: build every file-based example.
for example in examples/*.cs; do
  echo "building $example" >&2
  dotnet build "$example" -v quiet -nologo >/dev/null || { echo "example $example does not build" >&2; exit 1; }
done
