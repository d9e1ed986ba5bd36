#!/usr/bin/env bash
# Builds the images the platform provides itself (images/<name>/Dockerfile: the stdio-only MCP servers behind
# mcp-proxy) under the references a stack resolves for them, the same as the other built images:
# <imageRegistry>/<name>:<imageTag>, or <name>:<imageTag> when the stack sets no registry (dev: built into
# minikube). A name with an imageOverrides entry runs the overriding image instead: building it is harmless.
# mcp-google-cloud needs GCLOUD_VERSION (a Google Cloud CLI release) in the environment; the others need nothing.
# The images are built for the machine's architecture (the Dockerfiles fetch x86_64 where they fetch a binary).
#
#   npm run images -- <stack>                      docker build
#   npm run images -- <stack> --push               docker build, then docker push
#   npm run images -- <stack> --minikube <profile> minikube image build (dev: the stack's local names)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
die() { printf 'build-images: error: %s\n' "$*" >&2; exit 1; }

stack=${1:-}
[[ -n "$stack" ]] || die "usage: npm run images -- <stack> [--push | --minikube <profile>]"
shift
stack_file="Pulumi.$stack.yaml"
[[ -r "$stack_file" ]] || die "$stack_file not found (stacks: $(ls Pulumi.*.yaml | sed -E 's/Pulumi\.(.*)\.yaml/\1/' | grep -v '^Pulumi' | tr '\n' ' '))"
mode=docker profile=""
case "${1:-}" in
  "") ;;
  --push) mode=push ;;
  --minikube) mode=minikube profile=${2:-}; [[ -n "$profile" ]] || die "--minikube needs a profile (dev: llmctl)" ;;
  *) die "unknown option $1 (allowed: --push, --minikube <profile>)" ;;
esac

# The value of one `llm-platform:<key>:` line of the stack file, unquoted ("" when absent).
stack_config() {
  sed -n -E "s/^[[:space:]]*llm-platform:$1:[[:space:]]*[\"']?([^\"'#[:space:]]*)[\"']?[[:space:]]*(#.*)?\$/\\1/p" "$stack_file" | head -n 1
}
registry=$(stack_config imageRegistry)
tag=$(stack_config imageTag)
tag=${tag:-latest}
if grep -qE '^[[:space:]]*llm-platform:useHarborRegistry:[[:space:]]*true' "$stack_file"; then
  die "$stack_file uses Harbor's registry: run this with the imageRegistry Harbor's outputs give (pulumi stack output harbor), after the first up"
fi

[[ -n "${GCLOUD_VERSION:-}" ]] || die "set GCLOUD_VERSION to the Google Cloud CLI release to put in mcp-google-cloud (e.g. GCLOUD_VERSION=<x.y.z> npm run images -- $stack)"
for dir in images/*/; do
  name=$(basename "$dir")
  ref="${registry:+$registry/}$name:$tag"
  args=(--build-arg "GCLOUD_VERSION=$GCLOUD_VERSION")
  case "$mode" in
    docker) docker build "${args[@]}" -t "$ref" "$dir" ;;
    push) docker build "${args[@]}" -t "$ref" "$dir" && docker push "$ref" ;;
    minikube) minikube -p "$profile" image build --build-opt "build-arg=GCLOUD_VERSION=$GCLOUD_VERSION" -t "$ref" "$dir" ;;
  esac
  printf 'build-images: %s\n' "$ref"
done
