#!/usr/bin/env bash
# Stops the compose stack (SIGTERM, 5 s grace). `scripts/compose-down.sh -v` also deletes
# the data volumes.
set -euo pipefail
cd "$(dirname "$0")/.."
docker-compose -f compose.yaml down --remove-orphans "$@"
