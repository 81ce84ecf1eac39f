#!/usr/bin/env bash
# Builds the repository's real Dockerfile with podman and proves the image works: it runs as the non-root app user,
# its HEALTHCHECK passes, it takes configuration from the environment, it uploads a dataset, trains, predicts, and a
# restarted (and a re-created) container still serves the same model from the /data volume.
#
#   docker/test-image.sh            run the checks (as root; needs podman, runc, debootstrap, curl, jq)
#   docker/test-image.sh --clean    also remove the caches: stand-in base images, the tested image, the rootfs
#   NETWORK=host docker/test-image.sh   run the container on the host's network (when podman's bridge does not work)
#
# Where mcr.microsoft.com cannot be reached (no container registry here), the two official base images are replaced
# by local stand-ins tagged with the official names: a Debian bookworm minbase rootfs (debootstrap, from the mirror
# apt uses; the real 10.0 tags are Ubuntu 24.04, whose mirror is not reachable here) plus this machine's .NET, CA
# bundle and the official images' app user (uid 1654) and environment. If a
# real (pulled) image already carries an official tag, it is used as it is. The build never pulls (--pull=never).
#
# Cached between runs (a warm run reuses them): the rootfs tarball under $CACHE_DIR, the stand-in images (labelled
# with a fingerprint of what went into them) and the tested image's build layers. Everything else (container,
# volume, temporary files, podman config) is removed on exit, whatever the outcome.
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${CACHE_DIR:-/var/cache/defectapi-container}
DOTNET_HOME=${DOTNET_HOME:-/usr/share/dotnet}
SUITE=bookworm
ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
STANDIN_LABEL=org.defectapi.standin
IMAGE=localhost/defectapi:imagetest
BUILD_STAGE_IMAGE=localhost/defectapi:imagetest-build
CONTAINER=defectapi-imagetest
VOLUME=defectapi-imagetest-data
APP_UID=1654
TRAIN_TIMEOUT=${TRAIN_TIMEOUT:-600}

started=$SECONDS
step_started=$SECONDS
work=$(mktemp -d /tmp/defectapi-imagetest.XXXXXX)
results=()
current=""
port=""
net_args=()
env_args=()
auth_header=()

# --- reporting -------------------------------------------------------------------------------------------------

step() { current=$1; step_started=$SECONDS; printf '\n=== %s\n' "$1"; }
pass() {
  local line
  line=$(printf 'PASS  %-4s %s%s' "$(( SECONDS - step_started ))s" "$current" "${1:+ — $1}")
  results+=("$line")
  printf '%s\n' "$line"
}
fail() {
  results+=("FAIL  $(printf %-4s "$(( SECONDS - step_started ))s") $current — $1")
  printf 'FAIL  %s — %s\n' "$current" "$1" >&2
  if [ -s "$work/podman.log" ]; then
    echo "--- podman's messages:" >&2
    tail -n 20 "$work/podman.log" >&2
  fi
  if podman container exists "$CONTAINER" 2>/dev/null; then
    echo "--- last lines of the container's log:" >&2
    podman logs --tail 40 "$CONTAINER" >&2 || true
  fi
  exit 1
}
trap 'fail "command failed (line $LINENO, exit $?): $BASH_COMMAND"' ERR

cleanup() {
  local status=$?
  trap - ERR
  set +e
  podman rm -f -t 0 "$CONTAINER" >/dev/null 2>&1
  podman volume rm -f "$VOLUME" >/dev/null 2>&1
  rm -rf "$work"
  local minutes=$(( (SECONDS - started) / 60 )) seconds=$(( (SECONDS - started) % 60 ))
  printf '\n===================== docker/test-image.sh summary =====================\n'
  printf '%s\n' "${results[@]}"
  if [ "$status" -eq 0 ]; then
    printf 'RESULT: PASS (%d checks, %dm%02ds)\n' "${#results[@]}" "$minutes" "$seconds"
  else
    printf 'RESULT: FAIL (exit %d, %dm%02ds)\n' "$status" "$minutes" "$seconds"
  fi
  exit "$status"
}
trap cleanup EXIT

