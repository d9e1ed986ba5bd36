/**
 * The models the platform serves itself (llmStackLocalModels), as pure data: each entry's server, weights and
 * kind, parsed with errors that name the key; and the LiteLLM model-list entries for them and for the provider
 * models. A local model needs no key from anyone: LiteLLM reaches its server in-cluster with a generated key.
 */
import { serviceHost } from "../../platform/exposure";
import type { GgufModel } from "../../workloads/llamacpp";

/** llama.cpp on CPU (a GGUF file from an https URL), or vLLM on GPUs (weights from the platform's object store). */
export const MODEL_SERVERS = ["llamacpp", "vllm"] as const;
export type ModelServer = (typeof MODEL_SERVERS)[number];

export interface LocalModel {
  /** The name clients ask LiteLLM for; also names its workload (model-<name>). */
  readonly name: string;
  readonly server: ModelServer;
  readonly mode: "chat" | "embedding";
  /** llamacpp: the GGUF file. */
  readonly gguf?: GgufModel;
  /** vllm: the bucket and key prefix of the weights directory (config.json, tokenizer, safetensors). */
  readonly weights?: { readonly bucket: string; readonly prefix: string };
  /** GPUs per replica (vllm: 1 or more; llamacpp: 0). */
  readonly gpus: number;
  /** Size of its weights claim; undefined: llmStackLocalModelsStorageSize. */
  readonly storage?: string;
}

/** The port each server listens on (llama.cpp's and vLLM's defaults). */
export const MODEL_PORTS: Readonly<Record<ModelServer, number>> = { llamacpp: 8080, vllm: 8000 };
export const modelWorkload = (m: LocalModel): string => `model-${m.name}`;

const NAME = /^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/;
const ENTRY = /^([^=]+)=([a-z]+):([^,]+)((?:,[^,]+)*)$/;
const BUCKET_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/([A-Za-z0-9._\/-]+?)\/?$/;
const GGUF_URL = /^https:\/\/[^\s/]+\/\S*?([A-Za-z0-9._-]+\.gguf)$/;

export const LOCAL_MODELS_FORMAT =
  "<name>=llamacpp:<https URL of a .gguf>[,sha256=<64 hex>][,embedding][,storage=<size>] or <name>=vllm:s3://<bucket>/<prefix>[,gpus=<n>][,storage=<size>], <name> a DNS label of at most 42 characters, <size> such as 40Gi";

/** One entry, or a message saying what is wrong with it (the caller names the key). */
export function parseLocalModel(entry: string): LocalModel | string {
  const m = ENTRY.exec(entry);
  const server = MODEL_SERVERS.find((s) => s === m?.[2]);
  if (!m || !server) return `entries must be ${LOCAL_MODELS_FORMAT} (got ${JSON.stringify(entry)})`;
  const [, name, , source, rest] = m;
  if (!NAME.test(name)) return `model name ${JSON.stringify(name)} must be a lower-case DNS label of at most 42 characters (it names the model's workload)`;
  const options = rest.split(",").filter(Boolean);
  let sha256: string | undefined;
  let gpus = server === "vllm" ? 1 : 0;
  let mode: LocalModel["mode"] = "chat";
  let storage: string | undefined;
  for (const o of options) {
    const [k, v] = o.split("=", 2);
    if (k === "embedding" && v === undefined && server === "llamacpp") mode = "embedding";
    else if (k === "sha256" && server === "llamacpp" && v !== undefined && /^[0-9a-f]{64}$/.test(v)) sha256 = v;
    else if (k === "gpus" && server === "vllm" && v !== undefined && /^[1-8]$/.test(v)) gpus = Number(v);
    else if (k === "storage" && v !== undefined && /^[1-9][0-9]{0,4}(Mi|Gi|Ti)$/.test(v)) storage = v;
    else return `model ${name}: option ${JSON.stringify(o)} is not one of ${server === "llamacpp" ? "sha256=<64 lower-case hex digits>, embedding" : "gpus=<1-8>"}, storage=<size such as 40Gi>`;
  }
  if (server === "llamacpp") {
    const file = GGUF_URL.exec(source)?.[1];
    if (!file) return `model ${name}: llamacpp weights must be an https:// URL of a .gguf file (the file is code llama.cpp runs) (got ${JSON.stringify(source)})`;
    return { name, server, mode, gguf: { url: source, file, sha256 }, gpus, storage };
  }
  const b = BUCKET_URL.exec(source);
  if (!b) return `model ${name}: vllm weights must be s3://<bucket>/<prefix> in the platform's object store (got ${JSON.stringify(source)})`;
  return { name, server, mode, weights: { bucket: b[1], prefix: b[2] }, gpus, storage };
}

/** The env var LiteLLM reads the model servers' generated key from. */
export const LOCAL_MODELS_KEY_ENV = "LOCAL_MODELS_API_KEY";

/** A provider model, as llmStackModels lists it. */
export interface ProviderModel {
  readonly name: string;
  readonly provider: "openai" | "anthropic";
  readonly model: string;
}

/** The provider key's env var, as LiteLLM reads it. */
export const PROVIDER_ENV = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" } as const;

export interface ModelListEntry {
  readonly model_name: string;
  readonly litellm_params: { readonly model: string; readonly api_key: string; readonly api_base?: string };
  readonly model_info?: { readonly mode: "chat" | "embedding" };
}

/**
 * LiteLLM's model_list: local models first (the first chat model is the platform's default), each through
 * LiteLLM's OpenAI-compatible client at its server's in-cluster /v1; then the provider models whose key is set.
 */
export function modelList(local: readonly LocalModel[], providers: readonly ProviderModel[], namespace: string): ModelListEntry[] {
  return [
    ...local.map((m) => ({
      model_name: m.name,
      litellm_params: { model: `openai/${m.name}`, api_base: `http://${serviceHost(modelWorkload(m), namespace)}:${MODEL_PORTS[m.server]}/v1`, api_key: `os.environ/${LOCAL_MODELS_KEY_ENV}` },
      model_info: { mode: m.mode },
    })),
    ...providers.map((m) => ({ model_name: m.name, litellm_params: { model: `${m.provider}/${m.model}`, api_key: `os.environ/${PROVIDER_ENV[m.provider]}` } })),
  ];
}

/** The model a chat client opens with: the first local chat model, else the first provider model. */
export function defaultChatModel(local: readonly LocalModel[], providers: readonly ProviderModel[]): string | undefined {
  return local.find((m) => m.mode === "chat")?.name ?? providers[0]?.name;
}

/** The model documents are embedded with: the first local embedding model. */
export function defaultEmbeddingModel(local: readonly LocalModel[]): string | undefined {
  return local.find((m) => m.mode === "embedding")?.name;
}
