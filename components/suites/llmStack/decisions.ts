/**
 * The llm-stack suite's decisions as pure functions: in-cluster URLs (from the Service names, never from
 * a Service's outputs), LiteLLM's config file, the gateway other suites get, URLs and port-forwards.
 */
import { type ExposureConfig, publicOrigin, serviceHost } from "../../platform/exposure";
import type { LlmStackConfig } from "./config";
import { type LocalModel, modelList, type ProviderModel } from "./models";
import { NAMES, PORTS } from "./names";

export const url = (name: string, port: number, namespace: string, path = ""): string => `http://${serviceHost(name, namespace)}:${port}${path}`;

/**
 * What LiteLLM needs to serve Prometheus metrics: the `prometheus` callback (without it /metrics/ is empty),
 * and a key on the endpoint, which LiteLLM leaves open by default although its series carry hashed API keys,
 * team and user names and spend. Prometheus sends its own gateway key as a bearer token (network.ts).
 */
export const LITELLM_METRICS_SETTINGS = { callbacks: ["prometheus"], require_auth_for_metrics_endpoint: true } as const;

/**
 * LiteLLM's config.yaml (JSON is YAML): the local models (their servers' generated key from the environment) and
 * the provider models whose key is set (config.ts drops the others), each key by env var name; the master key from
 * the environment. `metrics` (monitoring on) adds the Prometheus callback: nothing collects the series otherwise.
 */
export function litellmConfigFile(models: { readonly local: readonly LocalModel[]; readonly providers: readonly ProviderModel[]; readonly namespace: string }, metrics = false): string {
  return JSON.stringify(
    {
      model_list: modelList(models.local, models.providers, models.namespace),
      general_settings: { master_key: "os.environ/LITELLM_MASTER_KEY" },
      ...(metrics ? { litellm_settings: LITELLM_METRICS_SETTINGS } : {}),
    },
    null,
    2,
  );
}

/** The seed's seven port-forwards (`skaffold dev --port-forward`), as kubectl commands. */
export function portForwards(namespace: string): Record<string, string> {
  const services: Array<[string, number]> = [
    [NAMES.reactClient, PORTS.reactClient],
    [NAMES.openwebui, PORTS.openwebui],
    [NAMES.litellm, PORTS.litellm],
    [NAMES.r2r, PORTS.r2r],
    [NAMES.qdrant, PORTS.qdrant],
    [NAMES.postgres, PORTS.postgres],
    [NAMES.redis, PORTS.redis],
  ];
  return Object.fromEntries(services.map(([s, p]) => [s, `kubectl -n ${namespace} port-forward svc/${s} ${p}:${p}`]));
}

/** What a person opens, per exposure mode. */
export function stackUrls(cfg: LlmStackConfig, exposure: ExposureConfig): { openwebui: string; reactClient: string; litellm: string } {
  const ns = cfg.namespace;
  const of = (name: string, port: number, nodePort: number, host: string | undefined) => `${publicOrigin(exposure, { host: host ?? "", nodePort, inCluster: url(name, port, ns) })}/`;
  return {
    openwebui: of(NAMES.openwebui, PORTS.openwebui, cfg.nodePorts.openwebui, cfg.hosts.openwebui),
    reactClient: of(NAMES.reactClient, PORTS.reactClient, cfg.nodePorts.reactClient, cfg.hosts.reactClient),
    // LiteLLM is in-cluster unless it has a host (or a NodePort in dev).
    litellm: exposure.mode === "gateway" || exposure.mode === "ingress" ? (cfg.hosts.litellm ? of(NAMES.litellm, PORTS.litellm, 0, cfg.hosts.litellm) : `${url(NAMES.litellm, PORTS.litellm, ns)}/`) : of(NAMES.litellm, PORTS.litellm, cfg.nodePorts.litellm, undefined),
  };
}

/** Where to put provider keys, for the outputs. */
export function providerKeyHelp(cfg: LlmStackConfig): Record<string, string> {
  return {
    secret: `${cfg.namespace}/${NAMES.litellmSecret} (keys openai-api-key, anthropic-api-key; filled from stack config)`,
    openai: "pulumi config set --secret llmStackOpenaiApiKey <key> && pulumi up",
    anthropic: "pulumi config set --secret llmStackAnthropicApiKey <key> && pulumi up",
    served: [...cfg.localModels, ...cfg.models].map((m) => m.name).join(", "),
    leftOut: cfg.droppedModels.map((m) => `${m.name} (no ${m.provider} key)`).join(", ") || "none",
  };
}

/**
 * R2R's config file (R2R_CONFIG_PATH; r2r 3.6.6 merges it over its own r2r/r2r.toml with deep_update, core/main/config.py),
 * naming the gateway's models: `[app]`'s LLMs (RAG answers use quality_llm, internal tasks fast_llm; "openai/<name>"
 * goes to the OpenAI SDK at OPENAI_BASE_URL) and both embedding sections, through LiteLLM's client (OPENAI_API_BASE).
 * base_dimension = nan: R2R then sends no `dimensions` and types its pgvector column by the vectors it gets, so any
 * embedding model fits. The vision and audio models stay R2R's own (no such local model): ingesting images or audio
 * needs a provider model. Empty when the gateway serves no chat model.
 */
export function r2rConfigFile(chat: string | undefined, embedding: string | undefined): string {
  if (!chat) return "";
  const llm = JSON.stringify(`openai/${chat}`);
  const lines = ["[app]", ...["fast_llm", "quality_llm", "reasoning_llm", "planning_llm"].map((k) => `${k} = ${llm}`)];
  if (embedding) {
    for (const section of ["embedding", "completion_embedding"]) {
      lines.push("", `[${section}]`, 'provider = "litellm"', `base_model = ${JSON.stringify(`openai/${embedding}`)}`, "base_dimension = nan");
    }
  }
  return `${lines.join("\n")}\n`;
}
