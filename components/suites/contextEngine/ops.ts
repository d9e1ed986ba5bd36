/**
 * Section: the context engine's identity, config and guard rails (ServiceAccount, ConfigMap, generated Qdrant
 * key, ResourceQuota), its flows (the seed's "Option A", or also the seed's intra-namespace policy), its
 * public routes, the metrics Prometheus scrapes when monitoring is on, and the Qdrant snapshot CronJob that
 * replaces the seed's manual `curl` + `kubectl cp` (copying each snapshot off-cluster when the platform has an
 * object store).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { checksum } from "../../lib/checksum";
import { selectorLabels, standardLabels } from "../../lib/labels";
import { EdgeRoutes } from "../../platform/edge/edgeRoutes";
import type { RouteGroup } from "../../platform/edge/routes";
import { hasPublicHosts } from "../../platform/exposure";
import { allowFlow, type Flow, INTERNET_PORTS, type PodGroup, workloadPods } from "../../platform/flows";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { type MonitoringAccess, scrape } from "../../platform/metrics";
import { OBJECT_STORE_SECRET, type ObjectStore, useObjectStore } from "../../platform/objectStore";
import { buildPodSpec, type EnvMap, type Volume } from "../../workloads/pod";
import { childOpts, dataVolume, type SuiteContext } from "../context";
import type { ContextEngineConfig } from "./config";
import type { ContextEngineImage } from "./images";
import { modelDownloader } from "../../workloads/modelFetch";
import { EMBEDDING, embeddingDownloader } from "./embedding";
import { INSTANCE, MCP, NAMES, PORTS, SNAPSHOT_BUCKET, SNAPSHOT_GRANT, snapshotPrefix } from "./names";
import { RESTORE_FROM_BUCKET_SCRIPT, RESTORE_SCRIPT, SNAPSHOT_SCRIPT, SNAPSHOT_TO_BUCKET_SCRIPT } from "./scripts";
import { CRONJOB_RUN_POLICY } from "../../workloads/cronJob";
import { qdrantUrl } from "./workloads";

type Ctx = SuiteContext<ContextEngineImage>;

/** The seed's ConfigMap keys, QDRANT_URL from the Service name. */
export function contextConfigData(cfg: ContextEngineConfig): Record<string, string> {
  return {
    COLLECTION_NAME: cfg.index.collection,
    EMBEDDING_MODEL: cfg.index.embeddingModel,
    QDRANT_URL: qdrantUrl(cfg.namespace),
    INDEX_MICRO_CHUNKS: cfg.index.microChunks ? "1" : "0",
    MAX_MICRO_CHUNKS_PER_FILE: String(cfg.index.maxMicroChunksPerFile),
    WATCH_DEBOUNCE_SECS: cfg.index.debounceSecs,
    // The model's URL and file name are the download's alone (its init container's env, workloads.ts).
    ...(cfg.llamacpp ? { LLAMACPP_URL: `http://${NAMES.llamacpp}:${PORTS.llamacpp}` } : {}),
  };
}

export interface Basics {
  readonly deps: pulumi.Resource[];
  readonly checksums: Record<string, pulumi.Input<string>>;
}

export function basics(ctx: Ctx, cfg: ContextEngineConfig): Basics {
  const labels = (name: string, component: string) => standardLabels(name, INSTANCE, component);
  // Every pod runs as this account; it needs nothing from the API server, so no Role binds it and no token is mounted.
  const sa = new k8s.core.v1.ServiceAccount(
    NAMES.serviceAccount,
    { metadata: { name: NAMES.serviceAccount, namespace: ctx.namespace, labels: labels(NAMES.serviceAccount, "rbac") }, automountServiceAccountToken: false },
    childOpts(ctx),
  );
  const data = contextConfigData(cfg);
  const config = new k8s.core.v1.ConfigMap(NAMES.config, { metadata: { name: NAMES.config, namespace: ctx.namespace, labels: labels(NAMES.config, "config") }, data }, childOpts(ctx));
  const secret = new GeneratedSecret(NAMES.secret, { namespace: ctx.namespace, secretName: NAMES.secret, instance: INSTANCE, generate: { QDRANT_API_KEY: { length: 40 } } }, childOpts(ctx));
  new k8s.core.v1.ResourceQuota(
    NAMES.quota,
    { metadata: { name: NAMES.quota, namespace: ctx.namespace, labels: labels(NAMES.quota, "policy") }, spec: { hard: { "requests.cpu": cfg.quota.cpu, "requests.memory": cfg.quota.memory } } },
    childOpts(ctx),
  );
  // The git= repositories' token, read by git-sync from a file (a Secret of the operator's credential).
  const git = cfg.git.token !== undefined && cfg.repositories.some((r) => r.enabled && r.git) ? gitSecret(ctx, cfg.git.token) : undefined;
  return { deps: [sa, config, secret, ...(git ? [git] : [])], checksums: { config: checksum(data), secret: secret.checksum } };
}

