/** Names, ports and sizes the code-executor seed fixes (its Services, RBAC, HPA, ConfigMap and Secret names). */
import type { Resources } from "../../lib/resources";

export const INSTANCE = "code-executor";
export const NAMES = {
  llm: "llm-service",
  executor: "executor-service",
  serviceAccount: "executor-service",
  role: "executor-service-role",
  roleBinding: "executor-service-rolebinding",
  hpa: "executor-service-hpa",
  config: "llm-executor-config",
  secret: "llm-executor-secrets",
  quota: "llm-executor-quota",
  limits: "llm-executor-limits",
} as const;
export const PORTS = { llm: 8000, executor: 8001 } as const;
export const HEALTH_PATH = "/api/v1/health";
/** Where both services serve Prometheus metrics (the seed's Monitoring section), on their own ports. */
export const METRICS_PATH = "/metrics";
/** The bucket the suite asks the platform's object store for (when the operator brings no S3 keys). */
export const BUCKET = "code-executor-artifacts";
/** The non-root user every pod of the suite runs as (the seed's UID 1000). */
export const UID = 1000;

const r = (rc: string, rm: string, lc: string, lm: string): Resources => ({
  requests: { cpu: rc, memory: rm, "ephemeral-storage": "128Mi" },
  limits: { cpu: lc, memory: lm, "ephemeral-storage": "2Gi" },
});

/** The seed's per-pod resources. */
export const SEED_RESOURCES = { llm: r("500m", "1Gi", "2", "4Gi"), executor: r("1", "2Gi", "4", "8Gi") } as const;

/**
 * What the executor service may do through the API server, exactly: manage Jobs, read Pods and their logs, in
 * its own namespace (a Role, never a ClusterRole).
 */
export const EXECUTOR_RULES = [
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "get", "list", "watch", "update", "patch", "delete"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
] as const;
