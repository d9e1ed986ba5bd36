#!/usr/bin/env bash
# Builds the offline end-to-end toolchain from Go modules (through the Go module proxy, with the `go` command) into a
# versioned cache directory OUTSIDE the repo:
#
#   ${LLM_PLATFORM_E2E_CACHE:-$HOME/.cache/llm-platform/e2e}/<toolchain key>/
#     bin/      kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok
#     share/kwok/stage/   kwok's stage configs, copied from the kwok module
#     share/crds/<versions>/  the CRDs the add-ons' charts install that the program's own objects use (Gateway API
#                         as bundled by Envoy Gateway, Envoy Gateway's own, cert-manager's, prometheus-operator's
#                         ServiceMonitor), copied from those projects' Go modules
#     src/ logs/ stamps/  scratch modules, build logs, "built and verified" stamps
#     env.sh              `source` it: PATH and KWOK_STAGE_DIR
#
# Idempotent and resumable: a component whose binaries exist, carry a stamp and answer `--version` with the expected
# version is skipped. Prints the time of each component and the total. Exits non-zero with a message on failure.
#
# Not built: the Pulumi CLI's provider plugins. The Go module proxy reachable here answers 403 ("This module version
# is not available") for github.com/pulumi/pulumi-kubernetes/provider/v4, github.com/pulumi/pulumi-random/provider/v4
# and the Node.js language host at every version, so `pulumi up` cannot be assembled from the package registries;
# the e2e tier therefore drives the real API server with the objects the program renders (see docs/testing.md).
#
# Usage: tests/e2e/toolchain.sh [--print-dir] [--only NAME[,NAME...]]    components: kubernetes etcd kwok crds
# Environment: LLM_PLATFORM_E2E_CACHE, E2E_TOOLCHAIN_NICE (default 15), E2E_GO_PARALLEL (go build -p, default 2).
set -Eeuo pipefail
shopt -s inherit_errexit
exec 3>&1 4>&2 # original stdout/stderr: build functions run with both redirected to their log

K8S_VERSION=v1.34.4                 # k8s.io/kubernetes; staging modules k8s.io/* at v0.34.4
ETCD_VERSION=v3.6.16                # go.etcd.io/etcd/server/v3 (wrapper main around etcdmain.Main)
KWOK_VERSION=v0.8.0                 # sigs.k8s.io/kwok
TOOLCHAIN_RECIPE=1                  # bump when the build recipe below changes in a way that changes outputs
# The CRDs of the edge add-ons, at the chart versions the program pins (envoyGatewayChartVersion and
# certManagerChartVersion defaults; tests/unit/docs.test.ts keeps them equal). Not part of the toolchain key:
# changing them only adds a CRD directory.
ENVOY_GATEWAY_VERSION=v1.9.1        # github.com/envoyproxy/gateway (bundles Gateway API v1.6.1, experimental channel)
CERT_MANAGER_VERSION=v1.21.2        # github.com/cert-manager/cert-manager
# github.com/prometheus-operator/prometheus-operator: ServiceMonitor (monitoring.coreos.com/v1, stable), the one
# kind of kube-prometheus-stack's CRDs the program creates itself.
PROMETHEUS_OPERATOR_VERSION=v0.85.0

K8S_STAGING_MODULES="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator kube-controller-manager
kube-proxy kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin
sample-controller"

versions_line="recipe=$TOOLCHAIN_RECIPE k8s=$K8S_VERSION etcd=$ETCD_VERSION kwok=$KWOK_VERSION \
go=$(go env GOVERSION 2>/dev/null || echo none)"
TOOLCHAIN_KEY="k8s${K8S_VERSION#v}-$(printf '%s' "$versions_line" | sha256sum | cut -c1-10)"
CACHE_ROOT="${LLM_PLATFORM_E2E_CACHE:-$HOME/.cache/llm-platform/e2e}"
TC="$CACHE_ROOT/$TOOLCHAIN_KEY"

if [[ "${1:-}" == "--print-dir" ]]; then
  echo "$TC"
  exit 0
fi
ONLY=""
if [[ "${1:-}" == "--only" ]]; then
  ONLY=",${2:?--only needs a comma-separated list},"
fi

die() { echo "toolchain.sh: ERROR: $*" >&4; exit 1; }
log() { echo "toolchain.sh: $*" >&3; }

command -v go >/dev/null || die "the go command is not on PATH (Go >= 1.26 is needed)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[[ "$go_minor" -ge 26 ]] || die "Go >= 1.26 needed (found $(go env GOVERSION)); kwok and etcd need go 1.26"

