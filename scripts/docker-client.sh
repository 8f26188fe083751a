# Sourced: sets DOCKER to a client that can drive BuildKit on the engine here. A newer docker CLI without the buildx
# plugin refuses BuildKit builds, while the engine's own client (Debian's docker.io, /usr/bin/docker) can run them.
DOCKER=$(command -v docker || true)
if [ -z "$DOCKER" ]; then echo "docker: no docker client installed (apt-get install -y docker.io)" >&2; return 1 2>/dev/null || exit 1; fi
if ! "$DOCKER" buildx version >/dev/null 2>&1 && [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; fi
if ! "$DOCKER" info >/dev/null 2>&1; then
  echo "docker: no Docker engine reachable (start dockerd, or run scripts/bootstrap.sh with RELEASERADAR_DOCKER=1)" >&2
  return 1 2>/dev/null || exit 1
fi
export DOCKER
