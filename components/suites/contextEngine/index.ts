/**
 * The context engine (seed context-engine.md): Qdrant, four MCP servers, llama.cpp with its model download,
 * and one watcher per repository listed in config, with the seed's "future" items built in: default deny,
 * restricted pods, a quota, backups.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/platform";
import type { WorkloadDemand } from "../../lib/capacity";
import { workloadDemand } from "../../lib/demand";
import { type Resources, resources } from "../../lib/resources";
import { modelFetchDemand } from "../../workloads/modelFetch";
import { type ExposureConfig, hostOrigin, publicOrigin, serviceHost } from "../../platform/exposure";
import { openSuite } from "../context";
import { defineSuite, type PlatformContext } from "../types";
import { CONTEXT_ENGINE_SCHEMA, type ContextEngineConfig, parseContextEngine } from "./config";
import { CONTEXT_ENGINE_CATALOGUE, type ContextEngineImage } from "./images";
import { INSTANCE, MCP, NAMES, PORTS, scaled, SEED_RESOURCES, SNAPSHOT_GRANT } from "./names";
import { backups, basics, contextMetrics, network } from "./ops";
import { workloads } from "./workloads";
import { EMBEDDING, embeddingDownloader } from "./embedding";

/** What a person opens: the MCP endpoints the seed's IDE setup uses, Qdrant, llama.cpp. */
export function contextUrls(cfg: ContextEngineConfig, exposure: ExposureConfig): Record<string, string> {
  const inCluster = (name: string, port: number) => `http://${serviceHost(name, cfg.namespace)}:${port}`;
  if ((exposure.mode === "gateway" || exposure.mode === "ingress") && cfg.host) {
    const o = hostOrigin(exposure, cfg.host);
    return { memory: `${o}/mcp/memory/sse`, indexer: `${o}/mcp/indexer/sse`, qdrant: `${o}/qdrant`, ...(cfg.llamacpp ? { llamacpp: `${o}/llamacpp` } : {}) };
  }
  const node = (name: string, port: number, nodePort: number) => publicOrigin(exposure, { host: "", nodePort, inCluster: inCluster(name, port) });
  return { memory: `${node("mcp-memory", 8000, cfg.nodePorts.memory)}/sse`, indexer: `${node("mcp-indexer", 8001, cfg.nodePorts.indexer)}/sse`, qdrant: node(NAMES.qdrant, PORTS.qdrant, cfg.nodePorts.qdrant) };
}

/** llama.cpp's server (its init container: the download, or the wait for its Job) and, with a claim, the download Job. */
function llamacppDemand(namespace: string, p: PlatformConfig["resourceProfile"], persistence: boolean, server: (init: Resources) => WorkloadDemand): WorkloadDemand[] {
  const fetch = modelFetchDemand(namespace, NAMES.llamacpp, p, persistence);
  return [server(fetch.init), ...fetch.jobs];
}

export function contextDemand(cfg: ContextEngineConfig, platform: PlatformConfig): WorkloadDemand[] {
  const p = platform.resourceProfile;
  const d = (workload: string, kind: string, c: Parameters<typeof workloadDemand>[0]["containers"], extra: Partial<Parameters<typeof workloadDemand>[0]> = {}) =>
    workloadDemand({ namespace: cfg.namespace, workload, kind, containers: c, ...extra });
  // The index pods' wait for the embedding model's Job (embedding.ts).
  const waitForModel = embeddingDownloader(cfg, platform.persistence) === "job" ? [resources(p, "tiny")] : [];
  return [
    d(NAMES.qdrant, "StatefulSet", [scaled(SEED_RESOURCES.qdrant, p)]),
    ...MCP.map((m) => d(m.name, "Deployment", [scaled(SEED_RESOURCES.mcp, p)], { initContainers: waitForModel, ...(m.name === "mcp-indexer" ? { pods: 1, maxPods: 5 } : {}) })),
    ...(cfg.llamacpp ? llamacppDemand(cfg.namespace, p, platform.persistence, (init) => d(NAMES.llamacpp, "Deployment", [scaled(SEED_RESOURCES.llamacpp, p)], { initContainers: [init] })) : []),
    // A git= repository's git-sync runs beside its watcher (a native sidecar): its requests count with the watcher's.
    ...cfg.repositories.filter((r) => r.enabled).map((r) => d(`watcher-${r.name}`, "Deployment", [scaled(SEED_RESOURCES.watcher, p), ...(r.git ? [resources(p, "small")] : [])], { initContainers: waitForModel })),
    ...(embeddingDownloader(cfg, platform.persistence) === "job" ? [d(EMBEDDING.job, "Job", [resources(p, "small")])] : []),
  ];
}

export class ContextEngineSuite extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly urls: Readonly<Record<string, string>>;
  readonly watchers: readonly string[];
  /** Where each snapshot is also copied (s3://bucket/prefix/), when the platform has an object store. */
  readonly snapshotCopies?: string;

  constructor(name: string, args: { config: ContextEngineConfig; platform: PlatformContext<ContextEngineImage> }, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:suites:ContextEngine", name, {}, opts);
    const { config: cfg, platform } = args;
    const ctx = openSuite(this, name, platform, { namespaceName: cfg.namespace, instance: INSTANCE });
    this.namespace = ctx.namespace;
    const base = basics(ctx, cfg);
    workloads(ctx, cfg, base.deps, base.checksums);
    network(ctx, cfg);
    contextMetrics(ctx, cfg, platform.monitoring);
    this.snapshotCopies = backups(ctx, cfg, base.deps, platform.objectStore);
    this.urls = contextUrls(cfg, platform.exposure);
    this.watchers = cfg.repositories.filter((r) => r.enabled).map((r) => `watcher-${r.name}`);
    this.registerOutputs({ namespace: this.namespace, urls: this.urls });
  }
}

export const contextEngine = defineSuite({
  name: "context-engine",
  schema: CONTEXT_ENGINE_SCHEMA,
  images: CONTEXT_ENGINE_CATALOGUE,
  parse: parseContextEngine,
  demand: contextDemand,
  // Always asked for: the object store's provider creates it when enabled, and only then does create() get `objectStore`.
  objectStoreGrants: () => [SNAPSHOT_GRANT],
  create: (config: ContextEngineConfig, platform: PlatformContext<ContextEngineImage>, opts) => new ContextEngineSuite(INSTANCE, { config, platform }, opts),
  outputs: (s: ContextEngineSuite) => ({
    namespace: s.namespace,
    urls: s.urls,
    watchers: s.watchers,
    portForward: Object.fromEntries(
      [...MCP.slice(0, 2).map((m) => [m.name, m.port] as const), [NAMES.qdrant, PORTS.qdrant] as const].map(([n, p]) => [n, `kubectl -n ${INSTANCE} port-forward svc/${n} ${p}:${p}`]),
    ),
    backup: `kubectl -n ${INSTANCE} create job qdrant-snapshot-now --from=cronjob/${NAMES.backupJob}`,
    restore: `kubectl -n ${INSTANCE} create job qdrant-restore-now --from=cronjob/${NAMES.restoreJob}   # the newest snapshot; for another: kubectl -n ${INSTANCE} set env cronjob/${NAMES.restoreJob} SNAPSHOT=<file> first`,
    ...(s.snapshotCopies
      ? { snapshotCopies: s.snapshotCopies, restoreFromBucket: `kubectl -n ${INSTANCE} set env cronjob/${NAMES.restoreJob} FROM_BUCKET=1 && kubectl -n ${INSTANCE} create job qdrant-restore-now --from=cronjob/${NAMES.restoreJob}` }
      : {}),
  }),
});
