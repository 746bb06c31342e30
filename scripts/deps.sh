#!/usr/bin/env bash
# Installs the Debian packages a step needs, only those missing. Usage: deps.sh build [test] [bench]
set -euo pipefail
declare -A sets=(
  [build]="build-essential pkg-config libnng-dev libmicrohttpd-dev libmsgpack-dev libwslay-dev libjansson-dev libsqlite3-dev libcurl4-openssl-dev libssl-dev libqrencode-dev libmagic-dev zlib1g-dev"
  [test]="python3 python3-pytest python3-websockets python3-requests curl procps gdb"
  [bench]="wrk"
)
want=()
for s in "$@"; do for p in ${sets[$s]}; do want+=("$p"); done; done
missing=()
# Node and npm (the S3 test server comes from npm) may already come from elsewhere than
# Debian (this machine image ships its own); ask Debian only when the commands are absent.
if [[ " $* " == *" test "* ]] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
  want+=(nodejs npm)
fi
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
