#!/usr/bin/env bash
# Packs the `releaseradar` command as a .NET tool into artifacts/packages, then prints how to install it:
#   dotnet tool install --global --add-source artifacts/packages releaseradar
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/packages}
# RELEASERADAR_PACK_NO_BUILD=1 packs what is already built (the tests do, so nothing rebuilds under running tests).
dotnet pack src/ReleaseRadar.Cli -c Release -o "$out" -nologo -v quiet ${RELEASERADAR_PACK_NO_BUILD:+--no-build}
echo "packed: $(ls "$out"/releaseradar.*.nupkg | tail -1)"
echo "install: dotnet tool install --global --add-source $out releaseradar"
