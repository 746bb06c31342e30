#!/usr/bin/env bash
# A real S3-compatible server for svc-storage's black-box tests: s3rver from npm, installed
# into tests/s3 from the committed package.json + package-lock.json. Skipped when present.
set -euo pipefail
cd "$(dirname "$0")/../s3"
if [ -x node_modules/.bin/s3rver ]; then exit 0; fi
if ! command -v npm >/dev/null; then
  echo "s3.sh: npm missing (scripts/deps.sh test installs nodejs npm); S3 tests will skip" >&2
  exit 0
fi
npm ci --no-audit --no-fund --silent
