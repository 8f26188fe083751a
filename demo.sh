#!/usr/bin/env bash
# The first command of the README: set up, then run the end-to-end demo (a good release, a bad one undone, its fix) and write
# the evidence into ./release-radar-evidence/. Takes about three minutes; extra arguments go to `releaseradar demo`.
set -euo pipefail
cd "$(dirname "$0")"
RR_BOOTSTRAP_TOOLS=0 source scripts/bootstrap.sh
dotnet build src/ReleaseRadar.Cli -c Release -v quiet -nologo
# With --listen 127.0.0.1:8080 the demo also serves the overview and each release's view there, and keeps serving
# after the story until interrupted.
case " $* " in *" --listen "*) ;; *) echo "demo: add --listen 127.0.0.1:8080 to see the releases' pages in a browser" ;; esac
exec dotnet src/ReleaseRadar.Cli/bin/Release/net10.0/releaseradar.dll demo "$@"
