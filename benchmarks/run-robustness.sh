#!/usr/bin/env bash
# Robustness benchmark: bad manifests, seeded mutations and hostile Prometheus answers through `releaseradar analyze`,
# and the same answers plus poison Releases through a running `releaseradar operator`. Writes
# benchmarks/robustness/results.md and exits non-zero on any crash, hang or silent acceptance. About five minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
RR_BOOTSTRAP_TOOLS=0 source scripts/bootstrap.sh
dotnet build benchmarks/ReleaseRadar.Benchmarks -c Release -v quiet -nologo
dotnet benchmarks/ReleaseRadar.Benchmarks/bin/Release/net10.0/ReleaseRadar.Benchmarks.dll robustness --output benchmarks/robustness "$@"
