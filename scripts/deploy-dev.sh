#!/usr/bin/env bash
# The first command on a fresh laptop: preview or deploy the dev stack to its minikube profile with nothing
# installed but what `npm ci` brings.
#
#   npm run deploy:dev [-- <pulumi up args>]        e.g. npm run deploy:dev -- --yes
#   npm run preview:dev [-- <pulumi preview args>]  e.g. npm run preview:dev -- --diff
#
# 1. Pulumi CLI: node_modules/.bin/pulumi (the npm launcher, which downloads the matching CLI on first use),
#    or $PULUMI_CLI.
# 2. Backend: $PULUMI_BACKEND_URL if set; else the backend you are logged in to (`pulumi whoami`); else a local
#    file backend in <repo>/.pulumi-state (gitignored).
# 3. Local backend only: the secrets passphrase from $PULUMI_CONFIG_PASSPHRASE or $PULUMI_CONFIG_PASSPHRASE_FILE,
#    else asked for on a terminal; without a terminal it stops and says so.
# 4. The kube context Pulumi.dev.yaml targets (llm-platform:kubeContext) must exist and answer; if not, the
#    script prints the one `minikube start` command that makes it (with `--cni calico`: a network plugin that
#    enforces NetworkPolicies) and stops before Pulumi runs. It then warns, without stopping, when the cluster
#    runs no network plugin known to enforce NetworkPolicies.
# 5. `pulumi stack select --create dev`, then `pulumi up` or `pulumi preview` with the extra arguments.
set -euo pipefail

readonly STACK=dev
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly repo
cd "$repo"

say() { printf 'deploy-dev: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

mode=${1:-}
case "$mode" in
  up | preview) shift ;;
  *)
    say "usage: scripts/deploy-dev.sh up|preview [pulumi args...]   (npm run deploy:dev / npm run preview:dev)"
    exit 2
    ;;
esac

# Node 22 and the Pulumi launcher from node_modules, also when the script is run directly (not through npm).
export PATH="$repo/node_modules/.bin:$PATH"

# ---- 1. the cluster the dev stack targets (before anything touches Pulumi)

stack_file="$repo/Pulumi.$STACK.yaml"
[[ -r "$stack_file" ]] || die "$stack_file not found"

# The value of one `llm-platform:<key>:` line of the stack file, unquoted ("" when absent).
stack_config() {
  sed -n -E "s/^[[:space:]]*llm-platform:$1:[[:space:]]*[\"']?([^\"'#[:space:]]*)[\"']?[[:space:]]*(#.*)?\$/\\1/p" "$stack_file" | head -n 1
}

ctx=$(stack_config kubeContext)
[[ -n "$ctx" ]] || die "$stack_file sets no llm-platform:kubeContext; the dev stack deploys to a minikube profile (llmctl)"

# The minikube node the dev stack's capacity check assumes (clusterNodeCpu / clusterNodeMemory, default
# 1 node x 8 CPU / 16Gi: the seed's `minikube start --cpus 8 --memory 16g`), with Calico as its network plugin:
# the platform isolates everything with NetworkPolicies, and minikube's default plugin (bridge or kindnet)
# ignores them.
cpus=$(stack_config clusterNodeCpu)
[[ "$cpus" =~ ^[0-9]+$ ]] || cpus=8
memory=$(stack_config clusterNodeMemory)
if [[ "$memory" =~ ^([0-9]+)Gi$ ]]; then memory="${BASH_REMATCH[1]}g"; else memory=16g; fi
create_cmd="minikube start -p $ctx --cpus $cpus --memory $memory --cni calico"

# The first network plugin known to enforce NetworkPolicies among the cluster's DaemonSets (all namespaces:
# kube-system, calico-system, cilium, ...), by name; status 1 when there is none, 2 when the list failed.
enforcing_network_plugin() {
  local listed name
  listed=$(kubectl --context "$ctx" get daemonsets --all-namespaces -o name --request-timeout=10s 2>/dev/null) || return 2
  while IFS= read -r name; do
    name=${name##*/}
    case "$name" in
      calico-node* | cilium* | antrea-agent* | weave-net* | kube-router* | canal*)
        printf '%s\n' "$name"
        return 0
        ;;
    esac
  done <<<"$listed"
  return 1
}

# Warn (never stop) when the cluster's network plugin does not enforce NetworkPolicies.
check_network_policy_enforcement() {
  local plugin status=0
  plugin=$(enforcing_network_plugin) || status=$?
  case "$status" in
    0) say "network plugin: $plugin (enforces NetworkPolicies)" ;;
    2) say "warning: could not list the DaemonSets of \"$ctx\" to check that its network plugin enforces NetworkPolicies" ;;
    *)
      say "warning: the cluster of \"$ctx\" runs no network plugin known to enforce NetworkPolicies (looked for"
      say "  Calico, Cilium, Antrea, Weave Net, kube-router and Canal; minikube's default bridge and kindnet do not)."
      say "  The dev stack will deploy, but its default-deny NetworkPolicies are ignored: every pod, executor Jobs"
      say "  running model-written code included, can reach every other pod, the datastores and the internet."
      say "  On minikube, recreate the profile with Calico (this deletes the cluster and its volumes):"
      printf '\n    minikube delete -p %s && %s\n\n' "$ctx" "$create_cmd" >&2
      say "  (If your plugin does enforce NetworkPolicies under another name, ignore this.)"
      ;;
  esac
}