function gitSecret(ctx: Ctx, token: pulumi.Output<string>): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    NAMES.gitSecret,
    { metadata: { name: NAMES.gitSecret, namespace: ctx.namespace, labels: standardLabels(NAMES.gitSecret, INSTANCE, "config") }, type: "Opaque", stringData: { token } },
    childOpts(ctx),
  );
}

const BACKUP_COMPONENT = "backup";

/** The snapshot and restore CronJobs' pods: both carry component=backup (snapshotCronJob's labels). */
export function backupPods(namespace: string, own?: PodGroup["own"]): PodGroup {
  // The name prefixes policy names, also in the object store's namespace: specific, so another suite's "backup" cannot clash.
  return { name: "qdrant-backup", namespace, own, selector: { matchLabels: { "app.kubernetes.io/instance": INSTANCE, "app.kubernetes.io/component": BACKUP_COMPONENT } } };
}

/** The flows of the wiring: MCP and watchers -> Qdrant, MCP -> llama.cpp, the model download -> the internet, the edge in. */
export function contextFlows(cfg: ContextEngineConfig, ctx: Pick<Ctx, "network" | "edge" | "exposure" | "persistence">, own?: PodGroup["own"]): Flow[] {
  const pods = (name: string) => workloadPods(name, INSTANCE, cfg.namespace, own);
  const mcp: PodGroup = { name: "mcp", namespace: cfg.namespace, own, selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: MCP.map((m) => m.name) }] } };
  const watchers: PodGroup = { name: "watchers", namespace: cfg.namespace, own, selector: { matchLabels: { app: "watcher" } } };
  const qdrant = pods(NAMES.qdrant);
  const flows: Flow[] = [
    { name: "mcp-to-qdrant", from: { pods: mcp }, to: { pods: qdrant }, ports: [{ port: PORTS.qdrant }], why: "QDRANT_URL" },
    { name: "watchers-to-qdrant", from: { pods: watchers }, to: { pods: qdrant }, ports: [{ port: PORTS.qdrant }], why: "QDRANT_URL" },
    { name: "backup-to-qdrant", from: { pods: backupPods(cfg.namespace, own) }, to: { pods: qdrant }, ports: [{ port: PORTS.qdrant }], why: "the snapshot and restore jobs call Qdrant's API" },
  ];
  // The embedding model's download (embedding.ts): the Job's pods with a claim; the index pods themselves without one.
  const downloader = embeddingDownloader(cfg, ctx.persistence);
  if (downloader === "job") {
    flows.push({ name: "embedding-download-to-internet", from: { pods: pods(EMBEDDING.job) }, to: { external: ctx.network.internet }, ports: INTERNET_PORTS, why: `EMBEDDING_MODEL download (Job ${EMBEDDING.job}; the MCP servers and watchers have no internet)` });
  } else if (downloader === "index") {
    const index: PodGroup = { name: "index", namespace: cfg.namespace, own, selector: { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["mcp", "watcher"] }] } };
    flows.push({ name: "index-to-internet", from: { pods: index }, to: { external: ctx.network.internet }, ports: INTERNET_PORTS, why: "EMBEDDING_MODEL download (without a claim each MCP server and watcher downloads it at start)" });
  }
  for (const repo of cfg.repositories.filter((r) => r.enabled && r.git)) {
    // git-sync fetches over HTTPS from the watcher's pod (NetworkPolicy is per pod), on the URL's port.
    const url = new URL(repo.git?.url ?? "https://invalid");
    flows.push({ name: `git-sync-${repo.name}`, from: { pods: pods(`watcher-${repo.name}`) }, to: { external: ctx.network.internet }, ports: [{ port: Number(url.port || 443) }], why: `git-sync of ${url.host}${url.pathname}` });
  }
  if (cfg.llamacpp) {
    flows.push(
      { name: "mcp-to-llamacpp", from: { pods: mcp }, to: { pods: pods(NAMES.llamacpp) }, ports: [{ port: PORTS.llamacpp }], why: "LLAMACPP_URL" },
      // NetworkPolicy is per pod: the model host is reachable from the download Job's pods (with a claim), or from the
      // llama.cpp pod, whose init container downloads into an emptyDir (persistence off).
      {
        name: "llamacpp-model-download",
        from: { pods: pods(modelDownloader(NAMES.llamacpp, ctx.persistence)) },
        to: { external: ctx.network.internet },
        ports: INTERNET_PORTS,
        why: ctx.persistence ? `LLAMACPP_MODEL_URL download (Job ${modelDownloader(NAMES.llamacpp, true)}; the server has no internet)` : "LLAMACPP_MODEL_URL download (init container: without a claim it runs in the server's pod)",
      },
    );
  }
  if (ctx.exposure.mode === "nodePort") {
    for (const [name, port] of [
      [NAMES.qdrant, PORTS.qdrant],
      ["mcp-memory", 8000],
      ["mcp-indexer", 8001],
    ] as const) {
      flows.push({ name: `nodeport-to-${name}`, from: { anywhere: true }, to: { pods: pods(name) }, ports: [{ port }], why: `the ${name} NodePort (the seed's)` });
    }
  }
  return flows;
}

