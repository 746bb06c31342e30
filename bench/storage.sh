#!/usr/bin/env bash
# Storage benchmark: upload throughput (MB/s) of 1 MB and 50 MB files through the gateway to
# svc-storage on the local backend, against raw disk write speed of the same bytes on the same
# file system (dd conv=fsync, since a stored blob is fsynced too), as a ratio. Also prints the
# peak RSS of gateway and svc-storage. Env: BENCH_STORAGE_SMALL_N (20), BENCH_STORAGE_BIG_N (3).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== storage"
exec /usr/bin/python3 bench/storage_bench.py
