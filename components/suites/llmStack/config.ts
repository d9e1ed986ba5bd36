/**
 * The llm-stack suite's config slice: namespace, storage sizes, the LiteLLM model list (typed, validated),
 * the operator's provider keys, OpenWebUI's auth switch, NodePorts and public hosts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { HostClaim } from "../../config/claims";
import { DNS_SUBDOMAIN } from "../../config/patterns";
import type { PlatformConfig } from "../../config/platform";
import type { Reader } from "../../config/reader";
import type { KeySpec } from "../../config/schema";
import { hasPublicHosts } from "../../platform/exposure";
import type { ParsedSlice } from "../types";
import { type ConsumerLimits, GATEWAY_KEYS_FORMAT, parseConsumerLimits } from "./consumers";
import { LOCAL_MODELS_FORMAT, type LocalModel, parseLocalModel, type ProviderModel } from "./models";

const g = { stack: "LLM stack", exposure: "LLM stack exposure", secrets: "LLM stack provider keys (optional)" } as const;

export const PROVIDERS = ["openai", "anthropic"] as const;
export type Provider = (typeof PROVIDERS)[number];

export const LLM_STACK_SCHEMA = {
  llmStackNamespace: { type: "string", group: g.stack, default: "llm-stack", description: "Namespace of the LLM stack (the seed's DNS names resolve inside it)." },
  llmStackGatewayReplicas: { type: "integer", group: g.stack, default: 1, description: "LiteLLM replicas (stateless: its keys and spend in Postgres, its cache in Redis); 2+ get a PodDisruptionBudget (podDisruptionBudgets) (1-20)." },
  llmStackR2rReplicas: { type: "integer", group: g.stack, default: 1, description: "R2R replicas (stateless: Postgres and Qdrant hold its data) (1-20)." },
  llmStackClientReplicas: { type: "integer", group: g.stack, default: 1, description: "React client replicas (static files) (1-20)." },
  llmStackPostgresStorageSize: { type: "string", group: g.stack, default: "20Gi", description: "PVC size of postgres (the seed's example: 20Gi)." },
  llmStackRedisStorageSize: { type: "string", group: g.stack, default: "1Gi", description: "PVC size of redis." },
  llmStackQdrantStorageSize: { type: "string", group: g.stack, default: "10Gi", description: "PVC size of qdrant's storage." },
  llmStackOpenWebuiStorageSize: { type: "string", group: g.stack, default: "5Gi", description: "PVC size of OpenWebUI's data (users, chats)." },
  llmStackLocalModels: {
    type: "array",
    group: g.stack,
    default: [
      "local-chat=llamacpp:https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf",
      "local-embed=llamacpp:https://huggingface.co/nomic-ai/nomic-embed-text-v1.5-GGUF/resolve/main/nomic-embed-text-v1.5.Q8_0.gguf,embedding",
    ],
    description: `The models the platform serves itself, through LiteLLM with no provider key: ${LOCAL_MODELS_FORMAT}. llamacpp downloads its file once into a claim (checked against sha256, or against the first download's); vllm copies the weights from the object store into a claim once, and needs gpuEnabled and the mlops suite. The first chat model is the default.`,
  },
  llmStackLocalModelsStorageSize: { type: "string", group: g.stack, default: "10Gi", description: "PVC size of each local model's weights claim (model-<name>-weights)." },
  llmStackModels: {
    type: "array",
    group: g.stack,
    default: ["gpt-4o-mini=openai/gpt-4o-mini", "claude-3-5-sonnet=anthropic/claude-3-5-sonnet-20241022"],
    description:
      "Provider models LiteLLM serves beside the local ones, each `<model name>=<provider>/<provider model>` (provider: openai or anthropic). A model whose provider key is not set is left out, with a preview warning.",
  },
  llmStackGatewayKeys: {
    type: "array",
    group: g.stack,
    default: [],
    description: `Limits of the gateway's per-consumer keys, each ${GATEWAY_KEYS_FORMAT}. A consumer not listed gets a key for every model, without limits; the metrics scraper's key can never spend. rotate= with a new token replaces that consumer's key only.`,
  },
  llmStackWebuiAuth: {
    type: "boolean",
    group: g.stack,
    default: true,
    description: "OpenWebUI's login (WEBUI_AUTH). false only on a laptop: OpenWebUI then lets anyone in as admin.",
  },
  llmStackOpenWebuiNodePort: { type: "integer", group: g.exposure, default: 30180, description: "NodePort of openwebui (exposure=nodePort), 30000-32767." },
  llmStackReactClientNodePort: { type: "integer", group: g.exposure, default: 30181, description: "NodePort of react-client (exposure=nodePort), 30000-32767." },
  llmStackLitellmNodePort: { type: "integer", group: g.exposure, default: 30182, description: "NodePort of litellm (exposure=nodePort), 30000-32767." },
  llmStackOpenWebuiHost: { type: "string", group: g.exposure, default: "", description: "Public host of OpenWebUI (required when exposure is gateway or ingress)." },
  llmStackReactClientHost: { type: "string", group: g.exposure, default: "", description: "Public host of the React client (required when exposure is gateway or ingress)." },
  llmStackLitellmHost: {
    type: "string",
    group: g.exposure,
    default: "",
    description: "Public host of LiteLLM's API (optional; empty keeps it in-cluster). Published with the edge auth (edgeAuth) in front of LiteLLM's own key.",
  },
  llmStackOpenaiApiKey: { type: "string", group: g.secrets, default: "", secret: true, description: "OpenAI API key for LiteLLM (OPENAI_API_KEY)." },
  llmStackAnthropicApiKey: { type: "string", group: g.secrets, default: "", secret: true, description: "Anthropic API key for LiteLLM (ANTHROPIC_API_KEY)." },
} as const satisfies Record<string, KeySpec>;

export type LlmStackSchema = typeof LLM_STACK_SCHEMA;

/** A provider model (llmStackModels). */
export type ModelSpec = ProviderModel;

