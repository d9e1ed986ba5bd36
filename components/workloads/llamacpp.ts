/**
 * llama.cpp's server, shared by the suites that run a GGUF model on CPU (the context engine's decoder, the LLM
 * stack's local models): its pinned image and contract, and the init container that downloads the model once
 * into a claim and checks it.
 */
import { flagValue, type ImageContract } from "../lib/contracts";
import type { ContainerArgs } from "./pod";

export const LLAMACPP_IMAGE = "ghcr.io/ggml-org/llama.cpp:server-b5432";

/**
 * ggml-org/llama.cpp server-b5432: the `server` target of .devops/cpu.Dockerfile, ENTRYPOINT /app/llama-server,
 * ENV LLAMA_ARG_HOST=0.0.0.0; flags and their LLAMA_ARG_* env twins from common/arg.cpp (--alias names the model
 * in /v1/models and answers; --api-key or LLAMA_API_KEY makes every endpoint but /health and /v1/models ask for
 * it; --embeddings serves /v1/embeddings); /health (503 while loading), /metrics with --metrics, the OpenAI API
 * under /v1. The tag could not be tied to one commit here (the repository is over the fetch limit): the names were
 * the same in every stored version around b5432.
 */
export const LLAMACPP_CONTRACT: ImageContract = {
  source: { repo: "ggml-org/llama.cpp", ref: "b5432 (server target; names checked in the stored versions around it)", files: [".devops/cpu.Dockerfile", "common/arg.cpp", "examples/server/server.cpp"] },
  runs: ["/app/llama-server"],
  env: ["LLAMA_API_KEY"],
  envPrefixes: ["LLAMA_ARG_"],
  listens: (c) => [Number(flagValue(c.args, "--port") ?? c.env.LLAMA_ARG_PORT ?? 8080)],
  httpPaths: ["/health", "/metrics", "/v1/models", "/v1/chat/completions", "/v1/completions", "/v1/embeddings"],
  writes: [],
};

/**
 * Download the model once: skip when the file exists, came from the configured URL and matches its checksum;
 * download to a temporary name and rename, so an interrupted download never leaves a half file under the final
 * name. The checksum is $LLAMACPP_MODEL_SHA256 when given; without one, the first download's is recorded beside the
 * file (<file>.sha256) and every later start checks the file against it. The URL is recorded too (<file>.url): a
 * new URL for the same file name downloads again (a file from before the URL was recorded counts as from it). A
 * file that fails its check is downloaded again.
 */
export const MODEL_DOWNLOAD_SCRIPT = `
set -eu
target="$MODELS_DIR/$LLAMACPP_MODEL_NAME"
expected() { if [ -n "\${LLAMACPP_MODEL_SHA256:-}" ]; then echo "$LLAMACPP_MODEL_SHA256"; elif [ -f "$target.sha256" ]; then cat "$target.sha256"; fi; }
verify() { want=$(expected); [ -z "$want" ] || echo "$want  $1" | sha256sum -c - >/dev/null; }
same_url() { [ ! -f "$target.url" ] || [ "$(cat "$target.url")" = "$LLAMACPP_MODEL_URL" ]; }
if [ -f "$target" ] && same_url && verify "$target"; then echo "$LLAMACPP_MODEL_URL" > "$target.url"; echo "model $target present"; exit 0; fi
if [ -f "$target" ] && ! same_url; then echo "model $target came from another URL: downloading it again"; rm -f "$target.sha256"
elif [ -f "$target" ]; then echo "model $target fails its checksum: downloading it again"; fi
rm -f "$target.sha256"
curl -fsSL --retry 5 --retry-delay 5 -o "$target.part" "$LLAMACPP_MODEL_URL"
if [ -n "\${LLAMACPP_MODEL_SHA256:-}" ] && ! verify "$target.part"; then echo "checksum mismatch for $LLAMACPP_MODEL_URL"; rm -f "$target.part"; exit 1; fi
sha256sum "$target.part" | cut -d' ' -f1 > "$target.sha256"
echo "$LLAMACPP_MODEL_URL" > "$target.url"
mv "$target.part" "$target"
echo "downloaded $target (sha256 $(cat "$target.sha256"))"
`.trim();

export interface GgufModel {
  /** An https:// URL of the .gguf file. */
  readonly url: string;
  /** The file name in the claim. */
  readonly file: string;
  readonly sha256?: string;
}

/** The init container that runs MODEL_DOWNLOAD_SCRIPT (a curl image) into the claim mounted as `volume` at `dir`. */
export function modelDownload(image: string, model: GgufModel, volume: string, dir: string): ContainerArgs {
  return {
    name: "download-model",
    image,
    size: "small",
    command: ["/bin/sh", "-c", MODEL_DOWNLOAD_SCRIPT],
    env: {
      MODELS_DIR: dir,
      LLAMACPP_MODEL_URL: model.url,
      LLAMACPP_MODEL_NAME: model.file,
      ...(model.sha256 ? { LLAMACPP_MODEL_SHA256: model.sha256 } : {}),
    },
    volumeMounts: [{ name: volume, mountPath: dir }],
  };
}
