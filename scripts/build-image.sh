#!/usr/bin/env bash
# Builds the release image: scripts/build-image.sh [TAG]   (default tag: release-radar:dev)
# Uses the official base images (node, the .NET SDK with the native AOT toolchain, chiseled runtime dependencies) where they can be pulled. Where they cannot
# (a machine that reaches no container registry), it builds local stand-ins from Debian packages first and says so.
# Force either path with RELEASERADAR_BASE_IMAGES=official|standin. A CA bundle in $SSL_CERT_FILE (a TLS-intercepting
# proxy) is passed to npm and NuGet as a build secret: it is used by the steps that download, and stored in no layer.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-release-radar:dev}
source scripts/docker-client.sh

official=(node:20-bookworm-slim mcr.microsoft.com/dotnet/sdk:10.0-noble-aot mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled)
mode=${RELEASERADAR_BASE_IMAGES:-auto}
if [ "$mode" = auto ]; then
  mode=official
  for image in "${official[@]}"; do
    if ! "$DOCKER" image inspect "$image" >/dev/null 2>&1 && ! timeout 60 "$DOCKER" pull -q "$image" >/dev/null 2>&1; then
      echo "build-image: cannot pull $image here; building local stand-ins from Debian packages instead"
      mode=standin
      break
    fi
  done
fi

args=()
if [ "$mode" = standin ]; then
  scripts/build-standins.sh
  args=(--build-arg NODE_IMAGE=release-radar/builder-standin:bookworm
        --build-arg SDK_IMAGE=release-radar/builder-standin:bookworm
        --build-arg RUNTIME_IMAGE=release-radar/runtime-standin:bookworm)
  echo "build-image: base images are local stand-ins (Debian bookworm + this machine's .NET SDK), not the official ones"
else
  echo "build-image: base images: ${official[*]}"
fi
secret=()
if [ -n "${SSL_CERT_FILE:-}" ] && [ -s "$SSL_CERT_FILE" ]; then secret=(--secret "id=cacert,src=$SSL_CERT_FILE"); fi

start=$(date +%s)
DOCKER_BUILDKIT=1 "$DOCKER" build "${args[@]}" "${secret[@]}" --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)" -t "$tag" .
size=$("$DOCKER" image inspect -f '{{.Size}}' "$tag")
echo "build-image: built $tag in $(( $(date +%s) - start )) s, $(( size / 1024 / 1024 )) MiB"
