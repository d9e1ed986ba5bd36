#!/usr/bin/env bash
# Security and quality gate over the Kubernetes manifests both stacks render (the objects the program registers
# itself: 00-namespaces.yaml and 10-objects.yaml of `npm run render`; the Helm charts' objects are not rendered
# without the Pulumi engine, so they are not scanned). Three tools, each over each stack:
#
#   kube-score   (Go module github.com/zegl/kube-score)      reliability and security checks on workloads
#   kubeconform  (Go module github.com/yannh/kubeconform)    strict schema validation against Kubernetes 1.34
#                                                            and the CRDs of the edge add-ons
#   checkov      (PyPI package checkov, kubernetes framework) CIS-style security checks (CKV_K8S_*)
#
# Every finding is normalised to `tool check object` (object: Kind/namespace/name, or Kind/name when cluster-scoped),
# matched against the waivers in scripts/scan/waivers.yaml (each one needs a reason; one that matches nothing is stale
# and fails), and summed up per tool and stack. Exit status: 0 when nothing is left unwaived, 1 otherwise.
#
# Tools are installed by this script from the package registries only, at pinned versions, into a versioned cache
# directory OUTSIDE the repo, and reused when present and verified:
#
#   ${LLM_PLATFORM_SCAN_CACHE:-$HOME/.cache/llm-platform/scan}/<versions key>/
#     bin/kube-score, bin/kubeconform   `go install` through the Go module proxy (GOBIN here)
#     venv/                             python3 venv with checkov and its pinned dependency set
#                                       (scripts/scan/checkov-requirements.txt), wheels only
#     schemas/k8s-<version>/            kubeconform schemas of the built-in kinds, converted from
#                                       api/openapi-spec/swagger.json of the Go module k8s.io/kubernetes at the
#                                       release the e2e tier runs (kubeconform's default download from GitHub is not
#                                       reachable; no registry package ships 1.34 "standalone-strict" schemas:
#                                       see scripts/scan/README.md)
#     schemas/crds/<crd set>/           kubeconform schemas of the custom kinds, converted from the CRDs that
#                                       tests/e2e/toolchain.sh copies out of the Envoy Gateway and cert-manager Go
#                                       modules (`--only crds`), so they follow the chart versions the program pins
#     stamps/ logs/                     "installed and verified" stamps, install logs
#   ${LLM_PLATFORM_SCAN_CACHE:-...}/go-build   the Go build cache of these installs (shared by all keys)
#
# Usage: scripts/scan.sh
# Environment:
#   SCAN=never                 skip the scan (prints that it did)
#   SCAN_OUT=DIR               where renders, tool output and findings.tsv go (default: a new temporary directory)
#   LLM_PLATFORM_SCAN_CACHE    the cache root above
# shellcheck disable=SC2317 # functions run through timed/run_tool look unreachable to shellcheck
set -Eeuo pipefail
shopt -s inherit_errexit

# Pinned versions. Changing one (or the Go/Python version, or the checkov requirements file) makes a new cache key.
KUBE_SCORE_VERSION=v1.20.0     # github.com/zegl/kube-score
KUBECONFORM_VERSION=v0.8.0     # github.com/yannh/kubeconform
CHECKOV_VERSION=3.3.30         # PyPI checkov; its dependency closure: scripts/scan/checkov-requirements.txt
K8S_SCHEMA_VERSION=v1.34.4     # Go module k8s.io/kubernetes (its api/openapi-spec/swagger.json); = the e2e release
SCAN_RECIPE=1                  # bump when the install or conversion recipe changes its outputs

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCAN_DIR="$ROOT/scripts/scan"
WAIVERS="$SCAN_DIR/waivers.yaml"
STACKS=(dev prod)

die() { echo "scan.sh: ERROR: $*" >&2; exit 1; }
log() { echo "scan.sh: $*"; }
now() { date +%s; }
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
trap 'rc=$?; [[ "$BASHPID" == "$$" ]] && echo "scan.sh: ERROR: exit $rc at line $LINENO: $BASH_COMMAND" >&2; exit $rc' ERR

if [[ "${SCAN:-}" == "never" ]]; then
  echo "scan.sh: skipped (SCAN=never)"
  exit 0
fi

