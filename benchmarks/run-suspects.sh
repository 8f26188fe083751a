#!/usr/bin/env bash
# "Which release broke it?" benchmark: generates the incident corpus, backfills it into a real Prometheus, asks the
# suspects search for every symptom, scores it and the two usual heuristics against the known causes, and writes
# benchmarks/suspects/results.{md,json}. About four minutes on 2 cores; needs about 3 GB free in /tmp while it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
dotnet build benchmarks/ReleaseRadar.Benchmarks -c Release -v quiet -nologo
# Another seed goes elsewhere: --seed 7 --output benchmarks/suspects/seed-7.
case " $* " in *" --output "*) output=() ;; *) output=(--output benchmarks/suspects) ;; esac
dotnet benchmarks/ReleaseRadar.Benchmarks/bin/Release/net10.0/ReleaseRadar.Benchmarks.dll suspects "${output[@]}" "$@"
