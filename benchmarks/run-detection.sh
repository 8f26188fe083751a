#!/usr/bin/env bash
# Detection-quality benchmark: builds, backfills the labelled corpus into a real Prometheus, runs `releaseradar analyze`
# on every scenario, and writes benchmarks/detection/results.{md,json}. About three minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
dotnet build benchmarks/ReleaseRadar.Benchmarks -c Release -v quiet -nologo
dotnet benchmarks/ReleaseRadar.Benchmarks/bin/Release/net10.0/ReleaseRadar.Benchmarks.dll detection --output benchmarks/detection "$@"
