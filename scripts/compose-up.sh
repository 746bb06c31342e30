#!/usr/bin/env bash
# Builds the binaries and images, then starts the compose stack and waits until every
# container is healthy. Extra arguments go to docker-compose (e.g. -f deploy/compose.shards.yaml
# must come first: scripts/compose-up.sh -f compose.yaml -f deploy/compose.shards.yaml).
# Needs .env (cp .env.example .env) or AUTH_JWT_SECRET in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory all >/dev/null
deploy/docker/build-images.sh
files=("$@"); [ ${#files[@]} -gt 0 ] || files=(-f compose.yaml)
docker-compose "${files[@]}" up -d
t0=$(date +%s)
while :; do
  ids=$(docker-compose "${files[@]}" ps -q)
  bad=$(for c in $ids; do docker inspect -f '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$c"; done | grep -v ' healthy$' || true)
  [ -z "$bad" ] && break
  [ $(( $(date +%s) - t0 )) -lt 90 ] || { echo "not healthy after 90 s:"; echo "$bad"; exit 1; }
  sleep 0.5
done
echo "wormhole: all containers healthy; gateway on http://127.0.0.1:${GATEWAY_PUBLISH_PORT:-8000}"
