/**
 * Names, ports and sizes the llm-stack seed fixes (its DNS list: postgres:5432, redis:6379, qdrant:6333,
 * litellm:4000, openwebui:8080, r2r:7272, plus react-client:3000 inside the suite's namespace).
 */
import type { Resources } from "../../lib/resources";

export const INSTANCE = "llm-stack";
export const NAMES = {
  postgres: "postgres",
  redis: "redis",
  qdrant: "qdrant",
  litellm: "litellm",
  openwebuiRedis: "openwebui-redis",
  r2r: "r2r",
  openwebui: "openwebui",
  reactClient: "react-client",
  /** The seed's names: litellm-secret (keys), the LiteLLM config map. */
  litellmSecret: "litellm-secret",
  litellmConfig: "litellm-config",
  /** R2R's config file: the gateway's models (decisions.ts, r2rConfigFile). */
  r2rConfig: "r2r-config",
  stackSecret: "llm-stack-secrets",
  redisConfig: "redis-config",
  qdrantData: "qdrant-data",
  openwebuiData: "openwebui-data",
  /** The generated key every local model server asks for, which LiteLLM sends. */
  modelServersSecret: "model-servers",
  /** LiteLLM's database role's password, and the Job that creates the role and database. */
  gatewayDb: "litellm-database",
  /** The Job that registers each consumer's key with LiteLLM, and its ConfigMap (the script and the limits). */
  gatewayKeys: "litellm-keys",
} as const;

/** LiteLLM's own database and role in the stack's Postgres. */
export const GATEWAY_DB = { database: "litellm", user: "litellm" } as const;
/** A consumer's key Secret in this namespace: gateway-<consumer>, key api-key. */
export const consumerKeySecret = (consumer: string): string => `gateway-${consumer}`;

/** Where a model server mounts its weights claim. */
export const MODELS_DIR = "/models";

export const PORTS = { postgres: 5432, redis: 6379, qdrant: 6333, qdrantGrpc: 6334, litellm: 4000, r2r: 7272, openwebui: 8080, reactClient: 3000 } as const;
export const POSTGRES = { database: "r2r_db", user: "postgres", passwordKey: "POSTGRES_PASSWORD" } as const;
/** Keys of llm-stack-secrets (generated) and litellm-secret (the master key and the operator's provider keys). */
export const KEYS = { redisPassword: "REDIS_PASSWORD", qdrantApiKey: "QDRANT_API_KEY", webuiSecret: "WEBUI_SECRET_KEY", masterKey: "master-key", saltKey: "salt-key", openai: "openai-api-key", anthropic: "anthropic-api-key" } as const;

// Ephemeral storage is not in the seed's table: the platform's medium size (lib/resources.ts) for each.
const r = (rc: string, rm: string, lc: string, lm: string): Resources => ({
  requests: { cpu: rc, memory: rm, "ephemeral-storage": "128Mi" },
  limits: { cpu: lc, memory: lm, "ephemeral-storage": "2Gi" },
});

/**
 * The seed's resource table, exactly (it gives Postgres none: Postgres is sized by the resource profile,
 * like every other container of the platform, so it still has requests and limits).
 */
export const SEED_RESOURCES = {
  reactClient: r("100m", "256Mi", "500m", "512Mi"),
  redis: r("100m", "256Mi", "500m", "512Mi"),
  qdrant: r("250m", "512Mi", "500m", "1Gi"),
  litellm: r("250m", "512Mi", "500m", "1Gi"),
  r2r: r("500m", "1Gi", "1000m", "2Gi"),
  openwebui: r("250m", "512Mi", "500m", "1Gi"),
} as const;

/**
 * Local model servers, per replica (not in the seed): llama.cpp holds a small GGUF and its 8k-token context in
 * memory (the default 0.5B chat model takes about 0.5Gi) and uses the cores it is given; vLLM takes the GPU's memory for weights and cache and wants host memory to load the weights.
 */
export const MODEL_RESOURCES = {
  llamacpp: r("100m", "512Mi", "2", "2Gi"),
  vllm: r("2", "16Gi", "8", "32Gi"),
} as const;
