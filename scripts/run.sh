#!/usr/bin/env bash
# Runs the whole system on this machine: data under ./var, ipc:// sockets, gateway on
# 127.0.0.1:8000, dev login on. Ctrl-C (or SIGTERM) stops every process.
set -uo pipefail
cd "$(dirname "$0")/.."
export WORMHOLE_DATA_DIR="${WORMHOLE_DATA_DIR:-$PWD/var/data}"
export WORMHOLE_RUN_DIR="${WORMHOLE_RUN_DIR:-$PWD/var/run}"
export WORMHOLE_DEV_LOGIN="${WORMHOLE_DEV_LOGIN:-1}"
export AUTH_JWT_SECRET="${AUTH_JWT_SECRET:-wormhole-local-dev-secret}"
export GATEWAY_HOST="${GATEWAY_HOST:-127.0.0.1}" GATEWAY_PORT="${GATEWAY_PORT:-8000}"
mkdir -p "$WORMHOLE_DATA_DIR" "$WORMHOLE_RUN_DIR" var/log
pids=()
backends=()
for svc in space chat notes wallet storage; do
  [ -x build/bin/svc-$svc ] || continue
  backends+=("$svc")
  build/bin/svc-$svc 2>>var/log/svc-$svc.log & pids+=($!)
done
export GATEWAY_BACKENDS="$(IFS=,; echo "${backends[*]}")"
build/bin/gateway 2> >(tee -a var/log/gateway.log >&2) & pids+=($!)
stop() { kill -TERM "${pids[@]}" 2>/dev/null; wait; exit 0; }
trap stop INT TERM
echo "wormhole: gateway on http://$GATEWAY_HOST:$GATEWAY_PORT (logs in var/log); Ctrl-C stops" >&2
wait -n "${pids[@]}"; echo "a process exited; stopping the rest" >&2; stop
