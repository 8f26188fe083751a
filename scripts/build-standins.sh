#!/usr/bin/env bash
# Local stand-ins for the official base images, for machines that reach Debian's mirrors but no container registry.
#   release-radar/builder-standin:bookworm  Debian bookworm (debootstrap) + nodejs/npm, clang and zlib1g-dev (the native
#                                           AOT toolchain) from Debian + this machine's .NET SDK
#   release-radar/runtime-standin:bookworm  no shell, no package manager, no .NET runtime (the binary is native): only
#                                           glibc, libstdc++, OpenSSL, zlib, the CA certificates and a non-root user 64198
# The Debian tree is cached in $RELEASERADAR_STANDIN_CACHE (default ~/.cache/release-radar/standins).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/docker-client.sh
cache=${RELEASERADAR_STANDIN_CACHE:-$HOME/.cache/release-radar/standins}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
rootfs=$cache/builder-rootfs
mkdir -p "$cache"

if [ ! -x "$rootfs/usr/bin/node" ] || [ ! -x "$rootfs/usr/bin/clang" ] || [ ! -s "$rootfs/etc/ssl/certs/ca-certificates.crt" ]; then
  command -v debootstrap >/dev/null || { echo "build-standins: debootstrap is missing (apt-get install -y debootstrap)" >&2; exit 1; }
  echo "build-standins: debootstrap bookworm into $rootfs (a few minutes, once)"
  rm -rf "$rootfs.partial"
  debootstrap --variant=minbase --include=ca-certificates,libssl3,libicu72,zlib1g bookworm "$rootfs.partial" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  # npm's and clang's many dependencies need apt's resolver, which debootstrap's --include does not have.
  cp /etc/resolv.conf "$rootfs.partial/etc/resolv.conf"
  { chroot "$rootfs.partial" apt-get update -q && DEBIAN_FRONTEND=noninteractive chroot "$rootfs.partial" apt-get install -y -q --no-install-recommends nodejs npm clang zlib1g-dev \
      && chroot "$rootfs.partial" apt-get clean; } >>"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  rm -f "$rootfs.partial/etc/resolv.conf"
  rm -rf "$rootfs" && mv "$rootfs.partial" "$rootfs"
fi

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
[ -d "$dotnet_root/sdk" ] || { echo "build-standins: no .NET SDK found at $dotnet_root" >&2; exit 1; }

# The builder: the Debian tree with the SDK at the official images' path.
tar -C "$rootfs" --exclude=./proc --exclude=./sys --exclude=./dev -cf - . -C "$(dirname "$dotnet_root")" \
    --transform "s,^$(basename "$dotnet_root"),usr/share/dotnet," "$(basename "$dotnet_root")" \
  | "$DOCKER" import \
      --change 'ENV PATH=/usr/share/dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV DOTNET_ROOT=/usr/share/dotnet' \
      - release-radar/builder-standin:bookworm >/dev/null

# The runtime: only the files of the packages a native .NET binary loads, taken from the same Debian tree.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for d in bin lib lib32 lib64 libx32 sbin; do
  if [ -L "$rootfs/$d" ]; then mkdir -p "$stage/$(readlink "$rootfs/$d")" && ln -s "$(readlink "$rootfs/$d")" "$stage/$d"; fi
done
for pkg in libc6 libstdc++6 libgcc-s1 libssl3 zlib1g; do
  chroot "$rootfs" dpkg -L "$pkg" | while read -r f; do
    if [ -f "$rootfs$f" ] || [ -L "$rootfs$f" ]; then
      case "$f" in /usr/share/doc/*|/usr/share/lintian/*|/usr/share/locale/*|/usr/lib/*/gconv/*|/sbin/*|/usr/sbin/*|/usr/bin/*) continue ;; esac
      mkdir -p "$stage$(dirname "$f")"
      cp -a "$rootfs$f" "$stage$f"
    fi
  done
done
mkdir -p "$stage/etc/ssl/certs" "$stage/tmp" "$stage/home/app"
cp "$rootfs/etc/ssl/certs/ca-certificates.crt" "$stage/etc/ssl/certs/"
cp -a "$rootfs/etc/ld.so.cache" "$rootfs/etc/ld.so.conf" "$rootfs/etc/ld.so.conf.d" "$stage/etc/" 2>/dev/null || true
printf 'root:x:0:0:root:/root:/nonexistent\napp:x:64198:64198:app:/home/app:/nonexistent\n' >"$stage/etc/passwd"
printf 'root:x:0:\napp:x:64198:\n' >"$stage/etc/group"
chmod 1777 "$stage/tmp"
chown 64198:64198 "$stage/home/app"
tar -C "$stage" -cf - . \
  | "$DOCKER" import \
      --change 'ENV APP_UID=64198' \
      --change 'USER 64198' \
      - release-radar/runtime-standin:bookworm >/dev/null
echo "build-standins: release-radar/builder-standin:bookworm and release-radar/runtime-standin:bookworm ready" \
     "(runtime $(( $("$DOCKER" image inspect -f '{{.Size}}' release-radar/runtime-standin:bookworm) / 1024 / 1024 )) MiB)"