# --- podman, configured for this machine without touching its global config -------------------------------------

# No systemd and cgroup v1 here, and a hard nofile limit of 20000 that podman's default ulimits would exceed.
cat > "$work/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
export CONTAINERS_CONF="$work/containers.conf"

# Removes the images built on the stand-ins (they carry its label: earlier builds, replaced stand-ins), newest first
# so that children go before their parents, except the given images and their ancestors (the build cache in use).
tidy_images() {
  local keep=" " ref id
  for ref in "$@"; do
    id=$(podman image inspect --format '{{.Id}}' "$ref" 2>/dev/null) || continue
    while [ -n "$id" ]; do
      keep+="${id#sha256:} "
      id=$(podman image inspect --format '{{.Parent}}' "$id" 2>/dev/null) || break
    done
  done
  podman images -a --no-trunc --filter "label=$STANDIN_LABEL" --sort created --format '{{.ID}}' |
    while read -r id; do
      id=${id#sha256:}
      [[ $keep == *" $id "* ]] || podman rmi -f "$id" >/dev/null 2>&1 || true
    done
}

if [ "${1:-}" = --clean ]; then
  step "remove caches"
  exec 9> /run/lock/defectapi-imagetest.lock
  flock -w 1800 9 || fail "another run of this script holds /run/lock/defectapi-imagetest.lock"
  podman rmi -f "$IMAGE" "$BUILD_STAGE_IMAGE" >/dev/null 2>&1 || true
  tidy_images
  rm -rf "$CACHE_DIR"
  pass "the stand-in images, the images built on them and $CACHE_DIR removed"
  exit 0
fi

step "prerequisites"
[ "$(id -u)" -eq 0 ] || fail "run as root (rootful podman, debootstrap)"
for tool in podman runc debootstrap curl jq sha256sum tar flock; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
# The container, volume and image names are fixed: one run at a time (a second one waits).
exec 9> /run/lock/defectapi-imagetest.lock
flock -w 1800 9 || fail "another run of this script holds /run/lock/defectapi-imagetest.lock"
[ -x "$DOTNET_HOME/dotnet" ] || fail "no .NET at $DOTNET_HOME (set DOTNET_HOME)"
# Leftovers of an interrupted run.
podman rm -f -t 0 "$CONTAINER" >/dev/null 2>&1 || true
podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
pass "podman $(podman version --format '{{.Client.Version}}'), runtime runc, cgroupfs"

# --- stand-ins for the official base images --------------------------------------------------------------------

# The mirror apt already uses for $SUITE (deb822 .sources first, then one-line sources.list entries).
debian_mirror() {
  local file uri
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    uri=$(awk -v RS= -v suite="$SUITE" '
      { uris = ""; ok = 0
        n = split($0, lines, "\n")
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^URIs:/) { split(lines[i], f, /[ \t]+/); uris = f[2] }
          if (lines[i] ~ /^Suites:/) { m = split(lines[i], s, /[ \t]+/); for (j = 2; j <= m; j++) if (s[j] == suite) ok = 1 }
        }
        if (ok && uris != "") { print uris; exit } }' "$file")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  awk -v suite="$SUITE" '$1 == "deb" && $0 ~ (" " suite " ") { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1
}

# The packages of the official Debian runtime-deps image (libc6, libgcc-s1, libstdc++6 and zlib1g are in minbase).
packages=ca-certificates,libicu72,libssl3,tzdata
rootfs_tar="$CACHE_DIR/$SUITE-minbase-amd64-$(printf %s "$packages" | sha256sum | cut -c1-12).tar"

step "Debian $SUITE rootfs (debootstrap --variant=minbase, cached)"
if [ -s "$rootfs_tar" ]; then
  pass "cached: $rootfs_tar"
else
  mirror=${DEBIAN_MIRROR:-$(debian_mirror)}
  [ -n "$mirror" ] || fail "no $SUITE mirror found in the apt sources (set DEBIAN_MIRROR)"
  mkdir -p "$CACHE_DIR"
  rm -rf "$CACHE_DIR/rootfs.partial"
  debootstrap --variant=minbase --arch=amd64 --include="$packages" "$SUITE" "$CACHE_DIR/rootfs.partial" "$mirror" \
    > "$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap from $mirror failed"; }
  # As the official images do: no package lists or downloaded .debs in the image.
  rm -rf "$CACHE_DIR"/rootfs.partial/var/lib/apt/lists/* "$CACHE_DIR"/rootfs.partial/var/cache/apt/*.bin \
    "$CACHE_DIR"/rootfs.partial/var/cache/apt/archives/*.deb "$CACHE_DIR"/rootfs.partial/var/log/*
  tar -C "$CACHE_DIR/rootfs.partial" --numeric-owner -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
  rm -rf "$CACHE_DIR/rootfs.partial"
  pass "built from $mirror: $rootfs_tar"
fi

runtime_version=$(basename "$(ls -d "$DOTNET_HOME"/shared/Microsoft.AspNetCore.App/10.* | sort -V | tail -n1)")
sdk_version=$(basename "$(ls -d "$DOTNET_HOME"/sdk/10.* | sort -V | tail -n1)")
# What a stand-in is made of; a change rebuilds it.
fingerprint=$( { echo "standin-v1 $runtime_version $sdk_version"; sha256sum "$rootfs_tar" /etc/ssl/certs/ca-certificates.crt \
  | awk '{print $1}'; } | sha256sum | cut -c1-16)

# $1 = aspnet | sdk. The layout and environment of the official images: .NET in /usr/share/dotnet with
# /usr/bin/dotnet, group and user app (1654, home /home/app), APP_UID, ASPNETCORE_HTTP_PORTS, DOTNET_RUNNING_IN_CONTAINER.
build_standin() {
  local kind=$1 tag=$2 root="$work/standin-$1"
  mkdir -p "$root"
  tar -C "$root" -xf "$rootfs_tar"
  mkdir -p "$root/usr/share/dotnet/shared"
  if [ "$kind" = aspnet ]; then
    cp -a "$DOTNET_HOME"/{dotnet,host,LICENSE.txt,ThirdPartyNotices.txt} "$root/usr/share/dotnet/"
    cp -a "$DOTNET_HOME"/shared/{Microsoft.NETCore.App,Microsoft.AspNetCore.App} "$root/usr/share/dotnet/shared/"
  else
    cp -a "$DOTNET_HOME"/. "$root/usr/share/dotnet/"
  fi
  ln -sf /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  echo "app:x:$APP_UID:" >> "$root/etc/group"
  echo "app:!::" >> "$root/etc/gshadow"
  echo "app:x:$APP_UID:$APP_UID::/home/app:/bin/sh" >> "$root/etc/passwd"
  echo "app:!:$(( $(date +%s) / 86400 )):0:99999:7:::" >> "$root/etc/shadow"
  install -d -o "$APP_UID" -g "$APP_UID" -m 0750 "$root/home/app"
  local changes=(
    --change "ENV APP_UID=$APP_UID"
    --change "ENV ASPNETCORE_HTTP_PORTS=8080"
    --change "ENV DOTNET_RUNNING_IN_CONTAINER=true"
    --change "ENV DOTNET_VERSION=$runtime_version"
    --change "ENV ASPNET_VERSION=$runtime_version"
    --change "LABEL $STANDIN_LABEL=$fingerprint"
    --change 'CMD ["bash"]'
  )
  if [ "$kind" = sdk ]; then
    changes+=(
      --change "ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false"
      --change "ENV DOTNET_NOLOGO=true"
      --change "ENV DOTNET_SDK_VERSION=$sdk_version"
      --change "ENV DOTNET_USE_POLLING_FILE_WATCHER=true"
      --change "ENV NUGET_XMLDOC_MODE=skip"
    )
  fi
  tar -C "$root" --numeric-owner -cf - . | podman import "${changes[@]}" - "$tag" >/dev/null
  rm -rf "$root"
}

for kind in aspnet sdk; do
  if [ "$kind" = aspnet ]; then tag=$ASPNET_IMAGE; else tag=$SDK_IMAGE; fi
  step "base image $tag"
  if podman image exists "$tag"; then
    label=$(podman image inspect --format "{{index .Labels \"$STANDIN_LABEL\"}}" "$tag")
    if [ -z "$label" ] || [ "$label" = "<no value>" ]; then
      pass "the real image is present; using it"
      continue
    fi
    if [ "$label" = "$fingerprint" ]; then
      pass "cached stand-in ($fingerprint)"
      continue
    fi
    podman rmi -f "$tag" >/dev/null
  fi
  build_standin "$kind" "$tag"
  pass "stand-in built: Debian $SUITE minbase + .NET $([ "$kind" = sdk ] && echo "SDK $sdk_version" || echo "runtime $runtime_version"), user app ($APP_UID)"
done

# --- the real Dockerfile ---------------------------------------------------------------------------------------

step "podman build of the repository's Dockerfile"
# Host network only so that the restore inside can reach NuGet; --pull=never: the bases above are the ones used.
# Docker format, because the OCI image format has no HEALTHCHECK. TARGETARCH is given as BuildKit would set it
# (podman 4.3 leaves it empty).
case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
if ! podman build --pull=never --network=host --layers --format=docker --build-arg "TARGETARCH=$arch" \
    -f "$REPO/Dockerfile" -t "$IMAGE" "$REPO" > "$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  fail "the build failed"
fi
# The build stage's last layer is tagged too (from the layer cache, no work), so that tidying keeps the restore and
# publish layers for the next run; then earlier builds and replaced stand-ins go.
podman build --pull=never --network=host --layers --format=docker --build-arg "TARGETARCH=$arch" --target build \
  -f "$REPO/Dockerfile" -t "$BUILD_STAGE_IMAGE" "$REPO" > "$work/build-stage.log" 2>&1
tidy_images "$IMAGE" "$BUILD_STAGE_IMAGE" "$ASPNET_IMAGE" "$SDK_IMAGE"
pass "$IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"

step "image settings"
config=$(podman image inspect "$IMAGE" | jq '.[0].Config + { Healthcheck: .[0].Healthcheck }')
user=$(jq -r .User <<< "$config")
[ "$user" = "$APP_UID" ] || fail "USER is '$user', expected $APP_UID"
jq -e '.ExposedPorts | has("8080/tcp")' <<< "$config" >/dev/null || fail "port 8080 is not exposed"
jq -e '.Volumes | has("/data")' <<< "$config" >/dev/null || fail "/data is not a volume"
jq -e '.Env | any(.[]; . == "ConnectionStrings__Defects=Data Source=/data/defects.db")' <<< "$config" >/dev/null \
  || fail "ConnectionStrings__Defects does not point at /data"
jq -e '.Healthcheck.Test | join(" ") | contains("/health/live")' <<< "$config" >/dev/null \
  || fail "no HEALTHCHECK on /health/live"
pass "USER $user, EXPOSE 8080, VOLUME /data, database on /data, HEALTHCHECK on /health/live"

# --- run it ----------------------------------------------------------------------------------------------------

free_port() {
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + RANDOM % 20000 ))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  return 1
}

api() { # METHOD PATH [curl arguments...]: the body goes to $work/body, the status code to stdout
  local method=$1 path=$2; shift 2
  curl -sS -o "$work/body" -w '%{http_code}' --max-time 60 -X "$method" "${auth_header[@]}" "$@" "http://127.0.0.1:$port$path"
}

wait_ready() {
  for _ in $(seq 120); do
    [ "$(podman inspect --format '{{.State.Running}}' "$CONTAINER")" = true ] || fail "the container stopped"
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health/ready" || true)" = 200 ] && return 0
    sleep 0.5
  done
  fail "not ready within 60 s"
}

# podman's stderr goes to a log shown on failure: without systemd it reports, on every start and stop, that it cannot
# schedule the periodic healthcheck timer (`podman healthcheck run` below runs the check itself).
quiet() { "$@" 2>> "$work/podman.log"; }

run_container() {
  quiet podman run -d --name "$CONTAINER" "${net_args[@]}" "${env_args[@]}" -v "$VOLUME:/data" "$IMAGE" >/dev/null
}

step "compose.yaml's environment and admin key"
# The container below runs with the environment compose.yaml gives the service, ${VARIABLE:?…} filled in as compose
# does, with a fresh admin key whose hash stands in for the operator's DEFECTAPI_ADMIN_KEY_HASH.
compose="$REPO/docker/compose.yaml"
admin_key=$(head -c 32 /dev/urandom | sha256sum | cut -d" " -f1)
DEFECTAPI_ADMIN_KEY_HASH=$(printf %s "$admin_key" | sha256sum | cut -d' ' -f1)
while IFS= read -r line; do
  name=${line%%=*} value=${line#*=}
  if [[ $value =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*):\?.*\}$ ]]; then
    variable=${BASH_REMATCH[1]}
    [ -n "${!variable:-}" ] || fail "compose.yaml needs \$$variable, which this script does not set"
    value=${!variable}
  fi
  env_args+=(-e "$name=$value")
done < <(sed -nE 's/^      ([A-Za-z][A-Za-z0-9_]*__[A-Za-z0-9_]+): *"?([^"#]*[^"# ])"? *(#.*)?$/\1=\2/p' "$compose")
grep -q '^ *Auth__ApiKeys__0__Hash: *"\${DEFECTAPI_ADMIN_KEY_HASH:?' "$compose" \
  || fail "compose.yaml does not take the admin key's hash from \${DEFECTAPI_ADMIN_KEY_HASH:?…}"
printf '%s\n' "${env_args[@]}" | grep -q '^Auth__RequireKeys=true$' || fail "compose.yaml does not set Auth__RequireKeys=true"
auth_header=(-H "X-Api-Key: $admin_key")
pass "$(( ${#env_args[@]} / 2 )) variables; the admin key's hash from DEFECTAPI_ADMIN_KEY_HASH"

step "container starts on a named volume and becomes ready"
podman volume create "$VOLUME" >/dev/null
port=$(free_port)
# Publishing on loopback is the faithful test (the image's own port 8080). Where podman's bridge network does not
# work, the container shares the host's network and Kestrel gets a free port through ASPNETCORE_HTTP_PORTS.
# NETWORK=host skips the attempt.
use_host_network() {
  net_args=(--network=host -e "ASPNETCORE_HTTP_PORTS=$port")
  network="host network, ASPNETCORE_HTTP_PORTS=$port"
}
if [ "${NETWORK:-bridge}" = host ]; then
  use_host_network
  run_container
else
  net_args=(-p "127.0.0.1:$port:8080")
  network="bridge, 127.0.0.1:$port -> 8080"
  if ! run_container; then
    podman rm -f -t 0 "$CONTAINER" >/dev/null 2>&1 || true
    echo "port publishing does not work here ($(tail -n1 "$work/podman.log")); using the host network" >&2
    use_host_network
    run_container
  fi
fi
wait_ready
pass "$network"

step "runs as the non-root app user"
status=$(podman exec "$CONTAINER" cat /proc/1/status)
comm=$(podman exec "$CONTAINER" cat /proc/1/comm)
uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' <<< "$status")
[ "$comm" = dotnet ] || fail "process 1 is '$comm', not dotnet"
[ "$uids" = "$APP_UID $APP_UID $APP_UID $APP_UID" ] || fail "process 1 has uids '$uids'"
host_pid=$(podman inspect --format '{{.State.Pid}}' "$CONTAINER")
host_uid=$(awk '/^Uid:/ { print $2 }' "/proc/$host_pid/status")
[ "$host_uid" = "$APP_UID" ] || fail "seen from the host, the process has uid $host_uid"
if podman exec "$CONTAINER" bash -c 'touch /app/written-by-app' 2>/dev/null; then fail "the app can write to /app"; fi
pass "dotnet is process 1 with uid $uids (host pid $host_pid: uid $host_uid); /app is read-only to it"

step "podman healthcheck run"
health=$(podman healthcheck run "$CONTAINER" 2>&1) || fail "unhealthy: $health"
pass "${health:-healthy}"

step "configuration from the environment (API key required)"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/models")
[ "$code" = 401 ] || fail "without a key /api/models answered $code, expected 401"
code=$(api GET /api/models)
[ "$code" = 200 ] || fail "with the key /api/models answered $code"
pass "401 without X-Api-Key, 200 with it"

step "upload samples/ai4i2020.csv"
code=$(api POST "/api/datasets?name=ai4i" -H 'Content-Type: text/csv' --data-binary "@$REPO/samples/ai4i2020.csv")
[[ $code == 20[01] ]] || fail "upload answered $code: $(head -c 400 "$work/body")"
dataset=$(jq -r .id "$work/body")
rows=$(jq -r .rowCount "$work/body")
pass "dataset $dataset, $rows rows"

step "train (Machine failure, 5 epochs)"
jq -n --arg dataset "$dataset" '{ datasetId: $dataset, target: "Machine failure", epochs: 5,
  exclude: ["UDI", "Product ID", "TWF", "HDF", "PWF", "OSF", "RNF"] }' > "$work/job.json"
code=$(api POST /api/training-jobs -H 'Content-Type: application/json' --data-binary "@$work/job.json")
[ "$code" = 202 ] || fail "queueing answered $code: $(head -c 400 "$work/body")"
job=$(jq -r .id "$work/body")
deadline=$(( SECONDS + TRAIN_TIMEOUT ))
while :; do
  code=$(api GET "/api/training-jobs/$job")
  [ "$code" = 200 ] || fail "job status answered $code"
  job_status=$(jq -r .status "$work/body")
  case $job_status in
    succeeded) break ;;
    failed|canceled) fail "the job $job_status: $(jq -r .error "$work/body")" ;;
  esac
  [ "$SECONDS" -lt "$deadline" ] || fail "the job is still $job_status after $TRAIN_TIMEOUT s"
  sleep 1
done
model=$(jq -r .modelId "$work/body")
pass "job $job succeeded: model $model"

record='{ "records": [ { "Type": "L", "Air temperature [K]": 302.5, "Process temperature [K]": 310.9,
  "Rotational speed [rpm]": 1290, "Torque [Nm]": 68.4, "Tool wear [min]": 210 } ] }'
predict() { # sets $probability
  code=$(api POST "/api/models/$model/predict" -H 'Content-Type: application/json' --data-binary "$record")
  [ "$code" = 200 ] || fail "predict answered $code: $(head -c 400 "$work/body")"
  probability=$(jq -r '.predictions[0].probability' "$work/body")
}

step "predict one record"
predict
before=$probability
[[ $before =~ ^[0-9.eE+-]+$ ]] || fail "no probability in $(head -c 400 "$work/body")"
pass "probability $before"

step "podman restart: the model survives in the volume"
quiet podman restart -t 30 "$CONTAINER" >/dev/null
wait_ready
predict
after=$probability
[ "$after" = "$before" ] || fail "after the restart the probability is $after, before it was $before"
pass "same probability $after"

step "a new container on the same volume serves the same model"
quiet podman rm -f -t 30 "$CONTAINER" >/dev/null
run_container
wait_ready
predict
again=$probability
[ "$again" = "$before" ] || fail "in a new container the probability is $again, before it was $before"
mountpoint=$(podman volume inspect --format '{{.Mountpoint}}' "$VOLUME")
owner=$(stat -c %u "$mountpoint/defects.db")
[ "$owner" = "$APP_UID" ] || fail "defects.db in the volume is owned by $owner"
pass "same probability $again; defects.db in the volume, owned by uid $owner"

step "stops cleanly"
quiet podman stop -t 30 "$CONTAINER" >/dev/null
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$CONTAINER")
[ "$exit_code" = 0 ] || fail "exit code $exit_code after SIGTERM"
pass "SIGTERM -> exit 0"
