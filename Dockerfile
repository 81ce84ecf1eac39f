# syntax=docker/dockerfile:1
# DefectApi: multi-stage build on the official .NET images.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore as its own layer: it only reruns when a project or package version changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/DefectApi/DefectApi.csproj src/DefectApi/
COPY src/DefectApi.Tabular/DefectApi.Tabular.csproj src/DefectApi.Tabular/
COPY src/DefectApi.NeuralNet/DefectApi.NeuralNet.csproj src/DefectApi.NeuralNet/
RUN dotnet restore src/DefectApi/DefectApi.csproj
COPY appsettings.json ./
COPY src/ src/
RUN dotnet publish src/DefectApi/DefectApi.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
# Configuration comes only from the top-level appsettings.json (published beside the app) and the environment.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__Defects="Data Source=/data/defects.db"
# The SQLite file lives on a volume owned by the image's non-root user ($APP_UID, set by the base image).
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME ["/data"]
COPY --from=build /app .
USER $APP_UID
EXPOSE 8080
# The base image has no curl; bash's /dev/tcp asks /health/live without adding a package.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "DefectApi.dll"]
