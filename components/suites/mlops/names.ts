/** Names, ports and sizes the mlops seed (mlops-base.md) fixes, and MLflow's, which the seed left TODO. */
import type { Resources, ResourceProfile } from "../../lib/resources";

export const INSTANCE = "mlops";
export const NAMES = {
  minio: "minio",
  /** dev only: the console's NodePort Service (the S3 API stays off the nodes). */
  minioConsole: "minio-console",
  minioStorage: "minio-storage",
  minioCredentials: "minio-credentials",
  buckets: "minio-create-buckets",
  /** Each consumer's IAM policy (users.ts). */
  minioPolicies: "minio-policies",
  postgres: "postgresql",
  postgresExternal: "postgresql-external",
  postgresStorage: "postgresql-storage",
  postgresCredentials: "postgresql-credentials",
  postgresConfig: "postgresql-config",
  postgresInit: "postgresql-init-scripts",
  mlflow: "mlflow",
  mlflowAuth: "mlflow-auth",
  mlflowConfig: "mlflow-config",
} as const;

/** The seed's secret keys (`kubectl create secret generic minio-credentials --from-literal=accesskey=...`). */
export const KEYS = {
  accessKey: "accesskey",
  secretKey: "secretkey",
  postgresPassword: "postgres-password",
  mlflowDbPassword: "mlflow-password",
  mlflowAdminPassword: "admin-password",
  mlflowAdminUser: "admin-username",
  mlflowFlaskSecret: "flask-secret-key",
} as const;

export const PORTS = { minioApi: 9000, minioConsole: 9001, postgres: 5432, mlflow: 5000 } as const;
/** The seed's buckets; MLflow's artifacts go to the first. */
export const SEED_BUCKETS = ["mlflow-artifacts", "models", "datasets", "experiments"] as const;
export const MLFLOW_DB = { database: "mlflow", user: "mlflow" } as const;
export const POSTGRES_ADMIN = { database: "mlops", user: "postgres" } as const;
export const S3_REGION = "us-east-1";

/** Requests from config (or the seed's dev overlay, 250m/512Mi, on the small profile); limits twice the requests. */
export function sized(request: { cpu: string; memory: string }, profile: ResourceProfile): Resources {
  const r = profile === "small" ? { cpu: "250m", memory: "512Mi" } : request;
  const twice = (q: string) => q.replace(/^([0-9.]+)/, (n) => String(Number(n) * 2));
  return {
    requests: { cpu: r.cpu, memory: r.memory, "ephemeral-storage": "128Mi" },
    limits: { cpu: twice(r.cpu), memory: twice(r.memory), "ephemeral-storage": "2Gi" },
  };
}