mkdir -p "$TC"/{bin,src,logs,stamps,share} "$CACHE_ROOT/go-build"
BIN="$TC/bin"

# Builds are CPU heavy and the machine is shared: lower our priority (children inherit it).
renice -n "${E2E_TOOLCHAIN_NICE:-15}" -p $$ >/dev/null 2>&1 || true

# Go environment for every build: no toolchain downloads, module mode that may update the scratch go.sum files,
# static binaries, an isolated build cache (so that "cold" means cold; shared by all toolchain keys).
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
export GOCACHE="$CACHE_ROOT/go-build"
GOP="-p ${E2E_GO_PARALLEL:-2}"

# Serialise concurrent runs on the same toolchain dir.
exec 9>"$TC/.lock"
if command -v flock >/dev/null; then
  flock -w 7200 9 || die "another toolchain.sh holds $TC/.lock"
fi

# ---------------------------------------------------------------------------------------------------------------------
declare -a SUMMARY=()
TOTAL_START=$(date +%s)
CURRENT_LOG=""

on_err() {
  local rc=$?
  # Only the main shell reports (subshells and command substitutions just pass their status up).
  if [[ "$BASHPID" == "$$" ]]; then
    echo "toolchain.sh: ERROR: a command failed (exit $rc) at line ${BASH_LINENO[0]}: ${BASH_COMMAND}" >&4
    if [[ -n "$CURRENT_LOG" && -f "$CURRENT_LOG" ]]; then
      echo "---- last 40 lines of $CURRENT_LOG ----" >&4
      tail -n 40 "$CURRENT_LOG" >&4
      echo "toolchain.sh: ERROR: building '${CURRENT_LOG##*/}' failed; full log: $CURRENT_LOG" >&4
    fi
  fi
  exit "$rc"
}
trap on_err ERR

fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# Stamp = expected version line + sha256 of each binary. A component is "verified" when every binary exists, matches
# the stamp and its version command prints the expected string.
stamp_file() { echo "$TC/stamps/$1.stamp"; }
write_stamp() {
  local name=$1 expect=$2; shift 2
  { echo "$expect"; for b in "$@"; do sha256sum "$BIN/$b"; done; } >"$(stamp_file "$name")"
}
stamp_ok() {
  local name=$1 expect=$2; shift 2
  local f; f=$(stamp_file "$name")
  [[ -f "$f" ]] || return 1
  [[ "$(head -n1 "$f")" == "$expect" ]] || return 1
  for b in "$@"; do [[ -x "$BIN/$b" ]] || return 1; done
  tail -n +2 "$f" | sha256sum -c --quiet >/dev/null 2>&1 || return 1
}

# run_component NAME EXPECT_STRING "BINARIES" build_fn verify_fn
run_component() {
  local name=$1 expect=$2 bins=$3 build_fn=$4 verify_fn=$5
  if [[ -n "$ONLY" && "$ONLY" != *",$name,"* ]]; then return 0; fi
  local start end
  start=$(date +%s)
  # shellcheck disable=SC2086
  if stamp_ok "$name" "$expect" $bins && "$verify_fn" >/dev/null 2>&1; then
    end=$(date +%s)
    SUMMARY+=("$(printf '%-20s %-9s %8s  %s' "$name" cached "$(fmt_secs $((end - start)))" "$expect")")
    log "$name: cached ($expect)"
    return 0
  fi
  CURRENT_LOG="$TC/logs/$name.log"
  log "$name: building ($expect), log: $CURRENT_LOG"
  : >"$CURRENT_LOG"
  "$build_fn" >>"$CURRENT_LOG" 2>&1 </dev/null
  local out
  if ! out=$("$verify_fn" 2>&1); then
    echo "$out" >&4
    die "$name: built, but the version check failed (expected $expect); see $CURRENT_LOG"
  fi
  echo "verify: $out" >>"$CURRENT_LOG"
  # shellcheck disable=SC2086
  write_stamp "$name" "$expect" $bins
  end=$(date +%s)
  SUMMARY+=("$(printf '%-20s %-9s %8s  %s' "$name" built "$(fmt_secs $((end - start)))" "$expect")")
  log "$name: built in $(fmt_secs $((end - start)))"
  CURRENT_LOG=""
}