command -v go >/dev/null || die "the go command is not on PATH (kube-score and kubeconform are built with it)"
command -v python3 >/dev/null || die "python3 is not on PATH (checkov runs in a venv of it)"
python3 -c 'import venv, ensurepip' 2>/dev/null || die "python3 has no venv/ensurepip module"
[[ -x "$ROOT/node_modules/.bin/tsc" ]] || die "node_modules is missing: run npm ci first"
# The project's own Node and TypeScript, as under `npm run` (scripts/test.sh expects Node 22 the same way).
export PATH="$ROOT/node_modules/.bin:$PATH"
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in scripts/scan/

PY_VERSION=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
versions_line="recipe=$SCAN_RECIPE kube-score=$KUBE_SCORE_VERSION kubeconform=$KUBECONFORM_VERSION \
checkov=$CHECKOV_VERSION k8s-schemas=$K8S_SCHEMA_VERSION go=$(go env GOVERSION) python=$PY_VERSION \
requirements=$(sha256sum "$SCAN_DIR/checkov-requirements.txt" | cut -c1-12) \
converter=$(sha256sum "$SCAN_DIR/k8s_schemas.py" | cut -c1-12)"
CACHE_ROOT="${LLM_PLATFORM_SCAN_CACHE:-$HOME/.cache/llm-platform/scan}"
CACHE="$CACHE_ROOT/$(printf '%s' "$versions_line" | sha256sum | cut -c1-12)"
BIN="$CACHE/bin"
VENV="$CACHE/venv"
mkdir -p "$BIN" "$CACHE/stamps" "$CACHE/logs" "$CACHE/schemas" "$CACHE_ROOT/go-build"
# Two scans at once on one cache: the second waits until the first is done with it.
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null; then flock -w 1800 9 || die "another scan.sh holds $CACHE/.lock"; fi

# Go builds: no toolchain download, static binaries, our own build cache; the module cache is the user's (shared
# with the e2e toolchain). The checksum database is consulted as usual.
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-trimpath" GOCACHE="$CACHE_ROOT/go-build"

TIMINGS=()
timed() { # timed LABEL CMD...: runs CMD, records "LABEL  time" for the summary
  local label=$1 start; shift
  start=$(now)
  "$@"
  TIMINGS+=("$(printf '%-34s %8s' "$label" "$(fmt_secs $(($(now) - start)))")")
}

# ---------------------------------------------------------------------------------------------------------------------
# Tools. A component is reused when its stamp (the expected version line) exists and its verify function passes.

stamp_ok() { [[ -f "$CACHE/stamps/$1" && "$(cat "$CACHE/stamps/$1")" == "$2" ]]; }

# go_tool NAME MODULE VERSION: the binary's embedded module version must be VERSION.
go_tool_ok() { go version -m "$BIN/$1" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+$2[[:space:]]+$3([[:space:]]|$)"; }
install_go_tool() {
  local name=$1 module=$2 version=$3
  GOBIN="$BIN" go install -ldflags "-s -w -X main.version=${version#v}" "$module/cmd/$name@$version"
  go_tool_ok "$name" "$module" "$version" || { echo "$name: installed, but it is not $module $version"; return 1; }
  "$BIN/$name" "$([[ $name == kube-score ]] && echo version || echo -v)"
}

# (The installed distribution's version, read without starting checkov itself, which takes seconds.)
checkov_ok() {
  [[ -x "$VENV/bin/checkov" ]] &&
    [[ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("checkov"))' 2>/dev/null)" == "$CHECKOV_VERSION" ]]
}
install_checkov() {
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # Wheels only (nothing to compile), exactly the recorded dependency set.
  "$VENV/bin/pip" install --disable-pip-version-check --no-input --only-binary=:all: \
    -r "$SCAN_DIR/checkov-requirements.txt"
  [[ "$("$VENV/bin/checkov" --version)" == "$CHECKOV_VERSION" ]] || { echo "checkov: --version is not $CHECKOV_VERSION"; return 1; }
}

pinned() { case $1 in kube-score) echo "$KUBE_SCORE_VERSION" ;; kubeconform) echo "$KUBECONFORM_VERSION" ;; checkov) echo "$CHECKOV_VERSION" ;; esac; }
tool_ok() { # tool_ok NAME: stamped with the pinned version and verified
  stamp_ok "$1" "$(pinned "$1")" || return 1
  case $1 in
    kube-score) go_tool_ok kube-score github.com/zegl/kube-score "$KUBE_SCORE_VERSION" ;;
    kubeconform) go_tool_ok kubeconform github.com/yannh/kubeconform "$KUBECONFORM_VERSION" ;;
    checkov) checkov_ok ;;
  esac
}
install_tool() { # install_tool NAME: installs into the cache (output to its log), then stamps it
  rm -f "$CACHE/stamps/$1"
  case $1 in
    kube-score) install_go_tool kube-score github.com/zegl/kube-score "$KUBE_SCORE_VERSION" ;;
    kubeconform) install_go_tool kubeconform github.com/yannh/kubeconform "$KUBECONFORM_VERSION" ;;
    checkov) install_checkov ;;
  esac >"$CACHE/logs/$1.log" 2>&1 </dev/null || return 1
  pinned "$1" >"$CACHE/stamps/$1"
}

