#!/usr/bin/env bash
# Builds one image per process, FROM scratch, no registry: wormhole/<process>:local.
#
# Each image holds exactly: the stripped binary (/app/<process>), the wh-probe helper
# (/app/wh-probe: entrypoint wrapper + healthcheck), the shared libraries both need (ldd)
# plus the dynamic loader, /etc/passwd + /etc/group with the non-root user wormhole (10001),
# the CA bundle when the binary links libcurl, libmagic's magic.mgc when it links libmagic,
# and an empty /data owned by 10001 (the volume mount point).
#
# Usage: deploy/docker/build-images.sh [process...]   (default: every binary in build/bin)
# Env:   TAG (default local), BIN (default build/bin), KEEP_CONTEXT=1 keeps the contexts.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${BIN:-$ROOT/build/bin}
TAG=${TAG:-local}
export DOCKER_BUILDKIT=0        # the classic builder: no buildx plugin, no registry lookups
ALL=(svc-space svc-chat svc-notes svc-wallet svc-storage gateway)
procs=("$@")
if [ ${#procs[@]} -eq 0 ]; then
  for p in "${ALL[@]}"; do [ -x "$BIN/$p" ] && procs+=("$p"); done
fi
[ ${#procs[@]} -gt 0 ] || { echo "build-images: no binaries in $BIN (run make)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/wormhole-images.XXXXXX)
[ "${KEEP_CONTEXT:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT

# The probe is linked against the same libnng as the services (dynamic: it adds ~20 KB).
cc -O2 -Wall -Wextra -Werror -o "$WORK/wh-probe" deploy/docker/wh-probe.c -lnng
strip "$WORK/wh-probe"

# Where a service binds: the wrapper rewrites these lists' own item to 0.0.0.0 (WH_BIND_ANY).
binds_of() {
  case "$1" in
    svc-space) echo "SPACE_RPC_URL SPACE_BUS_URL" ;;
    svc-chat) echo "CHAT_RPC_URL CHAT_EVENTS_URL" ;;
    svc-notes) echo "NOTES_RPC_URL" ;;
    svc-wallet) echo "WALLET_RPC_URL" ;;
    svc-storage) echo "STORAGE_RPC_URL" ;;
    *) echo "" ;;
  esac
}

copy_lib() {   # copy a file keeping its path, following symlinks to real content
  local src=$1 root=$2
  mkdir -p "$root$(dirname "$src")"
  cp -L "$src" "$root$src"
}

for p in "${procs[@]}"; do
  [ -x "$BIN/$p" ] || { echo "build-images: $BIN/$p missing" >&2; exit 1; }
  ctx="$WORK/$p"; root="$ctx/rootfs"
  mkdir -p "$root/app" "$root/etc" "$ctx/data" "$root/tmp"
  cp "$BIN/$p" "$root/app/$p"; strip --strip-unneeded "$root/app/$p"
  cp "$WORK/wh-probe" "$root/app/wh-probe"
  libs=$( (ldd "$BIN/$p"; ldd "$WORK/wh-probe") | awk '/=> \//{print $3} /^\s*\/.*ld-linux/{print $1}' | sort -u)
  for l in $libs; do copy_lib "$l" "$root"; done
  # the loader under the path the ELF interpreter names
  interp=$(readelf -l "$BIN/$p" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
  copy_lib "$interp" "$root"
  printf 'root:x:0:0:root:/:/sbin/nologin\nwormhole:x:10001:10001:wormhole:/data:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nwormhole:x:10001:\n' >"$root/etc/group"
  # glibc >= 2.34 has files+dns built in; say so explicitly for hosts lookups
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  if echo "$libs" | grep -q libcurl; then
    mkdir -p "$root/etc/ssl/certs"; cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  fi
  if echo "$libs" | grep -q libmagic; then
    # libmagic's default is /usr/share/misc/magic(.mgc), on Debian a link to
    # /usr/lib/file/magic.mgc: copy the database once, keep the link
    copy_lib /usr/lib/file/magic.mgc "$root"
    mkdir -p "$root/usr/share/misc"; ln -sf ../../lib/file/magic.mgc "$root/usr/share/misc/magic.mgc"
  fi
  chmod 1777 "$root/tmp"

  entry="\"/app/wh-probe\", \"exec\""
  for v in $(binds_of "$p"); do entry="$entry, \"--bind\", \"$v\""; done
  entry="$entry, \"--\", \"/app/$p\""
  if [ "$p" = gateway ]; then
    health='"/app/wh-probe", "http", "127.0.0.1:8000", "/readyz"'
    expose=8000
  else
    name=$(echo "${p#svc-}" | tr a-z A-Z)
    health="\"/app/wh-probe\", \"svc\", \"$name\""
    expose=""
  fi
  cat >"$ctx/Dockerfile" <<EOF
FROM scratch
COPY rootfs/ /
COPY --chown=10001:10001 data/ /data/
ENV WORMHOLE_DATA_DIR=/data WORMHOLE_RUN_DIR=/tmp WH_BIND_ANY=1 GATEWAY_HOST=0.0.0.0 GATEWAY_PORT=8000
USER 10001:10001
WORKDIR /data
VOLUME /data
${expose:+EXPOSE $expose}
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 CMD [$health]
ENTRYPOINT [$entry]
LABEL org.opencontainers.image.title="wormhole $p" org.opencontainers.image.source="wormhole backend"
EOF
  echo "== wormhole/$p:$TAG" >&2
  if ! docker build -t "wormhole/$p:$TAG" "$ctx" >"$WORK/$p.build.log" 2>&1; then
    cat "$WORK/$p.build.log" >&2; echo "build-images: docker build $p failed" >&2; exit 1
  fi
  docker image inspect -f '{{.Size}}' "wormhole/$p:$TAG" | awk -v p="$p" '{printf "%-12s %6.1f MB\n", p, $1/1e6}'
done
