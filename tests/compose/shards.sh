#!/usr/bin/env bash
# Compose with two shards each of chat and notes (deploy/compose.shards.yaml): brings the stack
# up, runs shards_flow.py (spaces on both shard containers, purge on both), tears it down.
# Needs the images (deploy/docker/build-images.sh) and a Docker engine. SMOKE_PARTIAL=1 starts
# the gateway without the services whose images are missing (the flow needs only
# space, chat, notes and the gateway).
set -uo pipefail
cd "$(dirname "$0")/../.."
PROJECT=${SMOKE_PROJECT:-whshards}
fail() { echo "SHARDS FAILED: $*" >&2; exit 1; }
if command -v docker-compose >/dev/null; then DCB=(docker-compose); else DCB=(docker compose); fi
export SMOKE_COMPOSE_FILES=compose.yaml:deploy/compose.shards.yaml
DC=("${DCB[@]}" -p "$PROJECT" -f compose.yaml -f deploy/compose.shards.yaml)
port=$(/usr/bin/python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
export GATEWAY_PUBLISH_PORT=$port AUTH_JWT_SECRET=shards-$RANDOM$RANDOM WORMHOLE_DEV_LOGIN=1
export RATE_LOGIN_PER_MIN=100000 RATE_JOIN_PER_MIN=100000
for img in svc-space svc-chat svc-notes gateway; do
  docker image inspect "wormhole/$img:local" >/dev/null 2>&1 || fail "image wormhole/$img:local missing (deploy/docker/build-images.sh)"
done
status=1
trap '[ $status = 0 ] || "${DC[@]}" logs --no-color --tail=15 2>&1 | tail -80; "${DC[@]}" down -v --remove-orphans >/dev/null 2>&1' EXIT
if [ "${SMOKE_PARTIAL:-0}" = 1 ]; then
  svcs=(svc-space svc-chat svc-chat-1 svc-notes svc-notes-1)
  for s in svc-wallet svc-storage; do docker image inspect "wormhole/$s:local" >/dev/null 2>&1 && svcs+=("$s"); done
  export GATEWAY_BACKENDS=$(printf '%s\n' "${svcs[@]}" | sed 's/^svc-//; /-1$/d' | paste -sd,)
  "${DC[@]}" up -d "${svcs[@]}" || fail "up"
  "${DC[@]}" up -d --no-deps gateway || fail "up gateway"
else
  "${DC[@]}" up -d || fail "up"
fi
for _ in $(seq 1 300); do
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/readyz" 2>/dev/null \
         || /usr/bin/python3 -c "import requests;print(requests.get('http://127.0.0.1:$port/readyz',timeout=2).status_code)" 2>/dev/null)
  [ "$code" = 200 ] && break
  sleep 0.2
done
/usr/bin/python3 tests/compose/shards_flow.py "http://127.0.0.1:$port" "$PROJECT" && status=0
[ $status = 0 ] && echo "compose-shards: 1 passed, 0 failed" || echo "compose-shards: 0 passed, 1 failed"
exit $status
