#!/usr/bin/env bash
# Compose smoke test: builds the images, brings the stack up (compose.yaml), waits until the
# gateway is ready on 127.0.0.1, runs the black-box flow (smoke_flow.py), measures how fast
# each container stops on SIGTERM, and tears everything down (docker-compose down -v).
#
# Needs a running Docker engine and docker-compose (deploy/compose.mk's test-compose target
# installs and starts them). Every missing piece is a failure with its name, never a skip.
# Env: SMOKE_PORT (default 8000, another free port if 8000 is taken), SMOKE_PROJECT
#      (default whsmoke), SMOKE_PARTIAL=1 (bring up only the services whose binaries exist
#      and check health + stop; still exits 1 because the flow did not run),
#      SMOKE_STOP_LIMIT (default 1.0 s: a slower or non-zero-exit stop fails the test).
set -uo pipefail
cd "$(dirname "$0")/../.."
PROJECT=${SMOKE_PROJECT:-whsmoke}
PY=/usr/bin/python3
ALL=(svc-space svc-chat svc-notes svc-wallet svc-storage gateway)
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }

command -v docker >/dev/null || fail "docker client missing (apt-get install docker.io)"
# docker-compose v1 (Debian's package) or the v2 plugin
if command -v docker-compose >/dev/null; then DCB=(docker-compose)
elif docker compose version >/dev/null 2>&1; then DCB=(docker compose)
else fail "docker-compose missing (apt-get install docker-compose)"; fi
docker info >/dev/null 2>&1 || fail "no Docker engine answers (start dockerd)"

missing=(); present=()
for p in "${ALL[@]}"; do
  if [ -x "build/bin/$p" ]; then present+=("$p"); else missing+=("$p"); fi
