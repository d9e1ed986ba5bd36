/**
 * Section: Qdrant (API key required), the four MCP servers (mcp-indexer autoscaled), llama.cpp with its
 * one-time model download, and one watcher per configured repository. Every pod runs as the
 * `context-engine` ServiceAccount without a token (nothing here calls the API server).
 */
import type * as k8s from "@pulumi/kubernetes";
import { httpProbes, tcpProbes } from "../../lib/probes";
import { serviceHost } from "../../platform/exposure";
import type { ContainerArgs, EnvMap, VolumeMount } from "../../workloads/pod";
import { emptyDir, type Volume } from "../../workloads/pod";
import { StatefulService } from "../../workloads/statefulService";
import { modelFetch } from "../../workloads/modelFetch";
import { embedding, type EmbeddingUse } from "./embedding";
import { WebService } from "../../workloads/webService";
import { childOpts, dataVolume, type SuiteContext, workloadOpts } from "../context";
import type { ContextEngineConfig, Repository } from "./config";
import type { ContextEngineImage } from "./images";
import { GIT_SYNC_DIR, GIT_SYNC_PORT, MCP, MODELS_DIR, NAMES, PORT_ENV, PORTS, REPOS_DIR, ROLE_COMMAND, scaled, SEED_RESOURCES } from "./names";
import type * as pulumi from "@pulumi/pulumi";

type Ctx = SuiteContext<ContextEngineImage>;
const UID = 1000;

/** What the MCP servers and watchers read: the ConfigMap, Qdrant's key, and where the embedding model is (embedding.ts). */
function indexEnv(model: EmbeddingUse): EnvMap {
  return { QDRANT_API_KEY: { secretKeyRef: { name: NAMES.secret, key: "QDRANT_API_KEY" } }, ...model.env };
}

/** What every context-engine Deployment shares: namespace, identity, pull secrets, the config checksums that roll it. */
function commonArgs(ctx: Ctx, checksums: Record<string, pulumi.Input<string>>) {
  return { namespace: ctx.namespace, instance: ctx.instance, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets, uid: UID, serviceAccountName: NAMES.serviceAccount, checksums };
}
type Common = ReturnType<typeof commonArgs>;