/** The seed's routes on one host: /qdrant, /mcp/<server>, /mcp-http/<server>, /llamacpp, each with its prefix removed. */
export function contextRouteGroup(cfg: ContextEngineConfig, host: string): RouteGroup {
  return {
    name: INSTANCE,
    instance: INSTANCE,
    namespace: cfg.namespace,
    host,
    auth: { kind: "edge" },
    routes: [
      { name: "qdrant", path: "/qdrant", service: NAMES.qdrant, port: PORTS.qdrant, rewriteTo: "/" },
      ...MCP.map((m) => ({ name: m.name, path: `/${m.transport === "sse" ? "mcp" : "mcp-http"}/${m.server}`, service: m.name, port: m.port, rewriteTo: "/" })),
      ...(cfg.llamacpp ? [{ name: "llamacpp", path: "/llamacpp", service: NAMES.llamacpp, port: PORTS.llamacpp, rewriteTo: "/" }] : []),
    ],
  };
}

export function network(ctx: Ctx, cfg: ContextEngineConfig): void {
  for (const f of contextFlows(cfg, ctx, ctx.namespace)) allowFlow(f, INSTANCE, childOpts(ctx));
  if (cfg.networkPolicy === "intraNamespace") {
    // The seed's policy, by name and meaning: any pod of the namespace may reach any other.
    new k8s.networking.v1.NetworkPolicy(
      NAMES.seedPolicy,
      {
        metadata: { name: NAMES.seedPolicy, namespace: ctx.namespace, labels: standardLabels(NAMES.seedPolicy, INSTANCE, "network") },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
      },
      childOpts(ctx),
    );
  }
  if (hasPublicHosts(ctx.exposure) && cfg.host) new EdgeRoutes(`${INSTANCE}-routes`, { group: contextRouteGroup(cfg, cfg.host), namespace: ctx.namespace, edge: ctx.edge }, childOpts(ctx));
}

/**
 * Qdrant's /metrics (behind its API key, sent as a bearer token from the suite's Secret) and llama.cpp's (served
 * with --metrics, no key). The MCP servers serve no metrics endpoint, so they are not scraped. Known gap: the
 * qdrant-headless Service carries qdrant's labels (StatefulService), so the selector matches both and Qdrant is
 * scraped twice until the headless Service can be told apart.
 */
export function contextMetrics(ctx: Ctx, cfg: ContextEngineConfig, monitoring: MonitoringAccess | undefined): void {
  const target = (name: string, port: number, why: string) => ({
    name,
    namespace: ctx.namespace,
    instance: INSTANCE,
    serviceLabels: selectorLabels(name, INSTANCE),
    portName: "http",
    port,
    path: "/metrics",
    pods: workloadPods(name, INSTANCE, cfg.namespace, ctx.namespace),
    why,
  });
  scrape({ ...target(NAMES.qdrant, PORTS.qdrant, "Qdrant's collection and request metrics"), auth: { kind: "bearer", token: { name: NAMES.secret, key: "QDRANT_API_KEY" } } }, monitoring, childOpts(ctx));
  if (cfg.llamacpp) scrape(target(NAMES.llamacpp, PORTS.llamacpp, "llama.cpp's request and token metrics (--metrics)"), monitoring, childOpts(ctx));
}

