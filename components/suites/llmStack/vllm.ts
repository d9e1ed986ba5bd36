/**
 * vLLM's OpenAI-compatible server for the GPU models of llmStackLocalModels: its pinned image and contract, and
 * the script that copies a model's weights from the platform's object store into its claim once.
 *
 * Why a Deployment and not a KServe InferenceService: KServe's storage-initializer downloads the weights again
 * at every pod start and is injected without a container securityContext (the pod would fail Pod Security
 * `restricted` in this namespace); a claim filled once and a restricted pod give the cached start the issue asks
 * for with the same vLLM server.
 */
import { type ImageContract, flagValue } from "../../lib/contracts";
import { S3_SHELL_FUNCTION } from "../../lib/s3Shell";

export const VLLM_IMAGE = "docker.io/vllm/vllm-openai:v0.11.0";

/** The server module; set as the command, so `--model` works whichever entrypoint the image has. */
export const VLLM_COMMAND = ["python3", "-m", "vllm.entrypoints.openai.api_server"] as const;

/**
 * vllm-project/vllm v0.11.0 (the PyPI wheel's sources; docker/Dockerfile of nearby revisions: no USER, so root
 * unless the pod says otherwise; WORKDIR /vllm-workspace; ENTRYPOINT the api_server module in the older revision,
 * `vllm serve` in a newer one, hence the explicit command). entrypoints/openai/cli_args.py: --model,
 * --served-model-name, --host, --port (8000), --api-key with VLLM_API_KEY as its fallback (api_server.py:1558);
 * the AuthenticationMiddleware asks for the key on /v1 paths only, so /health answers without it (and so do
 * /tokenize, /pooling, /score...: only LiteLLM may reach the pod, network.ts). envs.py: VLLM_CACHE_ROOT and
 * VLLM_CONFIG_ROOT under $HOME unless set, VLLM_NO_USAGE_STATS; IPC sockets in /tmp; shared memory in /dev/shm.
 * HF_HUB_OFFLINE (huggingface_hub) keeps a local --model path from ever reaching a hub.
 */
export const VLLM_CONTRACT: ImageContract = {
  source: { repo: "vllm-project/vllm", ref: "v0.11.0 (PyPI wheel vllm 0.11.0)", files: ["docker/Dockerfile", "vllm/entrypoints/openai/cli_args.py", "vllm/entrypoints/openai/api_server.py", "vllm/envs.py"] },
  runs: ["python3", "-m", "vllm.entrypoints.openai.api_server"],
  // USER: Python's getpass.getuser() (torch's inductor cache) reads LOGNAME, USER, LNAME, USERNAME before the passwd database.
  env: ["VLLM_API_KEY", "VLLM_CACHE_ROOT", "VLLM_CONFIG_ROOT", "VLLM_NO_USAGE_STATS", "VLLM_DO_NOT_TRACK", "HF_HOME", "HF_HUB_OFFLINE", "HOME", "USER", "XDG_CACHE_HOME"],
  listens: (c) => [Number(flagValue(c.args, "--port") ?? 8000)],
  httpPaths: ["/health", "/ping", "/metrics", "/version", "/v1/models", "/v1/chat/completions", "/v1/completions", "/v1/embeddings"],
  writes: ["/tmp", "/dev/shm", "$HOME"],
};

/**
 * Copy s3://$MODEL_BUCKET/$MODEL_PREFIX/ into $MODELS_DIR/$MODEL_NAME, fetching only what is missing or changed, so
 * a restart copies nothing: each file's ETag is kept in $dir/.etags, and a file whose object has another ETag (or
 * whose size differs) is fetched again; files no longer in the bucket are removed, so a new prefix or a re-uploaded
 * model never leaves stale shards beside the new ones. Each file goes to a temporary name, then is renamed. One
 * ListObjectsV2 page: a model directory of more than 1000 objects is refused rather than copied in part. An empty
 * prefix is waited for (WEIGHTS_WAIT_SECONDS; 0: fail at once), so the pod starts once an operator uploads.
 */
export const WEIGHTS_SYNC_SCRIPT = `
set -eu
${S3_SHELL_FUNCTION}
dir="$MODELS_DIR/$MODEL_NAME"
prefix="\${MODEL_PREFIX%/}/"
mkdir -p "$dir"
touch "$dir/.etags"
# The listing, as "key etag size" lines in $dir/.objects; false when the prefix holds nothing.
list() {
  S3_OUT="$dir/.listing"
  code=$(s3 GET "$MODEL_BUCKET?list-type=2&prefix=$(printf %s "$prefix" | sed 's|/|%2F|g')")
  [ "$code" = 200 ] || { echo "listing s3://$MODEL_BUCKET/$prefix: HTTP $code"; exit 1; }
  if grep -q '<IsTruncated>true' "$S3_OUT"; then echo "s3://$MODEL_BUCKET/$prefix holds more than 1000 objects: not a model directory"; exit 1; fi
  tr -d '\\r\\n' < "$S3_OUT" | sed 's/&quot;//g; s/<Contents>/\\n/g' \\
    | sed -n 's|.*<Key>\\([^<]*\\)</Key>.*<ETag>\\([^<]*\\)</ETag>.*<Size>\\([0-9]*\\)</Size>.*|\\1 \\2 \\3|p' > "$dir/.objects"
  echo >> "$dir/.objects"
  rm -f "$S3_OUT"
  grep -q . "$dir/.objects"
}
# Until the weights are there (an operator uploads them): up to $WEIGHTS_WAIT_SECONDS, saying so every 5 minutes.
waited=0
until list; do
  missing="no weights under s3://$MODEL_BUCKET/$prefix: upload the model's directory (config.json, tokenizer, *.safetensors) there"
  [ "$waited" -lt "\${WEIGHTS_WAIT_SECONDS:-0}" ] || { echo "$missing"; exit 1; }
  [ $((waited % 300)) -ne 0 ] || echo "waiting: $missing"
  sleep "\${WEIGHTS_POLL_SECONDS:-10}"
  waited=$((waited + \${WEIGHTS_POLL_SECONDS:-10}))
done
fetched=0
: > "$dir/.wanted"
while read -r key etag size; do
  [ -n "$key" ] || continue
  rel="\${key#"$prefix"}"
  case "$rel" in ""|*/) continue ;; esac
  echo "$rel" >> "$dir/.wanted"
  f="$dir/$rel"
  if [ -f "$f" ] && [ "$(wc -c < "$f")" -eq "$size" ] && grep -qxF "$rel $etag" "$dir/.etags"; then continue; fi
  mkdir -p "$(dirname "$f")"
  S3_OUT="$f.part"
  code=$(s3 GET "$MODEL_BUCKET/$key")
  [ "$code" = 200 ] || { echo "fetching s3://$MODEL_BUCKET/$key: HTTP $code"; rm -f "$f.part"; exit 1; }
  mv "$f.part" "$f"
  awk -v r="$rel" '$1 != r' "$dir/.etags" > "$dir/.etags.new"
  echo "$rel $etag" >> "$dir/.etags.new"
  mv "$dir/.etags.new" "$dir/.etags"
  fetched=$((fetched + 1))
done < "$dir/.objects"
removed=0
for f in $(cd "$dir" && find . -type f ! -name '.*' | sed 's|^\\./||'); do
  if ! grep -qxF "$f" "$dir/.wanted"; then rm -f "$dir/$f"; removed=$((removed + 1)); fi
done
rm -f "$dir/.objects" "$dir/.wanted"
echo "weights of $MODEL_NAME in $dir: $fetched file(s) fetched, $removed removed"
`.trim();
