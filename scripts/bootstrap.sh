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

rr_dotnet
rr_apt_install prometheus
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
