/**
 * Section: the MLflow tracking server the seed left TODO: metadata in PostgreSQL (its own database and user),
 * artifacts proxied to MinIO's mlflow-artifacts bucket, init gates on both, basic auth with a generated admin
 * password unless turned off, Prometheus metrics on /metrics.
 */
import * as k8s from "@pulumi/kubernetes";
import { checksum } from "../../lib/checksum";
import { MLFLOW_ADMIN_SYNC_SCRIPT } from "./scripts";
import { standardLabels } from "../../lib/labels";
import { GeneratedSecret } from "../../platform/generatedSecret";
import type { EnvMap } from "../../workloads/pod";
import { emptyDir } from "../../workloads/pod";
import { waitForContainer } from "../../workloads/waitFor";
import { WebService } from "../../workloads/webService";
import { childOpts, type SuiteContext, workloadOpts } from "../context";
import type { MlopsConfig } from "./config";
import type { MlopsImage } from "./images";
import { minioEndpoint } from "./minio";
import { KEYS, MLFLOW_DB, NAMES, PORTS, SEED_BUCKETS, sized } from "./names";
import { MLFLOW_GRANT, userSecretName } from "./users";
import { serviceHost } from "../../platform/exposure";

type Ctx = SuiteContext<MlopsImage>;
const CONFIG_DIR = "/etc/mlflow";
const METRICS_DIR = "/tmp/metrics";

/** The backend store: no password in the URI (psycopg2 takes PGPASSWORD from the environment). */
export const mlflowBackendUri = (namespace: string): string => `postgresql+psycopg2://${MLFLOW_DB.user}@${serviceHost(NAMES.postgresExternal, namespace)}:${PORTS.postgres}/${MLFLOW_DB.database}`;

/**
 * MLflow's own patterns for private addresses (mlflow/server/security_utils.py get_private_ip_patterns, 3.17.2).
 * An explicit --allowed-hosts replaces its default list, which has them: without them Prometheus, which scrapes
 * the pod by its IP (Host: <pod IP>:5000), got 403 on /metrics (/health is exempt, so the probes never showed it).
 */
const PRIVATE_ADDRESS_PATTERNS = ["10.*", ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`), "192.168.*"];

/** Host headers MLflow accepts (its DNS-rebinding guard; fnmatch patterns): the Service's names with and without the port, pod addresses, a public host. */
export function allowedHosts(namespace: string, publicHost?: string): string[] {
  const names = [NAMES.mlflow, `${NAMES.mlflow}.${namespace}`, `${NAMES.mlflow}.${namespace}.svc`, serviceHost(NAMES.mlflow, namespace)];
  return [...names.flatMap((n) => [n, `${n}:${PORTS.mlflow}`]), "localhost", `localhost:${PORTS.mlflow}`, ...PRIVATE_ADDRESS_PATTERNS, ...(publicHost ? [publicHost] : [])];
}

export function mlflowArgs(cfg: MlopsConfig): string[] {
  return [
    "mlflow",
    "server",
    "--host=0.0.0.0",
    `--port=${PORTS.mlflow}`,
    `--backend-store-uri=${mlflowBackendUri(cfg.namespace)}`,
    // Clients upload and download through the server (--serve-artifacts): they never hold MinIO's keys.
    `--artifacts-destination=s3://${SEED_BUCKETS[0]}`,
    "--serve-artifacts",
    `--allowed-hosts=${allowedHosts(cfg.namespace, cfg.hosts.mlflow).join(",")}`,
    `--expose-prometheus=${METRICS_DIR}`,
    ...(cfg.mlflowAuth ? ["--app-name=basic-auth"] : []),
  ];
}

/** The basic-auth app's config: users and permissions in the same PostgreSQL database (PGPASSWORD applies). */
export function authIni(cfg: MlopsConfig): string {
  return ["[mlflow]", "default_permission = READ", `database_uri = ${mlflowBackendUri(cfg.namespace)}`, "admin_username = admin", "authorization_function = mlflow.server.auth:authenticate_request_basic_auth", ""].join("\n");
}

export interface Mlflow {
  /** Present with basic auth: the generated admin login. */
  readonly auth?: GeneratedSecret;
}

