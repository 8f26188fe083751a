#!/usr/bin/env bash
# The second command of the README: set up, build with warnings as errors, run every test project, and end with one
# line "N passed, N failed, N skipped". Tests that need something this machine cannot provide say so as skips.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
set +e
# Formatting is CSharpier's (pinned in .config/dotnet-tools.json); the build enforces the analyzers.
dotnet tool restore >/dev/null && dotnet csharpier check . >/dev/null
format=$?
if [ $format -ne 0 ]; then echo "formatting differs from CSharpier's: run 'dotnet tool restore && dotnet csharpier format .'"; fi
dotnet build ReleaseRadar.sln -c Release -nologo -v quiet
build=$?
if [ $build -ne 0 ] || [ $format -ne 0 ]; then echo "build or format check failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; fi
log=$(mktemp)
results=$(mktemp -d)
dotnet test --solution ReleaseRadar.sln -c Release --no-build --report-xunit-trx --results-directory "$results" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
grep -E '^skipped ' "$log" | sed 's/^/  /' || true
# The counts come from the TRX reports (one per test project), not from the console text.
count() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*>" | grep -oE " $1=\"[0-9]+\"" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}'; }
passed=$(count passed)
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
skipped=$(count notExecuted)
reports=$(ls "$results"/*.trx 2>/dev/null | wc -l)
apps=$(grep -c '^Running tests from ' "$log")
if [ "$reports" -lt "$apps" ]; then
  # Each test app names its report after the instant it started: two that start in the same microsecond write one file,
  # and one project's counts are lost. The run's own summary still counts every project.
  summary() { grep -E "^  $1: [0-9]+$" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
  echo "$reports test reports for $apps test projects: counting from the run's summary"
  passed=$(summary succeeded)
  failed=$(summary failed)
  skipped=$(summary skipped)
fi
rm -rf "$log" "$results"
# A test project that crashed writes no report: the run still fails.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test failed (exit $status) with $reports test reports"; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
