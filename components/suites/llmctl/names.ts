/** Names, ports and sizes the llmctl seed fixes (its DNS contract: other programs use these names). */
import type { Size } from "../../lib/resources";

export const INSTANCE = "llmctl";
export const NAMES = {
  backend: "llmctl-studio-backend",
  frontend: "llmctl-studio-frontend",
  worker: "llmctl-celery-worker",
  beat: "llmctl-celery-beat",
  redis: "llmctl-redis",
  postgres: "llmctl-postgres",
  chroma: "llmctl-chromadb",
  configMap: "llmctl-studio-config",
  studioSecret: "llmctl-studio-secrets",
  mcpSecret: "llmctl-mcp-secrets",
  dataClaim: "llmctl-studio-data",
  executor: "llmctl-executor",
  controllerServiceAccount: "llmctl-studio",
  executorServiceAccount: "llmctl-executor",
  smokeJob: "llmctl-executor-smoke",
  ingress: "llmctl-studio",
} as const;
export const PORTS = { backend: 5155, frontend: 8080 } as const;
export const POSTGRES = { database: "llmctl", user: "llmctl", passwordKey: "LLMCTL_POSTGRES_PASSWORD" } as const;
/** Redis requires a password: generated in the studio Secret, given to Redis as redis.conf, to Celery in its URLs. */
export const REDIS_AUTH = { passwordKey: "LLMCTL_REDIS_PASSWORD", configSecret: "llmctl-redis-config", brokerSecret: "llmctl-studio-broker" } as const;
/** ChromaDB's token: generated in the studio Secret under the chromadb client's own env name; the proxy's config carries it. */
export const CHROMA_AUTH = { tokenKey: "CHROMA_CLIENT_AUTH_CREDENTIALS", proxySecret: "llmctl-chromadb-proxy" } as const;
export const CREDENTIALS_PATH = "/app/data/credentials";
export const LIVE_CODE_MOUNT = "/app";
export const FRONTEND_SOURCE = "/app/app/llmctl-studio-frontend";

/**
 * Container sizes, declared once: the section builders size containers from here and the capacity
 * declaration (capacity.ts) counts the same sizes.
 */
export const SIZES = {
  // The studio: the API and the Celery worker do the work; the UI, the scheduler and the MCP servers mostly wait.
  backend: "medium", worker: "medium",
  frontend: "small", beat: "small", mcp: "small",
  // Short-lived: the init gates and the executor smoke Job.
  gate: "tiny", smoke: "small",
  // Datastores: Postgres and Chroma hold their working sets in memory.
  postgres: "medium", chroma: "medium", redis: "small",
  chromaProxy: "tiny",
} as const satisfies Record<string, Size>;
