/**
 * The studio ConfigMap (llmctl-studio-config): every runtime knob of the seed, derived from typed config
 * and from the same names the Services are built from (never retyped, never waiting on a Service).
 */
import type { GpuPlacement } from "../../platform/gpu";

import { CHROMA_TOKEN_HEADER } from "../../workloads/datastores";

export const CELERY_APP = "services.celery_app";
/** chromadb's token client (read from the environment by chromadb.Settings). */
export const CHROMA_CLIENT_AUTH_PROVIDER = "chromadb.auth.token_authn.TokenAuthClientProvider";
export const CELERY_QUEUES = [
  "llmctl_studio",
  "llmctl_studio.downloads.huggingface",
  "llmctl_studio.rag.index",
  "llmctl_studio.rag.drive",
  "llmctl_studio.rag.git",
] as const;

export interface StudioConfigInputs {
  readonly namespace: string;
  readonly postgres: { readonly host: string; readonly port: number; readonly database: string; readonly user: string };
  readonly chroma: { readonly host: string; readonly port: number };
  readonly redis: { readonly host: string; readonly port: number };
  readonly mcpWait: { readonly enabled: boolean; readonly timeoutSeconds: number };
  /** Endpoint URLs Studio must see before start-up. */
  readonly mcpEndpoints: readonly string[];
  readonly executor: {
    readonly frontierImage: string;
    readonly vllmImage: string;
    readonly serviceAccount: string;
    readonly gpuLimit: number;
    readonly gpuResourceName: string;
    readonly jobTtlSeconds: number;
    readonly imagePullSecrets: readonly string[];
    readonly liveCodeHostPath?: string;
    readonly placement: GpuPlacement;
  };
}

/** The ConfigMap data (plain strings: nothing in it waits for another resource). */
export function studioConfigData(i: StudioConfigInputs): Record<string, string> {
  return {
    LLMCTL_POSTGRES_HOST: i.postgres.host,
    LLMCTL_POSTGRES_PORT: String(i.postgres.port),
    LLMCTL_POSTGRES_DB: i.postgres.database,
    LLMCTL_POSTGRES_USER: i.postgres.user,
    CHROMA_HOST: i.chroma.host,
    CHROMA_PORT: String(i.chroma.port),
    CHROMA_SSL: "false",
    // ChromaDB answers only with the token (CHROMA_CLIENT_AUTH_CREDENTIALS, in llmctl-studio-secrets).
    CHROMA_CLIENT_AUTH_PROVIDER: CHROMA_CLIENT_AUTH_PROVIDER,
    CHROMA_AUTH_TOKEN_TRANSPORT_HEADER: CHROMA_TOKEN_HEADER,
    LLMCTL_REDIS_HOST: i.redis.host,
    LLMCTL_REDIS_PORT: String(i.redis.port),
    // CELERY_BROKER_URL and CELERY_RESULT_BACKEND carry the Redis password: Secret llmctl-studio-broker.
    LLMCTL_STUDIO_MCP_WAIT_ENABLED: String(i.mcpWait.enabled),
    LLMCTL_STUDIO_MCP_WAIT_TIMEOUT_SECONDS: String(i.mcpWait.timeoutSeconds),
    LLMCTL_STUDIO_MCP_REQUIRED_ENDPOINTS: i.mcpEndpoints.join(","),
    LLMCTL_NODE_EXECUTOR_PROVIDER: "kubernetes",
    LLMCTL_NODE_EXECUTOR_K8S_NAMESPACE: i.namespace,
    LLMCTL_NODE_EXECUTOR_K8S_IMAGE: i.executor.frontierImage,
    LLMCTL_NODE_EXECUTOR_K8S_FRONTIER_IMAGE: i.executor.frontierImage,
    LLMCTL_NODE_EXECUTOR_K8S_VLLM_IMAGE: i.executor.vllmImage,
    LLMCTL_NODE_EXECUTOR_K8S_SERVICE_ACCOUNT: i.executor.serviceAccount,
    LLMCTL_NODE_EXECUTOR_K8S_GPU_LIMIT: String(i.executor.gpuLimit),
    LLMCTL_NODE_EXECUTOR_K8S_GPU_RESOURCE_NAME: i.executor.gpuResourceName,
    LLMCTL_NODE_EXECUTOR_K8S_JOB_TTL_SECONDS: String(i.executor.jobTtlSeconds),
    LLMCTL_NODE_EXECUTOR_K8S_IMAGE_PULL_SECRETS_JSON: JSON.stringify(i.executor.imagePullSecrets.map((name) => ({ name }))),
    LLMCTL_NODE_EXECUTOR_K8S_LIVE_CODE_ENABLED: String(i.executor.liveCodeHostPath !== undefined),
    LLMCTL_NODE_EXECUTOR_K8S_LIVE_CODE_HOST_PATH: i.executor.liveCodeHostPath ?? "/workspace/llmctl",
    // Placement of GPU executor Jobs (additions to the seed's knobs; empty when GPUs are off).
    LLMCTL_NODE_EXECUTOR_K8S_NODE_SELECTOR_JSON: JSON.stringify(i.executor.placement.nodeSelector ?? {}),
    LLMCTL_NODE_EXECUTOR_K8S_TOLERATIONS_JSON: JSON.stringify(i.executor.placement.tolerations ?? []),
    LLMCTL_NODE_EXECUTOR_K8S_RUNTIME_CLASS_NAME: i.executor.placement.runtimeClassName ?? "",
  };
}
