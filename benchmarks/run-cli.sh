#!/usr/bin/env bash
# The CLI benchmark: wall time of whole `releaseradar analyze` processes (30-minute window, 1-minute interval: 28
# replayed intervals) against a real Prometheus holding 2 hours of backfilled history, for each way of building the
# command. Writes benchmarks/cli/results.md. Usage: bash benchmarks/run-cli.sh [RUNS]   (default 21)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
RR_BOOTSTRAP_TOOLS=0 source scripts/bootstrap.sh
# The native toolchain for the native AOT build.
command -v clang >/dev/null && [ -e /usr/include/zlib.h ] || rr_apt_install clang zlib1g-dev
work=$(mktemp -d)
trap 'kill "${prom:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build src/ReleaseRadar.Cli -c Release -nologo -v quiet
dotnet publish src/ReleaseRadar.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/r2r" -nologo -v quiet
# Native AOT, as the image and the release binaries are built (needs clang and zlib1g-dev; bootstrap installs them).
dotnet publish src/ReleaseRadar.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -nologo -v quiet
jit=src/ReleaseRadar.Cli/bin/Release/net10.0/releaseradar
r2r=$work/r2r/releaseradar
aot=$work/aot/releaseradar

start=$(date -u -d '3 hours ago' +%Y-%m-%dT%H:00:00Z)
deployed=$(date -u -d "$start + 90 minutes" +%Y-%m-%dT%H:%M:%SZ)
at=$(date -u -d "$start + 120 minutes" +%Y-%m-%dT%H:%M:%SZ)
"$jit" mock-exporter history --scenario-file benchmarks/cli/scenario.yaml --start "$start" --duration 2h -o "$work/history.om" >/dev/null
promtool tsdb create-blocks-from openmetrics "$work/history.om" "$work/data" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
prometheus --config.file=/dev/null --storage.tsdb.path="$work/data" --web.listen-address="127.0.0.1:$port" --log.level=error &
prom=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.5; done
cat >"$work/release.yaml" <<YAML
apiVersion: releaseradar.io/v1alpha1
kind: Release
metadata: {name: checkout-v2, namespace: default}
spec:
  version: v2
  deployedAt: "$deployed"
  selector: {service: checkout}
  analysis: {window: 30m, interval: 1m, warmup: 2m}
YAML

# Median and p90 wall time of $runs runs (after one warm-up run), in milliseconds.
measure() {
  "$@" >/dev/null 2>&1 || true
  local times=() t0 t1
  for _ in $(seq 1 "$runs"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%d / %d", a[int((NR+1)/2)], a[int(NR*0.9+0.5)]}'
}
analyze() { "$1" analyze -f "$work/release.yaml" --prometheus "http://127.0.0.1:$port" --at "$at" "${@:2}"; }
verdict=$(analyze "$aot" -o json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["verdict"], len(s["history"]))' || true)

{
  echo "# CLI benchmark"
  echo
  echo "Measured $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "$(( $(grep MemTotal /proc/meminfo | awk '{print $2}') / 1024 / 1024 )) GiB RAM, .NET $(dotnet --list-runtimes | grep NETCore | tail -1 | awk '{print $2}'), Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}')."
  echo
  echo "Whole \`releaseradar analyze\` processes against a real Prometheus holding 2 h of backfilled history: a 30-minute"
  echo "window at a 1-minute interval, replayed (28 analyses, the default) or once (\`--no-replay\`). Each cell: median / p90"
  echo "wall milliseconds over $runs runs after one warm-up. The analysed release came out: $verdict (verdict, history entries)."
  echo
  echo "| Build | \`--help\` | \`analyze --no-replay\` | \`analyze\` (30-min replay) |"
  echo "|---|---|---|---|"
  for build in jit r2r aot; do
    exe=${!build}
    case $build in
      jit) name="framework-dependent, JIT (\`dotnet build\`)" ;;
      r2r) name="ReadyToRun (\`dotnet publish -r linux-x64 -p:PublishReadyToRun=true\`)" ;;
      aot) name="native AOT (\`dotnet publish -r linux-x64 -p:PublishAot=true\`: the image and the release binaries)" ;;
    esac
    echo "| $name | $(measure "$exe" --help) | $(measure analyze "$exe" --no-replay) | $(measure analyze "$exe") |"
  done
  echo
  echo "Reproduce: \`bash benchmarks/run-cli.sh\`."
} > benchmarks/cli/results.md
cat benchmarks/cli/results.md
