#!/usr/bin/env bash
# Runs every benchmark in bench/ (each prints req/s, p50/p99 and its ratio to hello-mhd).
set -uo pipefail
cd "$(dirname "$0")"
status=0
for b in *.sh; do
  [ "$b" = run.sh ] && continue
  bash "$b" || { echo "bench $b failed" >&2; status=1; }
done
exit $status