/** The S3 env of the snapshot jobs: every value from the object-store Secret (one source, the keys never inline). */
export function objectStoreEnv(collection: string): EnvMap {
  const ref = (key: string) => ({ secretKeyRef: { name: OBJECT_STORE_SECRET, key } });
  return {
    AWS_ACCESS_KEY_ID: ref("AWS_ACCESS_KEY_ID"),
    AWS_SECRET_ACCESS_KEY: ref("AWS_SECRET_ACCESS_KEY"),
    AWS_REGION: ref("AWS_REGION"),
    S3_ENDPOINT_URL: ref("S3_ENDPOINT_URL"),
    S3_BUCKET: ref("S3_BUCKET"),
    SNAPSHOT_PREFIX: snapshotPrefix(collection),
  };
}

/** A snapshot-claim CronJob running one script with Qdrant's URL and key (the snapshot, and the suspended restore). */
function snapshotCronJob(ctx: Ctx, cfg: ContextEngineConfig, volume: Volume, deps: pulumi.Resource[], job: { name: string; script: string; schedule: string; suspend: boolean; env?: EnvMap }): void {
  const labels = standardLabels(job.name, INSTANCE, BACKUP_COMPONENT);
  new k8s.batch.v1.CronJob(
    job.name,
    {
      metadata: { name: job.name, namespace: ctx.namespace, labels },
      spec: {
        schedule: job.schedule,
        suspend: job.suspend,
        ...CRONJOB_RUN_POLICY,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 3600,
            template: {
              metadata: { labels },
              spec: buildPodSpec({
                profile: ctx.profile,
                uid: 1000,
                restartPolicy: "OnFailure",
                serviceAccountName: NAMES.serviceAccount,
                imagePullSecrets: ctx.imagePullSecrets,
                volumes: [volume],
                containers: [
                  {
                    name: job.name,
                    image: ctx.images["wait-for"],
                    size: "tiny",
                    command: ["/bin/sh", "-c", job.script],
                    env: {
                      QDRANT_URL: qdrantUrl(cfg.namespace),
                      COLLECTION_NAME: cfg.index.collection,
                      BACKUP_DIR: "/backups",
                      ...job.env,
                      QDRANT_API_KEY: { secretKeyRef: { name: NAMES.secret, key: "QDRANT_API_KEY" } },
                    },
                    volumeMounts: [{ name: NAMES.backups, mountPath: "/backups" }],
                  },
                ],
              }),
            },
          },
        },
      },
    },
    { ...childOpts(ctx), dependsOn: deps },
  );
}

/**
 * The snapshot CronJob (Qdrant's snapshot API, saved on a claim, pruned to the retention) replacing the seed's
 * manual `curl` + `kubectl cp`, and its restore: a suspended CronJob an operator runs once with
 * `kubectl create job --from=cronjob/qdrant-restore` (the newest snapshot, or SNAPSHOT set on it). With the
 * platform's object store, each snapshot is also copied to SNAPSHOT_BUCKET (same retention), and the restore
 * fetches from there with FROM_BUCKET=1: the claim lives and dies with the cluster, the bucket copy need not.
 * Returns the bucket location when there is one.
 */
export function backups(ctx: Ctx, cfg: ContextEngineConfig, deps: pulumi.Resource[], store: ObjectStore | undefined): string | undefined {
  const volume = dataVolume(ctx, { claim: NAMES.backups, size: cfg.storage.backups });
  const secret = store
    ? useObjectStore(INSTANCE, { namespace: ctx.namespace, instance: INSTANCE, store, user: SNAPSHOT_GRANT.user, bucket: SNAPSHOT_BUCKET, callers: backupPods(cfg.namespace, ctx.namespace) }, childOpts(ctx)).secret
    : undefined;
  const s3 = secret ? objectStoreEnv(cfg.index.collection) : {};
  const jobDeps = secret ? [...deps, secret] : deps;
  const retention = { RETENTION: String(cfg.backup.retention) };
  snapshotCronJob(ctx, cfg, volume, jobDeps, { name: NAMES.backupJob, script: secret ? SNAPSHOT_TO_BUCKET_SCRIPT : SNAPSHOT_SCRIPT, schedule: cfg.backup.schedule, suspend: false, env: { ...retention, ...s3 } });
  snapshotCronJob(ctx, cfg, volume, jobDeps, {
    name: NAMES.restoreJob,
    script: secret ? RESTORE_FROM_BUCKET_SCRIPT : RESTORE_SCRIPT,
    schedule: cfg.backup.schedule,
    suspend: true,
    // Set on the CronJob (kubectl set env) before creating a Job from it: SNAPSHOT picks a file, FROM_BUCKET=1 the bucket.
    env: { SNAPSHOT: "", ...(secret ? { FROM_BUCKET: "", ...s3 } : {}) },
  });
  return store ? `s3://${SNAPSHOT_BUCKET}/${snapshotPrefix(cfg.index.collection)}` : undefined;
}
