#!/usr/bin/env bash
# Foundation benchmark: space enter/info through gateway + svc-space vs bare libmicrohttpd.
set -euo pipefail
cd "$(dirname "$0")"
ulimit -n 4096 2>/dev/null || true
exec /usr/bin/python3 foundation.py
