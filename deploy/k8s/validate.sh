#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests (no cluster needed):
#   1. kubectl kustomize renders the base (deploy/k8s) and every overlay;
#   2. tools/validate.mjs checks every rendered object against the API schema
#      (kubernetes-models), rejects unknown fields (@kubernetes/client-node's models) and
#      checks the house rules (probes, resources, read-only root, non-root, shards agree);
#   3. the same validator must reject tools/broken.yaml (it can fail).
# Installs Debian's kubectl and the pinned npm packages (tools/package-lock.json) if missing.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d /tmp/wormhole-k8s.XXXXXX); trap 'rm -rf "$out"' EXIT
if ! command -v kubectl >/dev/null; then
  echo "== installing kubectl (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubectl >/dev/null; } \
    || { echo "validate: kubectl not installable; cannot render kustomize" >&2; exit 1; }
fi
if [ ! -d tools/node_modules/kubernetes-models ] || [ ! -d tools/node_modules/@kubernetes/client-node ]; then
  echo "== npm ci (deploy/k8s/tools)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
files=()
kubectl kustomize . >"$out/base.yaml"; files+=("$out/base.yaml")
echo "ok   kubectl kustomize deploy/k8s ($(grep -c '^kind:' "$out/base.yaml") objects)"
for o in overlays/*/; do
  n=$(basename "$o")
  kubectl kustomize "$o" >"$out/$n.yaml"; files+=("$out/$n.yaml")
  echo "ok   kubectl kustomize deploy/k8s/overlays/$n ($(grep -c '^kind:' "$out/$n.yaml") objects)"
done
node tools/validate.mjs "${files[@]}"
if node tools/validate.mjs tools/broken.yaml >"$out/broken.txt"; then
  echo "FAIL validator accepted tools/broken.yaml" >&2; exit 1
fi
for want in "unknown field" "must be integer" "replicas 2" "no livenessProbe"; do
  grep -q "$want" "$out/broken.txt" || { echo "FAIL validator missed: $want" >&2; cat "$out/broken.txt"; exit 1; }
done
echo "ok   validator rejects tools/broken.yaml ($(grep -c '^FAIL' "$out/broken.txt") problems found)"
echo "k8s: 1 passed, 0 failed"