# install_in_turn NAME...: installs the tools one after the other, printing each one's time.
install_in_turn() {
  local name start
  for name in "$@"; do
    start=$(now)
    install_tool "$name" || return 1
    log "  $name $(pinned "$name") installed in $(fmt_secs $(($(now) - start)))"
  done
}

# ensure_tools: installs what is missing or fails verification, in two jobs side by side: the Go builds one after the
# other (both are CPU-bound on 2 cores) and the checkov venv (mostly download and unpacking).
ensure_tools() {
  local -a go_missing=() pids=()
  local name failed=""
  for name in kube-score kubeconform; do tool_ok "$name" || go_missing+=("$name"); done
  if ((${#go_missing[@]})); then
    install_in_turn "${go_missing[@]}" &
    pids+=("$!")
  fi
  if ! tool_ok checkov; then
    install_in_turn checkov &
    pids+=("$!")
  fi
  if ((${#pids[@]} == 0)); then
    log "tools: cached and verified in $CACHE"
    return 0
  fi
  log "tools: installing into $CACHE (logs: $CACHE/logs/)"
  for name in "${pids[@]}"; do wait "$name" || true; done # the verdict is tool_ok below
  for name in kube-score kubeconform checkov; do
    tool_ok "$name" && continue
    echo "---- last 30 lines of $CACHE/logs/$name.log ----" >&2
    tail -n 30 "$CACHE/logs/$name.log" >&2 || true
    failed+=" $name"
  done
  [[ -z "$failed" ]] || die "could not install:$failed (see $CACHE/logs/)"
}

# ---------------------------------------------------------------------------------------------------------------------
# Schemas for kubeconform (see the header): built from registry artifacts, converted by scripts/scan/k8s_schemas.py.

ensure_schemas() {
  local py="$VENV/bin/python" # has PyYAML (a checkov dependency)
  K8S_SCHEMAS="$CACHE/schemas/k8s-$K8S_SCHEMA_VERSION"
  if [[ ! -f "$K8S_SCHEMAS/.complete" ]]; then
    local module_json module_dir
    module_json=$(cd "$CACHE" && go mod download -json "k8s.io/kubernetes@$K8S_SCHEMA_VERSION") ||
      die "go mod download k8s.io/kubernetes@$K8S_SCHEMA_VERSION failed: $module_json"
    module_dir=$("$py" -c 'import json, sys; print(json.load(sys.stdin)["Dir"])' <<<"$module_json")
    rm -rf "$K8S_SCHEMAS"
    "$py" "$SCAN_DIR/k8s_schemas.py" builtin "$module_dir/api/openapi-spec/swagger.json" "$K8S_SCHEMAS"
    touch "$K8S_SCHEMAS/.complete"
  fi

  # The CRD set and its versions are tests/e2e/toolchain.sh's (cheap when already fetched; it waits for the e2e
  # toolchain's lock if a toolchain build is running at the same time).
  local toolchain="$ROOT/tests/e2e/toolchain.sh" crd_dir
  bash "$toolchain" --only crds >"$CACHE/logs/crds.log" 2>&1 ||
    { tail -n 20 "$CACHE/logs/crds.log" >&2; die "tests/e2e/toolchain.sh --only crds failed (log: $CACHE/logs/crds.log)"; }
  # shellcheck disable=SC1091 # env.sh is generated by toolchain.sh
  crd_dir=$(source "$(bash "$toolchain" --print-dir)/env.sh" && echo "${E2E_CRD_DIR:-}")
  [[ -f "$crd_dir/.complete" ]] || die "tests/e2e/toolchain.sh did not leave a complete CRD directory (E2E_CRD_DIR=$crd_dir)"
  CRD_SCHEMAS="$CACHE/schemas/crds/$(basename "$crd_dir")"
  if [[ ! -f "$CRD_SCHEMAS/.complete" ]]; then
    rm -rf "$CRD_SCHEMAS"
    K8S_SCHEMAS_BUILTIN_DIR="$K8S_SCHEMAS" "$py" "$SCAN_DIR/k8s_schemas.py" crds "$crd_dir" "$CRD_SCHEMAS"
    touch "$CRD_SCHEMAS/.complete"
  fi
  log "schemas: $K8S_SCHEMAS, $CRD_SCHEMAS"
}

# ---------------------------------------------------------------------------------------------------------------------
# Render and scan.

render_stacks() {
  (cd "$ROOT" && tsc -p .) || die "tsc -p . failed: the program does not compile, nothing to render"
  local stack
  for stack in "${STACKS[@]}"; do
    (cd "$ROOT" && node bin/scripts/render.js "$stack" "$OUT/render/$stack") ||
      die "rendering the $stack stack failed (the program threw, see above): nothing to scan"
  done
}

# run_tool OUTPUT_FILE CMD...: exit 0 (no findings) and 1 (findings) are both results; anything else is a failure.
run_tool() {
  local out=$1 rc=0
  shift
  "$@" >"$out" 2>"$out.stderr" || rc=$?
  if ((rc > 1)) || [[ ! -s "$out" ]]; then
    tail -n 30 "$out.stderr" >&2
    die "$(basename "$1") exited with $rc (output: $out, errors: $out.stderr)"
  fi
}

scan_stack() {
  local stack=$1
  local render="$OUT/render/$stack" work="$OUT/work/$stack"
  local -a manifests=("$render/00-namespaces.yaml" "$render/10-objects.yaml")
  mkdir -p "$work"
  "$VENV/bin/python" "$SCAN_DIR/findings.py" split "$render" "$work" >/dev/null
  timed "kube-score $stack" run_tool "$work/kube-score.json" \
    "$BIN/kube-score" score --kubernetes-version v1.34 --output-format json "${manifests[@]}"
  # One file per object (split above), so that every result names its object (kubeconform's report has no namespace).
  timed "kubeconform $stack" run_tool "$work/kubeconform.json" \
    "$BIN/kubeconform" -strict -summary -output json -n 2 \
    -schema-location "$K8S_SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$CRD_SCHEMAS/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
    "$work/objects"
  timed "checkov $stack" run_tool "$work/checkov.json" \
    "$VENV/bin/checkov" --framework kubernetes --skip-download --quiet --compact --output json \
    --file "${manifests[0]}" --file "${manifests[1]}"
}

main() {
  local total_start rc=0 stack
  total_start=$(now)
  log "cache: $CACHE ($versions_line)"
  timed "tools (install or verify)" ensure_tools
  timed "schemas" ensure_schemas

  OUT="${SCAN_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/llm-platform-scan.XXXXXX")}"
  mkdir -p "$OUT"
  log "output: $OUT"
  timed "render (tsc + both stacks)" render_stacks
  for stack in "${STACKS[@]}"; do scan_stack "$stack"; done

  "$VENV/bin/python" "$SCAN_DIR/findings.py" report "$WAIVERS" "${STACKS[@]/#/$OUT/work/}" || rc=$?

  echo
  echo "step                                   time"
  printf '%s\n' "${TIMINGS[@]}"
  echo "total: $(fmt_secs $(($(now) - total_start)))   tools: kube-score $KUBE_SCORE_VERSION, kubeconform" \
    "$KUBECONFORM_VERSION, checkov $CHECKOV_VERSION; schemas: Kubernetes $K8S_SCHEMA_VERSION + $(basename "$CRD_SCHEMAS")"
  exit "$rc" # (exit, not return: a failing return would trip the ERR trap)
}

main "$@"