export function workloads(ctx: Ctx, cfg: ContextEngineConfig, deps: pulumi.Resource[], checksums: Record<string, pulumi.Input<string>>): void {
  const common = commonArgs(ctx, checksums);
  const envFrom = [{ configMapRef: { name: NAMES.config } }];
  const nodePort = (port: number) => (ctx.exposure.mode === "nodePort" ? port : undefined);
  // One repos claim (ReadWriteMany): mcp-indexer reads it, every watcher mounts its own sub-directory.
  const repos = dataVolume(ctx, { claim: NAMES.repos, size: cfg.storage.repos, accessMode: "ReadWriteMany" });
  const model = embedding(ctx, cfg, UID);

  new StatefulService(
    NAMES.qdrant,
    {
      namespace: ctx.namespace,
      instance: ctx.instance,
      component: "vector-store",
      profile: ctx.profile,
      uid: UID,
      serviceAccountName: NAMES.serviceAccount,
      imagePullSecrets: ctx.imagePullSecrets,
      port: { port: PORTS.qdrant, name: "http", nodePort: nodePort(cfg.nodePorts.qdrant) },
      storage: { persistence: ctx.persistence, size: cfg.storage.qdrant, storageClass: ctx.storageClass, mountPath: "/qdrant/storage", volumeName: NAMES.qdrantVolume },
      volumes: [emptyDir("snapshots", "20Gi"), emptyDir("tmp")],
      checksums,
      container: {
        image: ctx.images.qdrant,
        size: "large",
        resourcesOverride: scaled(SEED_RESOURCES.qdrant, ctx.profile),
        env: {
          QDRANT__SERVICE__API_KEY: { secretKeyRef: { name: NAMES.secret, key: "QDRANT_API_KEY" } },
          QDRANT__STORAGE__SNAPSHOTS_PATH: "/qdrant/snapshots",
        },
        volumeMounts: [
          { name: "snapshots", mountPath: "/qdrant/snapshots" },
          { name: "tmp", mountPath: "/tmp" },
        ],
        probes: httpProbes("http", "/readyz"),
      },
    },
    workloadOpts(ctx, deps),
  );

  for (const m of MCP) {
    const indexer = m.name === "mcp-indexer";
    new WebService(
      m.name,
      {
        ...common,
        component: "mcp",
        // The seed's HPA: mcp-indexer 1..5 at 70% CPU (it owns the replicas).
        ...(indexer ? { replicas: 1, maxReplicas: 5, targetCpuUtilization: 70, podDisruptionBudget: true } : { replicas: 1 }),
        port: { port: m.port, nodePort: m.name === "mcp-memory" ? nodePort(cfg.nodePorts.memory) : indexer ? nodePort(cfg.nodePorts.indexer) : undefined },
        volumes: [emptyDir("tmp", "1Gi"), ...model.volumes, ...(indexer ? [repos] : [])],
        initContainers: model.init,
        container: {
          image: ctx.images["context-engine"],
          size: "medium",
          resourcesOverride: scaled(SEED_RESOURCES.mcp, ctx.profile),
          command: [...ROLE_COMMAND[m.server]],
          envFrom,
          env: { ...indexEnv(model), FASTMCP_HOST: "0.0.0.0", FASTMCP_TRANSPORT: m.transport, [PORT_ENV[m.server]]: String(m.port), FASTMCP_HEALTH_PORT: String(m.health) },
          // The indexer keeps its state in <root>/.codebase: the repos claim read-write, as the image's own manifests.
          volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...model.mounts, ...(indexer ? [{ name: NAMES.repos, mountPath: REPOS_DIR }] : [])],
          // The health server answers /readyz (and /tools) only.
          probes: httpProbes(m.health, "/readyz", 10),
          // Read-only root: every write of the servers goes to /tmp (their file and indexing locks fall back there when
          // /work is not writable; the reranker's weights and events), /work/.codebase on the repos claim, or the
          // embedding cache (Context-Engine scripts/workspace_state.py, embedder.py, rerank_*; read, not run).
        },
      },
      workloadOpts(ctx, deps),
    );
  }

  if (cfg.llamacpp) {
    const models = dataVolume(ctx, { claim: NAMES.models, size: cfg.storage.models });
    const fetch = modelFetch(
      { server: NAMES.llamacpp, namespace: ctx.namespace, instance: ctx.instance, image: ctx.images["wait-for"], model: { url: cfg.llamacpp.modelUrl, file: cfg.llamacpp.modelName, sha256: cfg.llamacpp.sha256 }, volume: { ...models, name: NAMES.models }, dir: MODELS_DIR, uid: UID, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets },
      childOpts(ctx),
    );
    new WebService(
      NAMES.llamacpp,
      {
        ...common,
        component: "decoder",
        strategy: "Recreate",
        port: { port: PORTS.llamacpp },
        volumes: [models, emptyDir("tmp")],
        initContainers: [fetch.init],
        container: {
          image: ctx.images["llamacpp-server"],
          size: "large",
          resourcesOverride: scaled(SEED_RESOURCES.llamacpp, ctx.profile),
          // --metrics: Prometheus' /metrics on the same port (scraped when monitoring is on; harmless otherwise).
          args: ["--model", `${MODELS_DIR}/${cfg.llamacpp.modelName}`, "--host", "0.0.0.0", "--port", String(PORTS.llamacpp), "--metrics"],
          volumeMounts: [
            { name: NAMES.models, mountPath: MODELS_DIR, readOnly: true },
            { name: "tmp", mountPath: "/tmp" },
          ],
          probes: httpProbes("http", "/health", 20),
        },
      },
      workloadOpts(ctx, deps),
    );
  }

  for (const repo of cfg.repositories.filter((r) => r.enabled)) watcher(ctx, cfg, repo, { repos, model }, common, envFrom, deps);
}

const GIT_TOKEN_DIR = "/etc/git-secret";

/**
 * git-sync as the watcher's native sidecar (kubernetes/git-sync v4.7.1, contracts.ts): it clones into
 * repos-storage/.git-sync/<name> and links the checkout at /work/<subPath>, so the watcher and mcp-indexer read
 * the repository where an uploaded one would be. The watcher starts after the first sync (the startup probe on
 * git-sync's HTTP server). It runs as the pod's user, so the watcher can write its .codebase in the checkout.
 */
