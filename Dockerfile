# DefectApi: multi-stage build on the official .NET images, in the shape of the dotnet/dotnet-docker samples
# (https://github.com/dotnet/dotnet-docker/tree/main/samples).
#   docker build -t defectapi .
#   docker run -d -p 8080:8080 -v defectapi-data:/data defectapi
# docker/test-image.sh builds this file with podman and checks the image end to end.

# The SDK stage runs on the build machine's own architecture and publishes for the target's (BuildKit sets
# TARGETARCH, e.g. `docker buildx build --platform linux/arm64` needs no emulated compiler). Builders that leave
# TARGETARCH empty get a portable publish that runs on any architecture.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src

# Restore as its own layer: it only reruns when a project file or a package version changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/DefectApi/DefectApi.csproj src/DefectApi/
COPY src/DefectApi.Tabular/DefectApi.Tabular.csproj src/DefectApi.Tabular/
COPY src/DefectApi.NeuralNet/DefectApi.NeuralNet.csproj src/DefectApi.NeuralNet/
RUN dotnet restore src/DefectApi/DefectApi.csproj ${TARGETARCH:+-a "$TARGETARCH"}

# The top-level appsettings.json, LICENSE and NOTICE are linked into the project and published beside the app.
COPY appsettings.json LICENSE NOTICE ./
COPY src/ src/
RUN dotnet publish src/DefectApi/DefectApi.csproj -c Release ${TARGETARCH:+-a "$TARGETARCH"} --no-restore -o /app


FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
LABEL org.opencontainers.image.title="DefectApi" \
      org.opencontainers.image.licenses="Apache-2.0"

# Configuration comes only from the published appsettings.json and the environment (docker run -e / compose
# `environment:`, e.g. Auth__ApiKeys__0__Hash). Production requires API keys: with none configured or stored, the first
# start creates an admin key and prints it once (`docker logs`). The base image already sets ASPNETCORE_HTTP_PORTS=8080;
# it is repeated here because the HEALTHCHECK below reads it.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__Defects="Data Source=/data/defects.db"

# The SQLite database (and its WAL files) live on a volume the non-root user owns; a named volume starts as a copy
# of this folder, ownership included. A bind mount must be writable by uid $APP_UID (1654).
RUN mkdir /data && chown "$APP_UID:$APP_UID" /data
VOLUME ["/data"]

# The app's files stay owned by root: the service can read them, not change them.
COPY --from=build /app .

# The non-root user of the official images (app, uid 1654).
USER $APP_UID
EXPOSE 8080

# The aspnet image has no curl or wget. Bash's /dev/tcp asks /health/live (the process answers; the database is
# checked by /health/ready), on the first port of ASPNETCORE_HTTP_PORTS, and succeeds only on a 200 status line.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "port=${ASPNETCORE_HTTP_PORTS:-8080}; exec 3<>\"/dev/tcp/127.0.0.1/${port%%[;,]*}\" && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r -t 4 _ status _ <&3 && [[ $status == 200 ]]"]

ENTRYPOINT ["dotnet", "DefectApi.dll"]