export interface LlmStackConfig {
  readonly namespace: string;
  readonly storage: { readonly postgres: string; readonly redis: string; readonly qdrant: string; readonly openwebui: string; readonly models: string };
  /** The models the platform serves itself (first: the default chat model). */
  readonly localModels: readonly LocalModel[];
  /** The provider models LiteLLM serves: those whose provider key is set. */
  readonly models: readonly ModelSpec[];
  /** Models left out for a missing key (a preview warning each). */
  readonly droppedModels: readonly ModelSpec[];
  /** Limits of each consumer's gateway key (llmStackGatewayKeys), by consumer. */
  readonly gatewayKeys: Readonly<Record<string, ConsumerLimits>>;
  readonly webuiAuth: boolean;
  readonly nodePorts: { readonly openwebui: number; readonly reactClient: number; readonly litellm: number };
  /** The stateless workloads' replicas (Qdrant and OpenWebUI hold ReadWriteOnce claims: one each). */
  readonly replicas: { readonly litellm: number; readonly r2r: number; readonly reactClient: number };
  readonly hosts: { readonly openwebui?: string; readonly reactClient?: string; readonly litellm?: string };
  readonly keys: Partial<Record<Provider, pulumi.Output<string>>>;
}

const MODEL = /^([A-Za-z0-9][A-Za-z0-9._:-]{0,62})=([a-z]+)\/([A-Za-z0-9][A-Za-z0-9._:/-]{0,127})$/;

function parseModels(r: Reader<LlmStackSchema>): ModelSpec[] {
  const out: ModelSpec[] = [];
  for (const entry of r.get("llmStackModels")) {
    const m = MODEL.exec(entry);
    const provider = PROVIDERS.find((p) => p === m?.[2]);
    if (!m || !provider) {
      r.problem("llmStackModels", `entries must be <model name>=<provider>/<model> with provider one of ${PROVIDERS.join(", ")} (got ${JSON.stringify(entry)})`);
      continue;
    }
    if (out.some((x) => x.name === m[1])) r.problem("llmStackModels", `names the model ${JSON.stringify(m[1])} twice`);
    out.push({ name: m[1], provider, model: m[3] });
  }
  return out;
}

/** The local models; vllm ones need GPUs and the object store (checked only when the suite is on). */
function parseLocalModels(r: Reader<LlmStackSchema>, platform: PlatformConfig, enabled: boolean): LocalModel[] {
  const out: LocalModel[] = [];
  for (const entry of r.get("llmStackLocalModels")) {
    const m = parseLocalModel(entry);
    if (typeof m === "string") {
      r.problem("llmStackLocalModels", m);
      continue;
    }
    if (out.some((x) => x.name === m.name)) r.problem("llmStackLocalModels", `names the model ${JSON.stringify(m.name)} twice`);
    if (enabled && m.server === "vllm" && !platform.gpu.enabled) r.problem("llmStackLocalModels", `model ${m.name} runs on vllm, which needs GPUs: set gpuEnabled (or serve it with llamacpp)`);
    if (enabled && m.server === "vllm" && !platform.suites.includes("mlops")) r.problem("llmStackLocalModels", `model ${m.name} takes its weights from the object store: enable the mlops suite (it provides MinIO)`);
    out.push(m);
  }
  return out;
}

/**
 * Per-consumer key limits. Limits of a suite that is not enabled (or not a consumer) are kept and unused: a preview
 * warning names them (index.ts), so a stack file can keep a suite's limits while the suite is off.
 */