done
if [ ${#missing[@]} -gt 0 ] && [ "${SMOKE_PARTIAL:-0}" != 1 ]; then
  fail "binaries not built: ${missing[*]} (run make; SMOKE_PARTIAL=1 checks the rest)"
fi

echo "== building images: ${present[*]}"
deploy/docker/build-images.sh "${present[@]}" | tee /tmp/wormhole-image-sizes.txt \
  || fail "image build"

port=${SMOKE_PORT:-8000}
if $PY -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',$port))" 2>/dev/null; then :
else
  port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
  echo "== 127.0.0.1:${SMOKE_PORT:-8000} is taken here; publishing the gateway on 127.0.0.1:$port"
fi
export GATEWAY_PUBLISH_PORT=$port
export AUTH_JWT_SECRET=smoke-secret-$RANDOM$RANDOM WORMHOLE_DEV_LOGIN=1
export RATE_LOGIN_PER_MIN=100000 RATE_JOIN_PER_MIN=100000
DC=("${DCB[@]}" -p "$PROJECT" -f compose.yaml)
STOP_LIMIT=${SMOKE_STOP_LIMIT:-1.0}   # seconds from the stop request to the process's exit

down() {
  if [ "${status:-1}" != 0 ]; then
    echo "== container logs (last 20 lines each)"; "${DC[@]}" logs --no-color --tail=20 2>&1 | tail -150
  fi
  "${DC[@]}" down -v --remove-orphans >/dev/null 2>&1
}
trap down EXIT
"${DC[@]}" down -v --remove-orphans >/dev/null 2>&1   # leftovers of an interrupted run

services=(); for p in "${present[@]}"; do services+=("$p"); done
t0=$(now)
if [ ${#missing[@]} -gt 0 ]; then
  # partial: the gateway's depends_on names every service, so start it without them
  others=(); for s in "${services[@]}"; do [ "$s" = gateway ] || others+=("$s"); done
  export GATEWAY_BACKENDS=$(printf '%s\n' "${others[@]}" | sed 's/^svc-//' | paste -sd,)
  [ ${#others[@]} -eq 0 ] || "${DC[@]}" up -d --no-build "${others[@]}" || fail "docker-compose up"
  if [[ " ${services[*]} " == *" gateway "* ]]; then
    "${DC[@]}" up -d --no-build --no-deps gateway || fail "docker-compose up gateway"
  fi
else
  "${DC[@]}" up -d --no-build || fail "docker-compose up"
fi

# ready = every started container healthy (and, with the gateway, /readyz 200 from the host)
declare -A cid_of                  # one docker-compose call (each costs ~1 s with v1)
for c in $("${DC[@]}" ps -q); do
  cid_of[$(docker inspect -f '{{index .Config.Labels "com.docker.compose.service"}}' "$c")]=$c
done
deadline=$(( $(date +%s) + 90 ))
while :; do
  unhealthy=()
  for s in "${services[@]}"; do
    st=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "${cid_of[$s]:-none}" 2>/dev/null)
    [ "$st" = healthy ] || unhealthy+=("$s:${st:-absent}")
  done
  ready=0
  if [ ${#unhealthy[@]} -eq 0 ]; then
    if [[ " ${services[*]} " == *" gateway "* ]]; then
      code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/readyz" 2>/dev/null \
             || $PY -c "import requests;print(requests.get('http://127.0.0.1:$port/readyz',timeout=2).status_code)" 2>/dev/null)
      [ "$code" = 200 ] && ready=1 || unhealthy+=("gateway:/readyz=$code")
    else
      ready=1
    fi
  fi
  [ $ready = 1 ] && break
  [ "$(date +%s)" -lt $deadline ] || fail "not ready after 90 s: ${unhealthy[*]}"
  sleep 0.1
done
t_ready=$(secs "$t0" "$(now)")
echo "== stack ready in ${t_ready}s (docker-compose up -> all healthy)"

flow=1
if [[ " ${services[*]} " == *" gateway "* ]] && [[ " ${services[*]} " == *" svc-space "* ]]; then
  echo "== smoke flow against http://127.0.0.1:$port"
  SMOKE_SERVICES=$(IFS=,; echo "${services[*]}") \
    $PY tests/compose/smoke_flow.py "http://127.0.0.1:$port" "$PROJECT" && flow=0
else
  echo "SMOKE FLOW NOT RUN: binaries missing: ${missing[*]}"
fi
[ ${#missing[@]} -eq 0 ] || { flow=1; echo "SMOKE INCOMPLETE: binaries missing: ${missing[*]}"; }

echo "== stop on SIGTERM (docker stop -t 5; exit 0 = clean, 137 = killed after the grace)"
stopbad=()
for s in gateway svc-storage svc-wallet svc-notes svc-chat svc-space; do
  [[ " ${services[*]} " == *" $s "* ]] || continue
  cid=${cid_of[$s]}
  t1=$(now); docker stop -t 5 "$cid" >/dev/null; t2=$(now)
  rc=$(docker inspect -f '{{.State.ExitCode}}' "$cid")
  # from the stop request to the process's exit as the engine recorded it (State.FinishedAt);
  # the wall time of `docker stop` adds the engine's own clean-up after the exit
  fin=$(date -d "$(docker inspect -f '{{.State.FinishedAt}}' "$cid")" +%s.%N)
  dt=$(secs "$t1" "$fin")
  echo "stop $s: ${dt}s to exit (docker stop returned after $(secs "$t1" "$t2")s), exit $rc"
  if [ "$rc" != 0 ] || awk -v d="$dt" -v l="$STOP_LIMIT" 'BEGIN{exit !(d > l)}'; then stopbad+=("$s(${dt}s,exit $rc)"); fi
done
echo "== image sizes"; cat /tmp/wormhole-image-sizes.txt
[ ${#stopbad[@]} -eq 0 ] || echo "SLOW OR UNCLEAN STOP: ${stopbad[*]}"
status=1
if [ $flow = 0 ] && [ ${#stopbad[@]} -eq 0 ]; then status=0; echo "compose-smoke: 1 passed, 0 failed"
else echo "compose-smoke: 0 passed, 1 failed"; fi
exit $status
