#!/usr/bin/env bash
# Unit tests (C), then black-box tests (real daemons, real HTTP/WebSocket) with pytest.
# tests/setup.d/*.sh prepare extra test dependencies (e.g. the S3 server from npm).
set -euo pipefail
cd "$(dirname "$0")/.."
for f in tests/setup.d/*.sh; do [ -e "$f" ] && bash "$f"; done
echo "== unit tests"
build/bin/unit-tests
echo "== black-box tests"
# Debian's python3 has pytest/requests/websockets; the python3 first on PATH may not.
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/blackbox "$@"
