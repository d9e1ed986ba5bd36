/**
 * The mlops suite's config slice: storage, the buckets beyond the seed's, MLflow's login, sizes for the
 * standard profile (small uses the seed's dev overlay), and exposure of the MinIO console and MLflow.
 */
import { DNS_SUBDOMAIN } from "../../config/patterns";
import type { PlatformConfig } from "../../config/platform";
import type { Reader } from "../../config/reader";
import type { KeySpec } from "../../config/schema";
import { hasPublicHosts } from "../../platform/exposure";
import type { ParsedSlice } from "../types";
import { SEED_BUCKETS } from "./names";

const g = { mlops: "MLOps", sizes: "MLOps sizes" } as const;

export const MLOPS_SCHEMA = {
  mlopsNamespace: { type: "string", group: g.mlops, default: "mlops", description: "Namespace of MinIO, PostgreSQL and MLflow (the seed's)." },
  mlopsMlflowReplicas: { type: "integer", group: g.mlops, default: 1, description: "MLflow replicas (stateless: runs and logins in PostgreSQL, artifacts in MinIO); 2+ get a PodDisruptionBudget (podDisruptionBudgets) (1-20)." },
  mlopsMinioStorageSize: { type: "string", group: g.mlops, default: "100Gi", description: "minio-storage claim size (ReadWriteOnce)." },
  mlopsPostgresStorageSize: { type: "string", group: g.mlops, default: "20Gi", description: "postgresql-storage claim size (ReadWriteOnce)." },
  mlopsExtraBuckets: {
    type: "array",
    group: g.mlops,
    default: [],
    description: "Buckets beyond the seed's (mlflow-artifacts, models, datasets, experiments) and the ones other suites ask for; S3 bucket names.",
  },
  mlopsMlflowAuth: { type: "boolean", group: g.mlops, default: true, description: "MLflow's basic-auth login with a generated admin password (false only behind port-forwards)." },
  mlopsMinioConsoleNodePort: { type: "integer", group: g.mlops, default: 30901, description: "NodePort of the MinIO console (exposure=nodePort)." },
  mlopsMlflowNodePort: { type: "integer", group: g.mlops, default: 30500, description: "NodePort of MLflow (exposure=nodePort)." },
  mlopsMinioConsoleHost: { type: "string", group: g.mlops, default: "", description: "Public host of the MinIO console; required behind the edge." },
  mlopsMlflowHost: { type: "string", group: g.mlops, default: "", description: "Public host of MLflow; required behind the edge." },
  mlopsMinioCpu: { type: "string", group: g.sizes, default: "1", description: "MinIO CPU request (limit twice); the small profile uses the seed's dev 250m." },
  mlopsMinioMemory: { type: "string", group: g.sizes, default: "2Gi", description: "MinIO memory request (limit twice); the small profile uses the seed's dev 512Mi." },
  mlopsPostgresCpu: { type: "string", group: g.sizes, default: "500m", description: "PostgreSQL CPU request (limit twice)." },
  mlopsPostgresMemory: { type: "string", group: g.sizes, default: "1Gi", description: "PostgreSQL memory request (limit twice)." },
  mlopsMlflowCpu: { type: "string", group: g.sizes, default: "500m", description: "MLflow CPU request (limit twice)." },
  mlopsMlflowMemory: { type: "string", group: g.sizes, default: "1Gi", description: "MLflow memory request (limit twice)." },
} as const satisfies Record<string, KeySpec>;

export type MlopsSchema = typeof MLOPS_SCHEMA;

export interface Size {
  readonly cpu: string;
  readonly memory: string;
}

export interface MlopsConfig {
  readonly namespace: string;
  readonly storage: { readonly minio: string; readonly postgres: string };
  /** The seed's buckets and mlopsExtraBuckets (other suites' are added at deploy time). */
  readonly buckets: readonly string[];
  readonly mlflowAuth: boolean;
  readonly nodePorts: { readonly console: number; readonly mlflow: number };
  readonly hosts: { readonly console?: string; readonly mlflow?: string };
  readonly sizes: { readonly minio: Size; readonly postgres: Size; readonly mlflow: Size };
  readonly mlflowReplicas: number;
}

/** S3's bucket naming rules (the subset MinIO enforces): 3-63 of a-z 0-9 . -, starting and ending alphanumeric, not an IP. */
export const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseMlops(r: Reader<MlopsSchema>, platform: PlatformConfig): ParsedSlice<MlopsConfig> {
  const enabled = platform.suites.includes("mlops");
  const namespace = r.dnsLabel("mlopsNamespace");
  const extra = r.get("mlopsExtraBuckets");
  for (const b of extra) if (!BUCKET_NAME.test(b)) r.problem("mlopsExtraBuckets", `${JSON.stringify(b)} is not an S3 bucket name (3-63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit)`);
  const buckets = [...new Set([...SEED_BUCKETS, ...extra.filter((b) => BUCKET_NAME.test(b))])];
  const host = (key: "mlopsMinioConsoleHost" | "mlopsMlflowHost") => {
    const h = r.get(key);
    if (h !== "" && !DNS_SUBDOMAIN.test(h)) r.problem(key, `must be a lower-case DNS name (got ${JSON.stringify(h)})`);
    if (enabled && hasPublicHosts(platform.exposure) && h === "") r.problem(key, `is required when exposure is ${platform.exposure.mode}`);
    return h || undefined;
  };
  const size = (cpu: "mlopsMinioCpu" | "mlopsPostgresCpu" | "mlopsMlflowCpu", memory: "mlopsMinioMemory" | "mlopsPostgresMemory" | "mlopsMlflowMemory"): Size => ({
    cpu: r.cpu(cpu, "500m or 2"),
    memory: r.memory(memory, "512Mi or 2Gi"),
  });
  const config: MlopsConfig = {
    namespace,
    storage: { minio: r.quantity("mlopsMinioStorageSize"), postgres: r.quantity("mlopsPostgresStorageSize") },
    buckets,
    mlflowAuth: r.get("mlopsMlflowAuth"),
    nodePorts: { console: r.nodePort("mlopsMinioConsoleNodePort"), mlflow: r.nodePort("mlopsMlflowNodePort") },
    hosts: { console: host("mlopsMinioConsoleHost"), mlflow: host("mlopsMlflowHost") },
    sizes: { minio: size("mlopsMinioCpu", "mlopsMinioMemory"), postgres: size("mlopsPostgresCpu", "mlopsPostgresMemory"), mlflow: size("mlopsMlflowCpu", "mlopsMlflowMemory") },
    mlflowReplicas: r.intInRange("mlopsMlflowReplicas", 1, 20),
  };
  const publicHosts = enabled && hasPublicHosts(platform.exposure);
  return {
    config,
    claims: {
      nodePorts:
        enabled && platform.exposure.mode === "nodePort"
          ? [
              { key: "mlopsMinioConsoleNodePort", port: config.nodePorts.console },
              { key: "mlopsMlflowNodePort", port: config.nodePorts.mlflow },
            ]
          : [],
      namespaces: [{ key: "mlopsNamespace", namespace }],
      hosts: publicHosts
        ? [
            ...(config.hosts.console ? [{ key: "mlopsMinioConsoleHost", host: config.hosts.console, namespace }] : []),
            ...(config.hosts.mlflow ? [{ key: "mlopsMlflowHost", host: config.hosts.mlflow, namespace }] : []),
          ]
        : [],
    },
  };
}