/** `credentials`: the database's and its MinIO user's generated Secrets MLflow reads (new values roll it). */
export function mlflow(ctx: Ctx, cfg: MlopsConfig, credentials: { database: GeneratedSecret; store: GeneratedSecret }): Mlflow {
  const deps = [credentials.store, credentials.database];
  const auth = cfg.mlflowAuth
    ? new GeneratedSecret(
        NAMES.mlflowAuth,
        { namespace: ctx.namespace, secretName: NAMES.mlflowAuth, instance: ctx.instance, generate: { [KEYS.mlflowAdminPassword]: { length: 32 }, [KEYS.mlflowFlaskSecret]: { length: 48 } }, extra: { [KEYS.mlflowAdminUser]: "admin" } },
        childOpts(ctx),
      )
    : undefined;
  const ini = authIni(cfg);
  const config = new k8s.core.v1.ConfigMap(NAMES.mlflowConfig, { metadata: { name: NAMES.mlflowConfig, namespace: ctx.namespace, labels: standardLabels(NAMES.mlflowConfig, ctx.instance, "config") }, data: { "basic_auth.ini": ini } }, childOpts(ctx));
  const secretRef = (name: string, key: string) => ({ secretKeyRef: { name, key } });
  const env: EnvMap = {
    PGPASSWORD: secretRef(NAMES.postgresCredentials, KEYS.mlflowDbPassword),
    MLFLOW_S3_ENDPOINT_URL: minioEndpoint(cfg.namespace),
    // Its own user (users.ts): the artifacts bucket and nothing else.
    AWS_ACCESS_KEY_ID: secretRef(userSecretName(MLFLOW_GRANT.user), KEYS.accessKey),
    AWS_SECRET_ACCESS_KEY: secretRef(userSecretName(MLFLOW_GRANT.user), KEYS.secretKey),
    HOME: "/tmp",
    ...(auth
      ? {
          MLFLOW_AUTH_CONFIG_PATH: `${CONFIG_DIR}/basic_auth.ini`,
          MLFLOW_AUTH_ADMIN_PASSWORD: secretRef(NAMES.mlflowAuth, KEYS.mlflowAdminPassword),
          MLFLOW_FLASK_SERVER_SECRET_KEY: secretRef(NAMES.mlflowAuth, KEYS.mlflowFlaskSecret),
        }
      : {}),
  };
  new WebService(
    NAMES.mlflow,
    {
      namespace: ctx.namespace,
      instance: ctx.instance,
      component: "tracking",
      replicas: cfg.mlflowReplicas,
      podDisruptionBudget: ctx.podDisruptionBudgets,
      profile: ctx.profile,
      imagePullSecrets: ctx.imagePullSecrets,
      uid: 1000,
      port: { port: PORTS.mlflow, nodePort: ctx.exposure.mode === "nodePort" ? cfg.nodePorts.mlflow : undefined },
      volumes: [emptyDir("tmp", "1Gi"), { name: "config", configMap: { name: NAMES.mlflowConfig } }],
      checksums: { config: checksum(ini), database: credentials.database.checksum, store: credentials.store.checksum, ...(auth ? { auth: auth.checksum } : {}) },
      initContainers: [
        waitForContainer({
          name: "wait-for-stores",
          image: ctx.images["wait-for"],
          targets: [
            { kind: "tcp", host: serviceHost(NAMES.postgresExternal, cfg.namespace), port: PORTS.postgres },
            { kind: "http", url: `${minioEndpoint(cfg.namespace)}/minio/health/ready` },
          ],
        }),
        // The admin's password from its Secret, also on an existing auth database (MLFLOW_ADMIN_SYNC_SCRIPT).
        ...(auth
          ? [
              {
                name: "sync-admin",
                image: ctx.images.mlflow,
                size: "small" as const,
                command: ["python3", "-c", MLFLOW_ADMIN_SYNC_SCRIPT],
                env: { PGPASSWORD: env.PGPASSWORD, HOME: "/tmp", MLFLOW_AUTH_CONFIG_PATH: `${CONFIG_DIR}/basic_auth.ini`, MLFLOW_AUTH_ADMIN_PASSWORD: secretRef(NAMES.mlflowAuth, KEYS.mlflowAdminPassword) },
                volumeMounts: [
                  { name: "tmp", mountPath: "/tmp" },
                  { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                ],
              },
            ]
          : []),
      ],
      container: {
        image: ctx.images.mlflow,
        size: "medium",
        resourcesOverride: sized(cfg.sizes.mlflow, ctx.profile),
        command: mlflowArgs(cfg),
        env,
        volumeMounts: [
          { name: "tmp", mountPath: "/tmp" },
          { name: "config", mountPath: CONFIG_DIR, readOnly: true },
        ],
        // /health needs no login and checks the server itself, not its stores.
        probes: { readinessProbe: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }, livenessProbe: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 } },
      },
    },
    workloadOpts(ctx, [...deps, config, ...(auth ? [auth] : [])]),
  );
  return { auth };
}