function parseGatewayKeys(r: Reader<LlmStackSchema>, served: readonly string[]): Record<string, ConsumerLimits> {
  const out: Record<string, ConsumerLimits> = {};
  for (const entry of r.get("llmStackGatewayKeys")) {
    const parsed = parseConsumerLimits(entry, served);
    if (typeof parsed === "string") {
      r.problem("llmStackGatewayKeys", parsed);
      continue;
    }
    if (parsed.consumer in out) r.problem("llmStackGatewayKeys", `lists ${parsed.consumer} twice`);
    out[parsed.consumer] = parsed.limits;
  }
  return out;
}

function host(r: Reader<LlmStackSchema>, key: "llmStackOpenWebuiHost" | "llmStackReactClientHost" | "llmStackLitellmHost", required: boolean): string | undefined {
  const value = r.get(key);
  if (value !== "" && !DNS_SUBDOMAIN.test(value)) r.problem(key, `must be a lower-case DNS name (got ${JSON.stringify(value)})`);
  else if (value === "" && required) r.problem(key, "is required when exposure is gateway or ingress (each public service has a host of its own)");
  return value || undefined;
}

export function parseLlmStack(r: Reader<LlmStackSchema>, platform: PlatformConfig): ParsedSlice<LlmStackConfig> {
  const namespace = r.dnsLabel("llmStackNamespace");
  const keys: Partial<Record<Provider, pulumi.Output<string>>> = {};
  const openai = r.secret("llmStackOpenaiApiKey");
  const anthropic = r.secret("llmStackAnthropicApiKey");
  if (openai) keys.openai = openai;
  if (anthropic) keys.anthropic = anthropic;
  const all = parseModels(r);
  const models = all.filter((m) => keys[m.provider] !== undefined);
  // Hosts are required (and claimed) only when the suite is on; its keys are still checked when it is off.
  const enabled = platform.suites.includes("llm-stack");
  const localModels = parseLocalModels(r, platform, enabled);
  const clash = localModels.find((l) => all.some((m) => m.name === l.name));
  if (clash) r.problem("llmStackLocalModels", `names the model ${JSON.stringify(clash.name)}, which llmStackModels names too`);
  if (localModels.length === 0 && all.length === 0) r.problem("llmStackLocalModels", "and llmStackModels are both empty: LiteLLM would serve nothing");
  const isPublic = hasPublicHosts(platform.exposure) && enabled;
  const webuiAuth = r.get("llmStackWebuiAuth");
  const gatewayKeys = parseGatewayKeys(r, [...localModels, ...all].map((m) => m.name));
  if (enabled && !webuiAuth && platform.exposure.mode !== "nodePort" && platform.exposure.mode !== "clusterIP") {
    r.problem("llmStackWebuiAuth", `cannot be false when exposure is ${platform.exposure.mode}: OpenWebUI would let anyone on the internet in as admin`);
  }
  const config: LlmStackConfig = {
    namespace,
    storage: {
      postgres: r.quantity("llmStackPostgresStorageSize"),
      redis: r.quantity("llmStackRedisStorageSize"),
      qdrant: r.quantity("llmStackQdrantStorageSize"),
      openwebui: r.quantity("llmStackOpenWebuiStorageSize"),
      models: r.quantity("llmStackLocalModelsStorageSize"),
    },
    localModels,
    models,
    droppedModels: all.filter((m) => keys[m.provider] === undefined),
    gatewayKeys,
    webuiAuth,
    nodePorts: { openwebui: r.nodePort("llmStackOpenWebuiNodePort"), reactClient: r.nodePort("llmStackReactClientNodePort"), litellm: r.nodePort("llmStackLitellmNodePort") },
    replicas: { litellm: r.intInRange("llmStackGatewayReplicas", 1, 20), r2r: r.intInRange("llmStackR2rReplicas", 1, 20), reactClient: r.intInRange("llmStackClientReplicas", 1, 20) },
    hosts: { openwebui: host(r, "llmStackOpenWebuiHost", isPublic), reactClient: host(r, "llmStackReactClientHost", isPublic), litellm: host(r, "llmStackLitellmHost", false) },
    keys,
  };
  const hostClaims: HostClaim[] = isPublic
    ? (
        [
          ["llmStackOpenWebuiHost", config.hosts.openwebui],
          ["llmStackReactClientHost", config.hosts.reactClient],
          ["llmStackLitellmHost", config.hosts.litellm],
        ] as const
      ).flatMap(([key, h]) => (h ? [{ key, host: h, namespace }] : []))
    : [];
  return {
    config,
    claims: {
      nodePorts:
        platform.exposure.mode === "nodePort" && enabled
          ? [
              { key: "llmStackOpenWebuiNodePort", port: config.nodePorts.openwebui },
              { key: "llmStackReactClientNodePort", port: config.nodePorts.reactClient },
              { key: "llmStackLitellmNodePort", port: config.nodePorts.litellm },
            ]
          : [],
      namespaces: [{ key: "llmStackNamespace", namespace }],
      hosts: hostClaims,
    },
  };
}
