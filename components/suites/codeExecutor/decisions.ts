/**
 * The code-executor suite's decisions as pure functions: the seed's ConfigMap, the namespace's quota and
 * limits (sized so that the services at their HPA maximum plus `heavy.max` heavy Jobs fit, and nothing more),
 * where the S3 keys come from, port-forwards.
 */
import { parseCpu, parseMemory } from "../../lib/capacity";
import type { GpuPlacement } from "../../platform/gpu";
import type { ObjectStoreGrant } from "../../platform/objectStore";
import type { CodeExecutorConfig } from "./config";
import { BUCKET, NAMES, PORTS, SEED_RESOURCES } from "./names";

export function executorConfigData(cfg: CodeExecutorConfig, heavyImage: string, placement: GpuPlacement, llmBaseUrl: string): Record<string, string> {
  return {
    log_level: cfg.logLevel,
    max_retries: String(cfg.maxRetries),
    execution_timeout: String(cfg.executionTimeout),
    llm_api_base_url: llmBaseUrl,
    executor_service_url: `http://${NAMES.executor}:${PORTS.executor}`,
    heavy_job_image: heavyImage,
    heavy_job_namespace: cfg.namespace,
    heavy_job_cpu_request: cfg.heavy.requests.cpu,
    heavy_job_memory_request: cfg.heavy.requests.memory,
    heavy_job_cpu_limit: cfg.heavy.limits.cpu,
    heavy_job_memory_limit: cfg.heavy.limits.memory,
    heavy_job_ttl_seconds: String(cfg.heavy.ttlSeconds),
    heavy_job_active_deadline_seconds: String(cfg.heavy.deadlineSeconds),
    // What every heavy-Job pod must set to be admitted (the namespace enforces Pod Security restricted).
    heavy_job_security_context_json: JSON.stringify({
      pod: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
      container: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    }),
    // GPU placement when a heavy Job asks for one (the platform's GPU settings; empty when GPUs are off).
    heavy_job_gpu_limits_json: JSON.stringify(placement.limits ?? {}),
    heavy_job_node_selector_json: JSON.stringify(placement.nodeSelector ?? {}),
    heavy_job_tolerations_json: JSON.stringify(placement.tolerations ?? []),
    heavy_job_runtime_class_name: placement.runtimeClassName ?? "",
  };
}

export interface Quota {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
  readonly pods: number;
  readonly jobs: number;
}

/**
 * The namespace's ResourceQuota: llm-service's replicas, executor-service at its HPA maximum and `heavy.max`
 * heavy Jobs at once, each at its requests and limits. A runaway producer of Jobs hits the quota, not the cluster.
 */
export function executorQuota(cfg: CodeExecutorConfig): Quota {
  const sum = (pick: (r: { cpu: string; memory: string }) => string, parse: (q: string) => number, kind: "requests" | "limits") =>
    cfg.llmReplicas * parse(pick(SEED_RESOURCES.llm[kind] as { cpu: string; memory: string })) +
    cfg.executor.max * parse(pick(SEED_RESOURCES.executor[kind] as { cpu: string; memory: string })) +
    cfg.heavy.max * parse(pick(cfg.heavy[kind]));
  // Exact quantities (millicores, whole MiB rounded up): a quota rounded down would refuse the last pod.
  const cpu = (kind: "requests" | "limits") => `${Math.ceil(sum((r) => r.cpu, parseCpu, kind))}m`;
  const memory = (kind: "requests" | "limits") => `${Math.ceil(sum((r) => r.memory, parseMemory, kind) / 2 ** 20)}Mi`;
  return {
    requests: { cpu: cpu("requests"), memory: memory("requests") },
    limits: { cpu: cpu("limits"), memory: memory("limits") },
    // A finished Job's pod counts until its TTL deletes it: room for as many again.
    pods: cfg.llmReplicas + cfg.executor.max + 2 * cfg.heavy.max,
    jobs: 2 * cfg.heavy.max,
  };
}

export function portForwards(namespace: string): Record<string, string> {
  return {
    [NAMES.llm]: `kubectl -n ${namespace} port-forward svc/${NAMES.llm} ${PORTS.llm}:${PORTS.llm}`,
    [NAMES.executor]: `kubectl -n ${namespace} port-forward svc/${NAMES.executor} ${PORTS.executor}:${PORTS.executor}`,
  };
}

/**
 * Where the services' S3 keys (the seed's AWS_* "if using S3") come from. The operator's keys win: they name
 * an external store the platform knows nothing about, so the platform's object store is not wired in then.
 */
export type S3Source = "operator" | "object-store" | "none";

export function s3Source(cfg: Pick<CodeExecutorConfig, "s3">, objectStoreOffered: boolean): S3Source {
  if (cfg.s3) return "operator";
  return objectStoreOffered ? "object-store" : "none";
}

/** The suite's user in the platform's object store: its bucket, read-write. */
export const EXECUTOR_STORE_USER = "code-executor";

/**
 * The user the suite asks the platform's object store for. None when the operator brings S3 keys: the
 * services would never use a MinIO bucket then (and without a request the platform hands over no store).
 */
export function executorGrants(cfg: Pick<CodeExecutorConfig, "s3">): readonly ObjectStoreGrant[] {
  return cfg.s3 ? [] : [{ user: EXECUTOR_STORE_USER, buckets: [BUCKET], access: "readwrite", holder: `llm-service and executor-service (Secret object-store in the code executor's namespace)` }];
}