function gitSync(ctx: Ctx, cfg: ContextEngineConfig, repo: Repository, git: NonNullable<Repository["git"]>): ContainerArgs {
  const token = cfg.git.token !== undefined;
  return {
    name: "git-sync",
    image: ctx.images["git-sync"],
    size: "small",
    restartPolicy: "Always",
    ports: { sync: GIT_SYNC_PORT },
    env: {
      GITSYNC_REPO: git.url,
      GITSYNC_REF: git.ref,
      GITSYNC_ROOT: `${REPOS_DIR}/${GIT_SYNC_DIR}/${repo.name}`,
      GITSYNC_LINK: `${REPOS_DIR}/${repo.subPath}`,
      GITSYNC_PERIOD: "60s",
      GITSYNC_DEPTH: "1",
      // Retry forever (the default 0 exits on the first failed fetch), and keep the previous checkout a while
      // for a watcher still reading it when the link moves.
      GITSYNC_MAX_FAILURES: "-1",
      GITSYNC_STALE_WORKTREE_TIMEOUT: "5m",
      GITSYNC_HTTP_BIND: `:${GIT_SYNC_PORT}`,
      ...(token ? { GITSYNC_USERNAME: cfg.git.username, GITSYNC_PASSWORD_FILE: `${GIT_TOKEN_DIR}/token` } : {}),
    },
    volumeMounts: [{ name: NAMES.repos, mountPath: REPOS_DIR }, { name: "git-tmp", mountPath: "/tmp" }, ...(token ? [{ name: "git-token", mountPath: GIT_TOKEN_DIR, readOnly: true }] : [])],
    // 503 until the first sync, 200 after, whatever later syncs do: a startup gate, not a health check.
    startupProbe: { httpGet: { path: "/", port: "sync" }, periodSeconds: 5, failureThreshold: 120 },
    probes: tcpProbes("sync"),
  };
}

/** watcher-<name>: one Recreate pod watching its repository's sub-directory of repos-storage. */
function watcher(ctx: Ctx, cfg: ContextEngineConfig, repo: Repository, shared: { repos: Volume; model: EmbeddingUse }, common: Common, envFrom: k8s.types.input.core.v1.EnvFromSource[], deps: pulumi.Resource[]): void {
  const { repos, model } = shared;
  const git = repo.git;
  // A synced checkout is a symlink git-sync moves: the whole claim is mounted (a subPath would pin the first
  // target), and the watcher polls (inotify keeps watching the old checkout).
  const reposMount: VolumeMount = git ? { name: NAMES.repos, mountPath: REPOS_DIR } : { name: NAMES.repos, mountPath: `${REPOS_DIR}/${repo.subPath}`, subPath: repo.subPath };
  new WebService(
    `watcher-${repo.name}`,
    {
      ...common,
      component: "watcher",
      strategy: "Recreate",
      // The seed's log commands select `app=watcher`.
      podLabels: { app: "watcher" },
      volumes: [repos, emptyDir("tmp", "1Gi"), ...model.volumes, ...(git ? [emptyDir("git-tmp", "64Mi")] : []), ...(git && cfg.git.token ? [{ name: "git-token", secret: { secretName: NAMES.gitSecret, defaultMode: 0o440 } }] : [])],
      // git-sync (a native sidecar) starts first and syncs while the watcher waits for the embedding model.
      initContainers: [...(git ? [gitSync(ctx, cfg, repo, git)] : []), ...model.init],
      container: {
        image: ctx.images["context-engine"],
        size: "small",
        resourcesOverride: scaled(SEED_RESOURCES.watcher, ctx.profile),
        command: [...ROLE_COMMAND.watcher],
        envFrom,
        // The watcher names the repository from its path (WATCH_ROOT), and keeps its state in WATCH_ROOT/.codebase.
        env: { ...indexEnv(model), WATCH_ROOT: `${REPOS_DIR}/${repo.subPath}`, ...(repo.debounceSecs ? { WATCH_DEBOUNCE_SECS: repo.debounceSecs } : {}), ...(git ? { WATCH_USE_POLLING: "1" } : {}) },
        volumeMounts: [reposMount, { name: "tmp", mountPath: "/tmp" }, ...model.mounts],
        probes: {
          readinessProbe: { exec: { command: ["/bin/sh", "-c", "test -d \"$WATCH_ROOT\""] }, initialDelaySeconds: 5, periodSeconds: 10 },
          livenessProbe: { exec: { command: ["/bin/sh", "-c", "kill -0 1"] }, initialDelaySeconds: 30, periodSeconds: 20 },
        },
        // Read-only root, as the MCP servers (its state is WATCH_ROOT/.codebase, its locks /work/.codebase or /tmp).
      },
    },
    workloadOpts(ctx, deps),
  );
}

export const qdrantUrl = (namespace: string): string => `http://${serviceHost(NAMES.qdrant, namespace)}:${PORTS.qdrant}`;
