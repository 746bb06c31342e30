#!/usr/bin/env bash
# Notes/feed benchmark: feed list (50 posts x 5 comments x 5 likes) and notes list.
set -euo pipefail
cd "$(dirname "$0")"
ulimit -n 4096 2>/dev/null || true
exec /usr/bin/python3 notes.py
