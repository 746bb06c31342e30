#!/usr/bin/env bash
# Wallet benchmark: recharge throughput, contended (one space) and spread (64 spaces).
set -euo pipefail
cd "$(dirname "$0")"
ulimit -n 4096 2>/dev/null || true
exec /usr/bin/python3 wallet.py
