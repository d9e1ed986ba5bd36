/**
 * The MLOps suite (seed mlops-base.md): MinIO with its buckets and PostgreSQL under the seed's names, and the
 * MLflow tracking server the seed left TODO. MinIO is the platform's object store: a consumer that declares a grant
 * gets its buckets and a user of its own created here, and receives the endpoint and that user's keys
 * (components/platform/objectStore.ts, users.ts); MinIO's root keys stay here and in the operator's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BackedUpStore } from "../../platform/backups/jobs";
import { backupTarget } from "../../platform/backups/target";
import type { PlatformConfig } from "../../config/platform";
import type { WorkloadDemand } from "../../lib/capacity";
import { workloadDemand } from "../../lib/demand";
import { resources } from "../../lib/resources";
import { type ExposureConfig, hostOrigin, publicOrigin, serviceHost } from "../../platform/exposure";
import { workloadPods } from "../../platform/flows";
import { grantedBuckets, mergeGrants, type ObjectStore, type ObjectStoreGrant } from "../../platform/objectStore";
import { openSuite } from "../context";
import { defineSuite, type PlatformContext } from "../types";
import { MLOPS_SCHEMA, type MlopsConfig, parseMlops } from "./config";
import { MLOPS_CATALOGUE, type MlopsImage } from "./images";
import { mlopsBackups } from "./backups";
import { minio, minioEndpoint } from "./minio";
import { type Mlflow, mlflow } from "./mlflow";
import { INSTANCE, KEYS, NAMES, PORTS, S3_REGION, sized } from "./names";
import { mlopsNetwork } from "./network";
import { MLFLOW_GRANT, mirrorGrant, storeUsers } from "./users";
import { postgresql } from "./postgresql";

/** What a person opens: the MinIO console and MLflow; what a client sets: MLFLOW_TRACKING_URI. */
export function mlopsUrls(cfg: MlopsConfig, exposure: ExposureConfig): { minioConsole: string; mlflow: string; trackingUri: string } {
  const inCluster = (name: string, port: number) => `http://${serviceHost(name, cfg.namespace)}:${port}`;
  const pub = (host: string | undefined, name: string, port: number, nodePort: number) =>
    (exposure.mode === "gateway" || exposure.mode === "ingress") && host ? hostOrigin(exposure, host) : publicOrigin(exposure, { host: "", nodePort, inCluster: inCluster(name, port) });
  return {
    minioConsole: pub(cfg.hosts.console, NAMES.minio, PORTS.minioConsole, cfg.nodePorts.console),
    mlflow: pub(cfg.hosts.mlflow, NAMES.mlflow, PORTS.mlflow, cfg.nodePorts.mlflow),
    trackingUri: inCluster(NAMES.mlflow, PORTS.mlflow),
  };
}

export function mlopsDemand(cfg: MlopsConfig, platform: PlatformConfig): WorkloadDemand[] {
  const p = platform.resourceProfile;
  const d = (workload: string, kind: string, c: Parameters<typeof workloadDemand>[0]["containers"], extra: Partial<Parameters<typeof workloadDemand>[0]> = {}) =>
    workloadDemand({ namespace: cfg.namespace, workload, kind, containers: c, ...extra });
  return [
    d(NAMES.minio, "Deployment", [sized(cfg.sizes.minio, p)]),
    d(NAMES.postgres, "StatefulSet", [sized(cfg.sizes.postgres, p)]),
    d(NAMES.mlflow, "Deployment", [sized(cfg.sizes.mlflow, p)], { initContainers: [resources(p, "tiny")], pods: cfg.mlflowReplicas }),
    d(NAMES.buckets, "Job", [resources(p, "tiny")]),
  ];
}

