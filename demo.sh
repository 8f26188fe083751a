#!/usr/bin/env bash
# The first command of the README: set up, then run the end-to-end demo (a good release, a bad one undone, its fix) and write
# the evidence into ./release-radar-evidence/. Takes about three minutes; extra arguments go to `releaseradar demo`.
set -euo pipefail
cd "$(dirname "$0")"
RR_BOOTSTRAP_TOOLS=0 source scripts/bootstrap.sh
dotnet build src/ReleaseRadar.Cli -c Release -v quiet -nologo
exec dotnet src/ReleaseRadar.Cli/bin/Release/net10.0/releaseradar.dll demo "$@"
