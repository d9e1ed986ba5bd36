#!/usr/bin/env bash
# The software tier: installs the real programs from the package registries when they are missing (Debian's
# postgresql-15, redis-server and nginx; PyPI programs (chromadb, mcp-proxy, chroma-mcp, mcp-atlassian, workspace-mcp,
# litellm, mlflow, llama-cpp-python), each in its own venv under ~/.cache/llm-platform/software, and MinIO from the Go
# module proxy; cold about 19 min, warm nothing), then runs the tests that start them with the rendered config
# (jest.software.config.js). SOFTWARE=never skips the tier.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${SOFTWARE:-}" == never ]]; then echo "software tier: skipped (SOFTWARE=never)"; exit 0; fi
start=$(date +%s)
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || need+=(nginx-light)
[[ -x /usr/lib/postgresql/15/bin/postgres ]] || need+=(postgresql-15)
command -v psql >/dev/null || need+=(postgresql-client-15)
if (( ${#need[@]} > 0 )); then
  echo "software tier: installing ${need[*]} from Debian's packages"
  if [[ $(id -u) -ne 0 ]]; then echo "software tier: needs root to install ${need[*]} (apt-get)" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# PyPI programs, each in its own venv under the cache (outside the repo), at the versions that stand in for the images.
CACHE="${LLM_PLATFORM_SOFTWARE_CACHE:-$HOME/.cache/llm-platform/software}"
export LLM_PLATFORM_SOFTWARE_CACHE="$CACHE"
venv() { # name, pip requirement
  local dir="$CACHE/$1"
  # .complete holds what it was made with (the requirements, a -r file's contents, CMAKE_ARGS): a change makes it again.
  local stamp
  stamp="$2 ${CMAKE_ARGS:-}$(if [[ "$2" == *"-r "* ]]; then cat "${2##*-r }"; fi)"
  if [[ "$(cat "$dir/.complete" 2>/dev/null)" != "$stamp" ]]; then
    echo "software tier: installing $2 into $dir"
    local -a reqs
    read -r -a reqs <<< "$2" # split on spaces only: no globbing of mlflow[extras,...]
    rm -rf "$dir" && python3 -m venv "$dir" && "$dir/bin/pip" install -q --disable-pip-version-check "${reqs[@]}" && printf '%s' "$stamp" > "$dir/.complete"
  fi
}
venv chroma-1.0.15 chromadb==1.0.15
# The platform's MCP images (images/mcp-*): mcp-proxy, and chroma-mcp with the image's pins, in their own venvs.
venv mcp-proxy-0.13.0 mcp-proxy==0.13.0
venv chroma-mcp-0.2.6 "chroma-mcp==0.2.6 chromadb==1.0.16 pydantic==2.11.2"
# mcp-atlassian 0.11.9 with the mcp and pydantic of its release (newer ones break its fastmcp 2.3.5 at import).
venv mcp-atlassian-0.11.9 "mcp-atlassian==0.11.9 mcp==1.9.4 pydantic==2.11.7"
venv workspace-mcp-1.4.1 "workspace-mcp==1.4.1 mcp==1.12.4 pydantic==2.11.7"
# LiteLLM: PyPI has neither litellm-proxy==1.110.2 (the proxy extra's first requirement) nor litellm-enterprise==0.1.83.post1:
# the proxy's other requirements, with litellm-enterprise 0.1.83 (tests/software/litellm-proxy.txt).
venv litellm-1.110.2 "litellm==1.110.2 -r tests/software/litellm-proxy.txt"
# MLflow as the mlflow image installs it (docker/Dockerfile.full: mlflow[extras,azure,db,gateway,genai,auth]; the
# server needs extras (prometheus-flask-exporter, boto3), auth and db of those).
venv mlflow-3.17.2 "mlflow[extras,auth,db]==3.17.2"
# An OpenAI-compatible server for LiteLLM to route to: llama.cpp inside llama-cpp-python (an sdist: compiled here,
# about 6.5 min on 2 cores, generic CPU flags), with gguf to write its tiny test model (tiny_gguf.py).
CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" venv llama-cpp-python-0.3.36 "llama-cpp-python[server]==0.3.36 gguf==0.19.0 numpy"
# Go programs from the module proxy, each built once into the cache ($CACHE/<name>/bin): about 3 min cold each on 2 cores.
go_tool() {
  local name=$1 module=$2
  if [[ "$(cat "$CACHE/$name/.complete" 2>/dev/null)" != "$module" ]]; then
    command -v go >/dev/null || { echo "software tier: needs Go (go install $module)" >&2; exit 1; }
    echo "software tier: building $module into $CACHE/$name"
    rm -rf "${CACHE:?}/$name" && mkdir -p "$CACHE/$name" && GOBIN="$CACHE/$name/bin" go install "$module" && printf '%s' "$module" > "$CACHE/$name/.complete"
  fi
}
# MinIO: the proxy refuses the image's tag RELEASE.2025-09-07T16-13-09Z; the newest module version stands in.
MINIO_MODULE="github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
go_tool minio "$MINIO_MODULE"
# MinIO's client: the proxy's newest, three fixes after the image's RELEASE.2025-03-12T17-29-24Z.
MC_MODULE="github.com/minio/mc@v0.0.0-20250313080218-cf909e1063a9"
go_tool mc "$MC_MODULE"
echo "software tier: $(redis-server --version | cut -d' ' -f1-3), $(/usr/lib/postgresql/15/bin/postgres --version), $(nginx -v 2>&1), chromadb 1.0.15, mcp-proxy 0.13.0, chroma-mcp 0.2.6, mcp-atlassian 0.11.9, workspace-mcp 1.4.1, litellm 1.110.2, mlflow 3.17.2, llama-cpp-python 0.3.36, minio ${MINIO_MODULE#*@}, mc ${MC_MODULE#*@} (ready in $(( $(date +%s) - start ))s)"
jest -c jest.software.config.js --ci
