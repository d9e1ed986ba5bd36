#!/usr/bin/env bash
# A sandbox for a newcomer without a cluster: builds (or reuses) the local control plane, starts it on
# loopback with minikube-sized fake nodes (kwok: pods are scheduled and reported Ready, no containers run),
# applies the dev stack's rendered objects, and prints the stack outputs.
#
#   npm run sandbox          up (idempotent), then prints KUBECONFIG to explore with kubectl
#   npm run sandbox -- down  tear it down
set -euo pipefail
cd "$(dirname "$0")/.."
export E2E_CLUSTER_DIR="${E2E_CLUSTER_DIR:-${TMPDIR:-/tmp}/llm-platform-sandbox}"
export E2E_PORT_BASE="${E2E_PORT_BASE:-26500}"

if [[ "${1:-up}" == "down" ]]; then
  tests/e2e/cluster.sh stop
  echo "sandbox: stopped and removed $E2E_CLUSTER_DIR"
  exit 0
fi

tests/e2e/toolchain.sh
# shellcheck disable=SC1091
source "$(tests/e2e/toolchain.sh --print-dir)/env.sh"
tests/e2e/cluster.sh start
eval "$(tests/e2e/cluster.sh env)"
tsc -p .
out="$E2E_CLUSTER_DIR/dev-manifests"
node bin/scripts/render.js dev "$out"
kubectl apply --server-side -f "$out/00-namespaces.yaml"
kubectl apply --server-side -f "$out/10-objects.yaml" >/dev/null
kubectl -n llmctl wait --for=condition=Available deployment --all --timeout=300s
kubectl get pods -A -o wide | grep -v kube-system
echo
echo "stack outputs (dev):"
cat "$out/outputs.json"
echo
echo "sandbox: up. Explore with: export KUBECONFIG=$KUBECONFIG   Tear down with: npm run sandbox -- down"