if command -v kubectl >/dev/null 2>&1; then
  if ! kubectl config get-contexts "$ctx" >/dev/null 2>&1; then
    say "the kube context \"$ctx\" (Pulumi.$STACK.yaml llm-platform:kubeContext) does not exist. Create it with:"
    printf '\n    %s\n\n' "$create_cmd" >&2
    say "then run this again. Pulumi was not started."
    exit 1
  fi
  if ! kubectl --context "$ctx" get --raw /readyz --request-timeout=10s >/dev/null 2>&1; then
    say "the kube context \"$ctx\" exists but its cluster does not answer. Start it with:"
    printf '\n    %s\n\n' "$create_cmd" >&2
    say "then run this again. Pulumi was not started."
    exit 1
  fi
  check_network_policy_enforcement
elif command -v minikube >/dev/null 2>&1; then
  if ! minikube -p "$ctx" status >/dev/null 2>&1; then
    say "the minikube profile \"$ctx\" (Pulumi.$STACK.yaml llm-platform:kubeContext) is missing or stopped. Start it with:"
    printf '\n    %s\n\n' "$create_cmd" >&2
    say "then run this again. Pulumi was not started."
    exit 1
  fi
  say "note: kubectl is not installed, so whether the cluster's network plugin enforces NetworkPolicies was not"
  say "  checked; the dev stack's isolation needs one that does (minikube: created with --cni calico)."
else
  die "neither kubectl nor minikube is installed; install minikube (https://minikube.sigs.k8s.io/docs/start/), then run: $create_cmd"
fi

# ---- 2. the Pulumi CLI

pulumi=${PULUMI_CLI:-$repo/node_modules/.bin/pulumi}
[[ -x "$pulumi" ]] || die "no Pulumi CLI at $pulumi: run \`npm ci\` first (it installs the \`pulumi\` launcher), or set PULUMI_CLI"
# The npm launcher downloads the CLI on first use: fail here, clearly, rather than halfway.
if ! cli_version=$("$pulumi" version); then
  die "the Pulumi CLI ($pulumi) did not start; on first use the npm launcher downloads it (needs internet)"
fi
say "Pulumi CLI $cli_version ($pulumi)"

# ---- 3. the backend

local_backend=false
if [[ -n "${PULUMI_BACKEND_URL:-}" ]]; then
  say "backend: $PULUMI_BACKEND_URL (from PULUMI_BACKEND_URL)"
elif user=$("$pulumi" whoami </dev/null 2>/dev/null); then
  say "backend: the one you are logged in to (pulumi whoami: $user)"
else
  state_dir="$repo/.pulumi-state"
  mkdir -p "$state_dir"
  export PULUMI_BACKEND_URL="file://$state_dir"
  local_backend=true
  say "backend: not logged in to Pulumi, so using a local file backend: $PULUMI_BACKEND_URL"
  say "  (gitignored; set PULUMI_BACKEND_URL or run \`pulumi login\` to use another)"
fi

# ---- 4. the secrets passphrase (local backend: the dev stack's secrets provider is a passphrase)

if [[ "$local_backend" == true ]]; then
  if [[ -n "${PULUMI_CONFIG_PASSPHRASE+set}" ]]; then
    say "secrets passphrase: from PULUMI_CONFIG_PASSPHRASE"
  elif [[ -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
    [[ -r "$PULUMI_CONFIG_PASSPHRASE_FILE" ]] || die "PULUMI_CONFIG_PASSPHRASE_FILE=$PULUMI_CONFIG_PASSPHRASE_FILE is not a readable file"
    say "secrets passphrase: from the file PULUMI_CONFIG_PASSPHRASE_FILE names"
  elif [[ -t 0 ]]; then
    new_stack=false
    [[ -n "$(find "$state_dir/.pulumi/stacks" -name "$STACK.json*" -print -quit 2>/dev/null)" ]] || new_stack=true
    read -r -s -p "deploy-dev: passphrase for the $STACK stack's secrets: " passphrase
    printf '\n' >&2
    [[ -n "$passphrase" ]] || die "empty passphrase"
    if [[ "$new_stack" == true ]]; then
      read -r -s -p "deploy-dev: the same passphrase again (new stack; it cannot be recovered): " again
      printf '\n' >&2
      [[ "$passphrase" == "$again" ]] || die "the passphrases differ"
    fi
    export PULUMI_CONFIG_PASSPHRASE="$passphrase"
    say "(set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to skip this question)"
  else
    die "the local backend encrypts the $STACK stack's secrets with a passphrase, and stdin is not a terminal to ask for it: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE"
  fi
fi

# ---- 5. select (or create) the stack, then preview or deploy

select_args=(stack select --create "$STACK")
if [[ "$local_backend" == true ]]; then select_args+=(--secrets-provider passphrase); fi
"$pulumi" "${select_args[@]}"
say "pulumi $mode --stack $STACK${*:+ $*} (kube context $ctx)"
exec "$pulumi" "$mode" --stack "$STACK" "$@"
