# One image for every entry point: releaseradar operator | export | analyze | mock-exporter | demo.
# Build:  docker build -t release-radar:dev .
# The timeline page's front-end libraries, from npm (the SDK image has no Node).
FROM node:20-bookworm-slim AS ui
WORKDIR /web
COPY src/ReleaseRadar.Operator/web/package.json src/ReleaseRadar.Operator/web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props global.json ReleaseRadar.sln ./
COPY src/ src/
COPY --from=ui /web/node_modules src/ReleaseRadar.Operator/web/node_modules
RUN dotnet publish src/ReleaseRadar.Cli -c Release -o /out --no-self-contained -p:UseAppHost=true

# The ASP.NET runtime (the operator serves HTTP); chiseled: no shell, no package manager, non-root by default.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
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
