#!/usr/bin/env bash
# Robustness benchmark: bad manifests, seeded mutations and hostile Prometheus answers through `releaseradar analyze`,
# and the same answers plus poison Releases through a running `releaseradar operator`. Writes
# benchmarks/robustness/results.md and exits non-zero on any crash, hang, silent acceptance, blinded operator or operator
# over the chart's memory limit. About eight minutes (three of them building the native binary).
set -euo pipefail
cd "$(dirname "$0")/.."
RR_BOOTSTRAP_TOOLS=0 source scripts/bootstrap.sh
dotnet build benchmarks/ReleaseRadar.Benchmarks -c Release -v quiet -nologo
# The operator runs as the image ships it: the native AOT binary (clang and zlib1g-dev build it), unless
# $RELEASERADAR_BINARY names another. Its memory is what the chart's limit must hold.
if [ -z "${RELEASERADAR_BINARY:-}" ]; then
  command -v clang >/dev/null && [ -e /usr/include/zlib.h ] || rr_apt_install clang zlib1g-dev
  native=$(mktemp -d)
  trap 'rm -rf "$native"' EXIT
  dotnet publish src/ReleaseRadar.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$native" -nologo -v quiet
  export RELEASERADAR_BINARY="$native/releaseradar"
fi
dotnet benchmarks/ReleaseRadar.Benchmarks/bin/Release/net10.0/ReleaseRadar.Benchmarks.dll robustness --output benchmarks/robustness "$@"
