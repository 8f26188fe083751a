# One image for every entry point: releaseradar operator | export | analyze | mock-exporter | demo.
# Build with scripts/build-image.sh [TAG]: it uses the official base images below where they can be pulled, and builds
# local stand-ins from Debian packages where they cannot (then passes them in through these arguments).
ARG NODE_IMAGE=node:20-bookworm-slim
# The SDK image with the native toolchain (clang, zlib) for native AOT; a native binary needs no .NET runtime, only the
# runtime dependencies (glibc, OpenSSL, CA certificates).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble-aot
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled

# The timeline page's front-end libraries, from npm (the SDK image has no Node).
FROM ${NODE_IMAGE} AS ui
WORKDIR /web
COPY src/ReleaseRadar.Operator/web/package.json src/ReleaseRadar.Operator/web/package-lock.json ./
# A CA bundle for a TLS-intercepting proxy comes in as a build secret: used for this step only, never stored in a layer.
RUN --mount=type=secret,id=cacert \
    if [ -s /run/secrets/cacert ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/cacert; fi; \
    npm ci --no-audit --no-fund --loglevel=error

FROM ${SDK_IMAGE} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
COPY .editorconfig Directory.Build.props Directory.Packages.props global.json ReleaseRadar.sln ./
COPY src/ src/
COPY --from=ui /web/node_modules src/ReleaseRadar.Operator/web/node_modules
# Native AOT: `analyze` answers in tens of milliseconds instead of half a second (benchmarks/cli/results.md), and the
# operator starts with no JIT. The RID follows the target platform; the debug symbols stay out of the image.
ARG TARGETARCH
RUN --mount=type=secret,id=cacert \
    if [ -s /run/secrets/cacert ]; then export SSL_CERT_FILE=/run/secrets/cacert; fi; \
    command -v clang >/dev/null || { apt-get update -q && apt-get install -y -q --no-install-recommends clang zlib1g-dev; }; \
    case "${TARGETARCH:-amd64}" in arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac; \
    dotnet publish src/ReleaseRadar.Cli -c Release -r "$rid" -o /out -p:PublishAot=true \
    && rm -f /out/*.dbg /out/*.pdb

# Chiseled runtime dependencies: no shell, no package manager, no .NET runtime (the binary is native), non-root by default.
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /out ./
# Works with a read-only root filesystem: nothing is written outside mounted volumes (/evidence for the export job).
ENV DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0 \
    ASPNETCORE_URLS=
USER 64198
EXPOSE 8080
ENTRYPOINT ["/app/releaseradar"]
CMD ["operator"]