export class MlopsSuite extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly urls: ReturnType<typeof mlopsUrls>;
  readonly objectStore: ObjectStore;
  readonly buckets: readonly string[];
  /** Every user of the store: who holds its keys and what they open. */
  readonly grants: readonly ObjectStoreGrant[];
  readonly minioAccessKey: pulumi.Output<string>;
  readonly minioSecretKey: pulumi.Output<string>;
  readonly mlflowAdminPassword?: pulumi.Output<string>;
  readonly backups?: Readonly<Record<string, BackedUpStore>>;

  constructor(name: string, args: { config: MlopsConfig; platform: PlatformContext<MlopsImage> }, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:suites:Mlops", name, {}, opts);
    const { config: cfg, platform } = args;
    const ctx = openSuite(this, name, platform, { namespaceName: cfg.namespace, instance: INSTANCE });
    this.namespace = ctx.namespace;
    // The seed's buckets, mlopsExtraBuckets, then what the other consumers' grants name.
    const others = platform.objectStoreGrants ?? [];
    this.buckets = [...new Set([...cfg.buckets, ...grantedBuckets(others)])];
    // Its own consumers: MLflow, and the bucket mirror when the backups go to an external bucket.
    this.grants = mergeGrants([MLFLOW_GRANT, ...(platform.backups.external ? [mirrorGrant(this.buckets)] : []), ...others]);
    const root = minio(ctx, cfg);
    const users = storeUsers(ctx, cfg, this.buckets, this.grants, root);
    const db = postgresql(ctx, cfg);
    const tracking: Mlflow = mlflow(ctx, cfg, { database: db.credentials, store: users.secrets[MLFLOW_GRANT.user] });
    mlopsNetwork(ctx, cfg, platform.monitoring);
    this.minioAccessKey = root.values[KEYS.accessKey];
    this.minioSecretKey = root.values[KEYS.secretKey];
    this.mlflowAdminPassword = tracking.auth?.values[KEYS.mlflowAdminPassword];
    this.objectStore = {
      endpoint: minioEndpoint(cfg.namespace),
      region: S3_REGION,
      provider: "mlops",
      pods: workloadPods(NAMES.minio, INSTANCE, cfg.namespace, this.namespace),
      port: PORTS.minioApi,
      keys: (user) => users.keys(user),
    };
    this.urls = mlopsUrls(cfg, platform.exposure);
    // Its own store is the target unless the stack names an external bucket (then platform.backupTarget is that).
    this.backups = mlopsBackups(ctx, cfg, this.buckets, platform.backupTarget ?? backupTarget(platform.backups, this.objectStore));
    this.registerOutputs({ namespace: this.namespace, urls: this.urls });
  }
}

export const mlops = defineSuite({
  name: "mlops",
  schema: MLOPS_SCHEMA,
  images: MLOPS_CATALOGUE,
  parse: parseMlops,
  demand: mlopsDemand,
  create: (config: MlopsConfig, platform: PlatformContext<MlopsImage>, opts) => new MlopsSuite(INSTANCE, { config, platform }, opts),
  outputs: (s: MlopsSuite) => ({
    namespace: s.namespace,
    urls: s.urls,
    /** For MLflow clients in the cluster: `export MLFLOW_TRACKING_URI=...`. */
    mlflowTrackingUri: s.urls.trackingUri,
    buckets: s.buckets,
    /** The store's users (access keys) and the buckets each opens; their secret keys are in minio-user-<user>. */
    users: Object.fromEntries(s.grants.map((g) => [g.user, { buckets: g.buckets, access: g.access }])),
    s3Endpoint: s.objectStore.endpoint,
    // Secret outputs: `pulumi stack output --show-secrets suites`. MinIO's root keys: the operator's (console, mc admin).
    minio: { accessKey: pulumi.secret(s.minioAccessKey), secretKey: pulumi.secret(s.minioSecretKey) },
    ...(s.mlflowAdminPassword ? { mlflowAdmin: { username: "admin", password: pulumi.secret(s.mlflowAdminPassword) } } : {}),
    backups: s.backups,
  }),
  objectStore: (s: MlopsSuite) => s.objectStore,
});
