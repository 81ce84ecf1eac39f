#!/usr/bin/env bash
# One-record predict from outside, for two or more published builds alternating in one run, so machine noise falls on
# all of them alike. Each run is what ../shared/tools/serve-wrk.sh measures (fresh service and database, AI4I trained
# with defaults and deployed, 5 s of /health/live to warm up, then 10 s each of live, predict by id and predict through
# the deployment, wrk -t1 -c32), without the publish step. With CURVE=1 the by-id 10 s are read in 1 s windows, which
# shows how long the runtime takes to tier the predict path up (about 4 s on 2 cores).
# usage: dotnet publish src/DefectApi -c Release -o /tmp/a   (likewise /tmp/b from another worktree)
#        bench/serve-compare.sh ROUNDS /tmp/a /tmp/b ...
set -euo pipefail
rounds=$1; shift
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
splits=$(cd "$(dirname "$0")/../.." && pwd)/shared/datasets/splits
json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
rps() { wrk -t1 -c32 "$@" | awk '/Requests\/sec/{print int($2)}'; }

one() {
  local build=$1 dir port base pid ds job model status
  dir=$(mktemp -d)
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  base=http://127.0.0.1:$port
  (cd "$build" && exec env ASPNETCORE_URLS=$base ASPNETCORE_ENVIRONMENT=Production Auth__RequireKeys=false \
     ConnectionStrings__Defects="Data Source=$dir/defects.db" RateLimiting__PermitsPerSecond=10000000 \
     RateLimiting__Burst=10000000 dotnet DefectApi.dll) </dev/null >"$dir/service.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  ds=$(curl -fs -F name=ai4i -F file=@"$splits/ai4i2020.train.csv" "$base/api/datasets" | json '["id"]')
  job=$(curl -fs -H 'Content-Type: application/json' "$base/api/training-jobs" -d "{\"datasetId\":\"$ds\",
    \"target\":\"Machine failure\",\"exclude\":[\"UDI\",\"Product ID\",\"TWF\",\"HDF\",\"PWF\",\"OSF\",\"RNF\"]}" | json '["id"]')
  until status=$(curl -fs "$base/api/training-jobs/$job" | json '["status"]'); [ "$status" = succeeded ]; do
    case $status in failed|canceled) echo "training $status"; exit 1 ;; esac; sleep 0.5
  done
  model=$(curl -fs "$base/api/training-jobs/$job" | json '["modelId"]')
  curl -fs -X PUT -H 'Content-Type: application/json' "$base/api/deployments/speed" -d "{\"modelId\":\"$model\"}" >/dev/null
  cat >"$dir/post.lua" <<'L'
wrk.method = "POST"; wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"records":[{"Type":"M","Air temperature [K]":298.1,"Process temperature [K]":308.6,"Rotational speed [rpm]":1551,"Torque [Nm]":42.8,"Tool wear [min]":108}]}'
L
  rps -d5s "$base/health/live" >/dev/null
  local live byid curve="" deployment
  live=$(rps -d10s "$base/health/live")
  if [ "${CURVE:-0}" = 1 ]; then   # the same 10 s, read a second at a time; by_id is their mean
    for _ in $(seq 1 10); do curve="$curve $(rps -d1s -s "$dir/post.lua" "$base/api/models/$model/predict")"; done
    byid=$(echo "$curve" | awk '{s=0; for (i=1;i<=NF;i++) s+=$i; print int(s/NF)}')
  else
    byid=$(rps -d10s -s "$dir/post.lua" "$base/api/models/$model/predict")
  fi
  deployment=$(rps -d10s -s "$dir/post.lua" "$base/api/deployments/speed/predict")
  echo "$build live=$live by_id=$byid deployment=$deployment${curve:+ then_1s=[$curve ]}"
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$dir"
}

for round in $(seq 1 "$rounds"); do
  for build in "$@"; do one "$build"; done
done
