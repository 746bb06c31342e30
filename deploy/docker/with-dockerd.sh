#!/usr/bin/env bash
# Runs a command with a Docker engine available: installs Debian's docker.io and
# docker-compose when missing, starts dockerd by hand when none answers (and stops it again
# afterwards, only the one it started), then runs "$@" and returns its status.
set -uo pipefail
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || need+=(docker-compose)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null \
    || { echo "with-dockerd: apt-get install ${need[*]} failed" >&2; exit 1; }
fi
started=
if ! docker info >/dev/null 2>&1; then
  log=/tmp/wormhole-dockerd.log
  echo "== starting dockerd (log $log)" >&2
  dockerd >"$log" 2>&1 &
  started=$!
  for _ in $(seq 1 100); do docker info >/dev/null 2>&1 && break; sleep 0.3; done
  if ! docker info >/dev/null 2>&1; then
    echo "with-dockerd: dockerd did not come up; retrying with --iptables=false" >&2
    kill "$started" 2>/dev/null; wait "$started" 2>/dev/null
    dockerd --iptables=false >>"$log" 2>&1 &
    started=$!
    for _ in $(seq 1 100); do docker info >/dev/null 2>&1 && break; sleep 0.3; done
    docker info >/dev/null 2>&1 || { tail -20 "$log" >&2; kill "$started"; exit 1; }
  fi
fi
"$@"
rc=$?
if [ -n "$started" ]; then
  kill -TERM "$started" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$started" 2>/dev/null || break; sleep 0.2; done
fi
exit $rc
