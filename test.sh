#!/usr/bin/env bash
# The second command of the README: set up, build with warnings as errors, run every test project, and end with one
# line "N passed, N failed, N skipped". Tests that need something this machine cannot provide say so as skips.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
set +e
dotnet build ReleaseRadar.sln -c Release -nologo -v quiet
build=$?
if [ $build -ne 0 ]; then echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; fi
log=$(mktemp)
dotnet test --solution ReleaseRadar.sln -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
skipped=$(grep -E '^\s+skipped: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
grep -E '^skipped ' "$log" | sed 's/^/  /' || true
rm -f "$log"
[ -z "$failed" ] && failed=$([ "$status" -eq 0 ] && echo 0 || echo 1)
echo "${passed:-0} passed, ${failed} failed, ${skipped:-0} skipped"
exit "$status"
