#!/usr/bin/env bash
# Chat benchmark: send and history throughput at 64 connections (wrk), WebSocket fan-out
# latency to 100 sockets, ratios against bare libmicrohttpd (hello-mhd). Env knobs:
# BENCH_DURATION (8s), BENCH_CONNECTIONS (64), BENCH_SOCKETS (100), BENCH_FANOUT_MESSAGES (50).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench
cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o build/bench/chat_fanout bench/chat_fanout.c
ulimit -n 4096 2>/dev/null || true
cd bench && exec /usr/bin/python3 chat_bench.py