# expect_output "CMD..." PATTERN: run CMD, print its output, fail unless it contains PATTERN (fixed string).
expect_output() {
  local pattern=${*: -1} out
  out=$("${@:1:$#-1}" 2>&1) || { echo "$out"; return 1; }
  echo "$out"
  grep -qF -- "$pattern" <<<"$out"
}

# ---------------------------------------------------------------------------------------------------------------------
# Kubernetes control plane: a scratch module requiring k8s.io/kubernetes and replacing every staging module (which
# k8s.io/kubernetes's own go.mod replaces with ./staging/src/... paths) by its published v0.<minor>.<patch>.
K8S_STAGING_VERSION="v0.${K8S_VERSION#v1.}"
K8S_MINOR=$(cut -d. -f2 <<<"$K8S_VERSION")
build_kubernetes() {
  local d="$TC/src/kubernetes"
  rm -rf "$d" && mkdir -p "$d"
  {
    echo "module llmplatform.local/e2e/kubernetes"
    echo
    echo "go 1.24.0"
    echo
    echo "godebug default=go1.24" # as k8s.io/kubernetes's own go.mod
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    for m in $K8S_STAGING_MODULES; do echo "replace k8s.io/$m => k8s.io/$m $K8S_STAGING_VERSION"; done
  } >"$d/go.mod"
  local build_date
  build_date=$(cd "$d" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
  local ld="-s -w"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$K8S_MINOR"
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
  done
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    local t0; t0=$(date +%s)
    (cd "$d" && go build $GOP -trimpath -ldflags "$ld" -o "$BIN/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd")
    mv -f "$BIN/$cmd.tmp" "$BIN/$cmd"
    echo "TIMING $cmd $(($(date +%s) - t0))s"
    log "  kubernetes/$cmd built in $(fmt_secs $(($(date +%s) - t0)))"
  done
}
verify_kubernetes() {
  expect_output "$BIN/kube-apiserver" --version "Kubernetes $K8S_VERSION" &&
    expect_output "$BIN/kube-controller-manager" --version "Kubernetes $K8S_VERSION" &&
    expect_output "$BIN/kube-scheduler" --version "Kubernetes $K8S_VERSION" &&
    expect_output "$BIN/kubectl" version --client "Client Version: $K8S_VERSION"
}

# etcd: go.etcd.io/etcd/server/v3 replaces its sibling modules with local paths, and the etcd main module
# (go.etcd.io/etcd/v3) is refused by the proxy: a wrapper main calling etcdmain.Main, as upstream's main.go does.
build_etcd() {
  local d="$TC/src/etcd"
  rm -rf "$d" && mkdir -p "$d"
  cat >"$d/go.mod" <<EOF
module llmplatform.local/e2e/etcd

go 1.26.0

require (
	go.etcd.io/etcd/server/v3 $ETCD_VERSION
	go.etcd.io/etcd/api/v3 $ETCD_VERSION
	go.etcd.io/etcd/client/pkg/v3 $ETCD_VERSION
	go.etcd.io/etcd/client/v3 $ETCD_VERSION
	go.etcd.io/etcd/pkg/v3 $ETCD_VERSION
)
EOF
  cat >"$d/main.go" <<'EOF'
// Command etcd: the upstream etcd main (go.etcd.io/etcd/v3's main.go) is a one-line call of etcdmain.Main.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  (cd "$d" && go build $GOP -trimpath \
    -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=go-module-$ETCD_VERSION" -o "$BIN/etcd.tmp" .)
  mv -f "$BIN/etcd.tmp" "$BIN/etcd"
}
verify_etcd() { expect_output "$BIN/etcd" --version "etcd Version: ${ETCD_VERSION#v}"; }

# kwok: no replaces; plus its stage configs (kustomize/stage/ in the module) for cluster.sh.
build_kwok() {
  local d="$TC/src/kwok"
  rm -rf "$d" && mkdir -p "$d"
  printf 'module llmplatform.local/e2e/kwok\n\ngo 1.26.0\n\nrequire sigs.k8s.io/kwok %s\n' "$KWOK_VERSION" >"$d/go.mod"
  (cd "$d" && go build $GOP -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$K8S_VERSION" \
    -o "$BIN/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok)
  mv -f "$BIN/kwok.tmp" "$BIN/kwok"
  local moddir
  moddir=$(cd "$d" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  rm -rf "$TC/share/kwok" && mkdir -p "$TC/share/kwok"
  cp -r "$moddir/kustomize/stage" "$TC/share/kwok/stage"
  chmod -R u+w "$TC/share/kwok"
  find "$TC/share/kwok/stage" \( -name testdata -o -name '*.go' \) -prune -exec rm -rf {} +
}
verify_kwok() {
  expect_output "$BIN/kwok" --version "$KWOK_VERSION" &&
    test -f "$TC/share/kwok/stage/pod/fast/pod-ready.yaml" &&
    test -f "$TC/share/kwok/stage/volume/fast/pvc-provision.yaml"
}

# The edge CRDs: plain YAML files shipped in the projects' Go modules (the same files their Helm charts install),
# downloaded with `go mod download` through the module proxy. Nothing is generated or edited here.
CRD_DIR="$TC/share/crds/eg-$ENVOY_GATEWAY_VERSION-cm-$CERT_MANAGER_VERSION-po-$PROMETHEUS_OPERATOR_VERSION"
fetch_crds() {
  if [[ -f "$CRD_DIR/.complete" ]]; then
    SUMMARY+=("$(printf '%-20s %-9s %8s  %s' crds cached 0m00s "envoy-gateway $ENVOY_GATEWAY_VERSION, cert-manager $CERT_MANAGER_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION")")
    return 0
  fi
  local start; start=$(date +%s)
  CURRENT_LOG="$TC/logs/crds.log"
  : >"$CURRENT_LOG"
  local eg cm po
  eg=$(go mod download -json "github.com/envoyproxy/gateway@$ENVOY_GATEWAY_VERSION" 2>>"$CURRENT_LOG" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  cm=$(go mod download -json "github.com/cert-manager/cert-manager@$CERT_MANAGER_VERSION" 2>>"$CURRENT_LOG" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  po=$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" 2>>"$CURRENT_LOG" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$eg" && -d "$cm" && -d "$po" ]] || die "crds: could not download the Envoy Gateway, cert-manager or prometheus-operator module (see $CURRENT_LOG)"
  rm -rf "$CRD_DIR" && mkdir -p "$CRD_DIR"/{gateway-api,envoy-gateway,cert-manager,prometheus-operator}
  cp "$eg/charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml" "$CRD_DIR/gateway-api/"
  cp "$eg"/charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_*.yaml "$CRD_DIR/envoy-gateway/"
  cp "$cm"/deploy/crds/*cert-manager.io_*.yaml "$CRD_DIR/cert-manager/"
  cp "$po/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" "$CRD_DIR/prometheus-operator/"
  chmod -R u+w "$CRD_DIR"
  touch "$CRD_DIR/.complete"
  CURRENT_LOG=""
  SUMMARY+=("$(printf '%-20s %-9s %8s  %s' crds fetched "$(fmt_secs $(($(date +%s) - start)))" "envoy-gateway $ENVOY_GATEWAY_VERSION, cert-manager $CERT_MANAGER_VERSION, prometheus-operator $PROMETHEUS_OPERATOR_VERSION")")
  log "crds: $(find "$CRD_DIR" -name '*.yaml' | wc -l) files in $CRD_DIR"
}

write_env() {
  cat >"$TC/env.sh.tmp" <<EOF
# Generated by tests/e2e/toolchain.sh ($versions_line)
export LLM_PLATFORM_E2E_TOOLCHAIN='$TC'
case ":\$PATH:" in *":$BIN:"*) ;; *) export PATH='$BIN':"\$PATH" ;; esac
export KWOK_STAGE_DIR='$TC/share/kwok/stage'
export E2E_K8S_VERSION='$K8S_VERSION'
export E2E_CRD_DIR='$CRD_DIR'
EOF
  mv -f "$TC/env.sh.tmp" "$TC/env.sh"
}

# ---------------------------------------------------------------------------------------------------------------------
log "toolchain dir: $TC"
log "$versions_line"
run_component kubernetes "kubernetes $K8S_VERSION" "kube-apiserver kube-controller-manager kube-scheduler kubectl" \
  build_kubernetes verify_kubernetes
run_component etcd "etcd $ETCD_VERSION" "etcd" build_etcd verify_etcd
run_component kwok "kwok $KWOK_VERSION" "kwok" build_kwok verify_kwok
if [[ -z "$ONLY" || "$ONLY" == *",crds,"* ]]; then fetch_crds; fi
write_env

TOTAL_END=$(date +%s)
echo
echo "component            status       time  version"
printf '%s\n' "${SUMMARY[@]}"
echo "total: $(fmt_secs $((TOTAL_END - TOTAL_START)))"
echo "env file: $TC/env.sh   (source it)"
