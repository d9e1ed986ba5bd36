/**
 * The context-engine suite's config slice: storage, the model llama.cpp downloads, the indexer knobs of the
 * seed's ConfigMap, the repositories (one watcher each), network policy mode, quota, backups, exposure.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DNS_LABEL, DNS_SUBDOMAIN } from "../../config/patterns";
import type { PlatformConfig } from "../../config/platform";
import type { Reader } from "../../config/reader";
import type { KeySpec } from "../../config/schema";
import { hasPublicHosts } from "../../platform/exposure";
import type { ParsedSlice } from "../types";

const g = { ce: "Context engine", repos: "Context engine repositories", ops: "Context engine operations" } as const;

export const NETWORK_MODES = ["defaultDeny", "intraNamespace"] as const;

export const CONTEXT_ENGINE_SCHEMA = {
  contextEngineNamespace: { type: "string", group: g.ce, default: "context-engine", description: "Namespace of the context engine (the seed's)." },
  contextEngineQdrantStorageSize: { type: "string", group: g.ce, default: "50Gi", description: "qdrant-storage claim size (ReadWriteOnce)." },
  contextEngineReposStorageSize: { type: "string", group: g.ce, default: "100Gi", description: "repos-storage claim size (ReadWriteMany: every watcher mounts it)." },
  contextEngineModelsStorageSize: { type: "string", group: g.ce, default: "10Gi", description: "The models claim llama.cpp's model is downloaded into." },
  contextEngineLlamacpp: { type: "boolean", group: g.ce, default: true, description: "Deploy llama.cpp (the seed's --skip-llamacpp is false here)." },
  contextEngineModelUrl: {
    type: "string",
    group: g.ce,
    default: "https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q8_0.gguf",
    description: "LLAMACPP_MODEL_URL: downloaded once, when the file is absent (the seed's default: Qwen2.5-1.5B-Instruct Q8_0).",
  },
  contextEngineModelName: { type: "string", group: g.ce, default: "qwen2.5-1.5b-instruct-q8_0.gguf", description: "LLAMACPP_MODEL_NAME: the file name in the models claim." },
  contextEngineModelSha256: { type: "string", group: g.ce, default: "", description: "SHA-256 of the model file, verified after download when given (64 hex digits)." },
  contextEngineCollection: { type: "string", group: g.ce, default: "codebase", description: "COLLECTION_NAME: the unified collection of every repository." },
  contextEngineEmbeddingModel: { type: "string", group: g.ce, default: "BAAI/bge-base-en-v1.5", description: "EMBEDDING_MODEL." },
  contextEngineEmbeddingDownload: {
    type: "boolean",
    group: g.ce,
    default: true,
    description:
      "Download EMBEDDING_MODEL (the seed's image carries none): with persistence, once, by the Job embedding-download into the claim embedding-models, the only pod with internet for it; without, by each MCP server and watcher at start. Off: the image must carry the model at its own FASTEMBED_CACHE_PATH.",
  },
  contextEngineIndexMicroChunks: { type: "boolean", group: g.ce, default: true, description: "INDEX_MICRO_CHUNKS." },
  contextEngineMaxMicroChunksPerFile: { type: "integer", group: g.ce, default: 200, description: "MAX_MICRO_CHUNKS_PER_FILE (1-10000)." },
  contextEngineWatchDebounceSecs: { type: "string", group: g.ce, default: "1.5", description: "WATCH_DEBOUNCE_SECS: the default for every watcher." },
  contextEngineRepositories: {
    type: "array",
    group: g.repos,
    default: [],
    description:
      "One watcher per entry: `name[=subPath][,debounce=<secs>][,git=<https url>][,ref=<branch|tag|commit>][,disabled]`, e.g. `backend`, `web=apps/web,debounce=3`, `api,git=https://github.com/acme/api.git,ref=main`. Names are DNS labels, unique; the watcher is watcher-<name>. With git=, git-sync keeps the checkout at /work/<subPath> (every minute; the remote's default branch without ref=); without it, the files are copied into repos-storage by hand (kubectl cp, as the seed's README).",
  },
  contextEngineGitUsername: { type: "string", group: g.repos, default: "git", description: "GITSYNC_USERNAME for the git= repositories, used with contextEngineGitToken (any name for a GitHub token; oauth2 for GitLab)." },
  contextEngineGitToken: {
    type: "string",
    group: g.repos,
    default: "",
    secret: true,
    description: "A read-only token for private git= repositories (git-sync reads it from a file, again before every sync); public repositories need none.",
  },
  contextEngineNetworkPolicy: {
    type: "string",
    group: g.ops,
    default: "defaultDeny",
    description: "defaultDeny (the seed's Option A: explicit allows only) or intraNamespace (also the seed's allow-intra-namespace-ingress-internal).",
  },
  contextEngineQuotaCpu: { type: "string", group: g.ops, default: "40", description: "ResourceQuota requests.cpu of the namespace." },
  contextEngineQuotaMemory: { type: "string", group: g.ops, default: "80Gi", description: "ResourceQuota requests.memory of the namespace." },
  contextEngineBackupSchedule: { type: "string", group: g.ops, default: "0 3 * * *", description: "Cron schedule of the Qdrant snapshot CronJob." },
  contextEngineBackupRetention: { type: "integer", group: g.ops, default: 7, description: "Snapshots kept (1-365)." },
  contextEngineBackupStorageSize: { type: "string", group: g.ops, default: "20Gi", description: "The snapshot claim's size." },
  contextEngineQdrantNodePort: { type: "integer", group: g.ops, default: 30333, description: "NodePort of qdrant (exposure=nodePort)." },
  contextEngineMemoryNodePort: { type: "integer", group: g.ops, default: 30800, description: "NodePort of mcp-memory (exposure=nodePort)." },
  contextEngineIndexerNodePort: { type: "integer", group: g.ops, default: 30802, description: "NodePort of mcp-indexer (exposure=nodePort)." },
  contextEngineHost: { type: "string", group: g.ops, default: "", description: "Public host of the context engine's routes (/qdrant, /mcp/*, /mcp-http/*, /llamacpp); required behind the edge." },
} as const satisfies Record<string, KeySpec>;

export type ContextEngineSchema = typeof CONTEXT_ENGINE_SCHEMA;

export interface Repository {
  readonly name: string;
  /** Below the repos claim; default: the name. */
  readonly subPath: string;
  readonly debounceSecs?: string;
  readonly enabled: boolean;
  /** Kept in sync from a git repository (git-sync beside the watcher), or filled by the seed's uploader when absent. */
  readonly git?: { readonly url: string; readonly ref: string };
}

export interface ContextEngineConfig {
  readonly namespace: string;
  readonly storage: { readonly qdrant: string; readonly repos: string; readonly models: string; readonly backups: string };
  readonly llamacpp?: { readonly modelUrl: string; readonly modelName: string; readonly sha256?: string };
  readonly index: { readonly collection: string; readonly embeddingModel: string; readonly embeddingDownload: boolean; readonly microChunks: boolean; readonly maxMicroChunksPerFile: number; readonly debounceSecs: string };
  readonly repositories: readonly Repository[];
  /** The git= repositories' credentials: a token (a Pulumi secret) with its user name. */
  readonly git: { readonly username: string; readonly token?: pulumi.Output<string> };
  readonly networkPolicy: (typeof NETWORK_MODES)[number];
  readonly quota: { readonly cpu: string; readonly memory: string };
  readonly backup: { readonly schedule: string; readonly retention: number };
  readonly nodePorts: { readonly qdrant: number; readonly memory: number; readonly indexer: number };
  readonly host?: string;
}

const SECS = /^[0-9]+(\.[0-9]+)?$/;
const SUBPATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** A branch, tag or commit as git-sync takes it (GITSYNC_REF). */
const GIT_REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;

/** `name[=subPath][,debounce=<secs>][,git=<https url>][,ref=<branch|tag|commit>][,disabled]`: problems name the entry. */
export function parseRepository(entry: string): Repository | string {
  const [head, ...options] = entry.split(",");
  const [name, subPath] = head.split("=");
  // The entry is named with any user:password@ in it blanked out (a misplaced token stays out of logs).
  const bad = (why: string) => `${JSON.stringify(entry.replace(/\/\/[^/@\s]*@/g, "//***@").replace(/\?[^,]*/g, "?***"))}: ${why}`;
  if (!DNS_LABEL.test(name ?? "") || (name ?? "").length > 55) return bad("the name must be a DNS label of at most 55 characters (watcher-<name> is a Deployment name)");
  if (subPath !== undefined && (!SUBPATH.test(subPath) || subPath.split("/").includes(".."))) return bad("the subPath must be a relative path without ..");
  let debounceSecs: string | undefined;
  let enabled = true;
  let url: string | undefined;
  let ref: string | undefined;
  for (const o of options) {
    const value = o.slice(o.indexOf("=") + 1);
    if (o === "disabled") enabled = false;
    else if (o.startsWith("debounce=") && SECS.test(value)) debounceSecs = value;
    else if (o.startsWith("git=")) url = value;
    else if (o.startsWith("ref=")) ref = value;
    else return bad(`unknown option ${JSON.stringify(o)} (allowed: debounce=<secs>, git=<https url>, ref=<branch|tag|commit>, disabled)`);
  }
  if (ref !== undefined && url === undefined) return bad("ref= needs git=<url>");
  if (ref !== undefined && !GIT_REF.test(ref)) return bad(`ref must be a branch, tag or commit (got ${JSON.stringify(ref)})`);
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.protocol !== "https:" || parsed.username !== "" || parsed.password !== "" || parsed.search !== "" || parsed.hash !== "") {
      // The value is not echoed: it may hold a token.
      return bad(`git= must be an https:// URL without credentials, query or fragment (a token goes in contextEngineGitToken)`);
    }
    // git-sync links the checkout at /work/<subPath>, whose parent must exist on the claim: one path segment.
    if ((subPath ?? name).includes("/")) return bad("a git repository's subPath must be one directory (git-sync links its checkout there)");
  }
  return { name, subPath: subPath ?? name, debounceSecs, enabled, ...(url !== undefined ? { git: { url, ref: ref ?? "HEAD" } } : {}) };
}

export function parseContextEngine(r: Reader<ContextEngineSchema>, platform: PlatformConfig): ParsedSlice<ContextEngineConfig> {
  const enabled = platform.suites.includes("context-engine");
  const namespace = r.dnsLabel("contextEngineNamespace");
  const repositories: Repository[] = [];
  for (const entry of r.get("contextEngineRepositories")) {
    const repo = parseRepository(entry);
    const top = typeof repo === "string" ? "" : repo.subPath.split("/")[0];
    if (typeof repo === "string") r.problem("contextEngineRepositories", repo);
    else if (repositories.some((x) => x.name === repo.name)) r.problem("contextEngineRepositories", `names the repository ${JSON.stringify(repo.name)} twice`);
    // Two watchers on one directory index it twice; git-sync could not link a checkout over another's files.
    else if (repositories.some((x) => x.subPath === repo.subPath)) r.problem("contextEngineRepositories", `uses the subPath ${JSON.stringify(repo.subPath)} twice`);
    else if (top === ".git-sync" || top === ".codebase") r.problem("contextEngineRepositories", `${JSON.stringify(entry)}: ${top} is reserved (git-sync's clones, the index state)`);
    else repositories.push(repo);
  }
  const modelUrl = r.url("contextEngineModelUrl");
  if (modelUrl && !modelUrl.startsWith("https://")) r.problem("contextEngineModelUrl", `must be an https:// URL (the model is code llama.cpp runs) (got ${JSON.stringify(modelUrl)})`);
  const modelName = r.matching("contextEngineModelName", /^[A-Za-z0-9._-]+\.gguf$/, "a file name ending in .gguf");
  const sha256 = r.matching("contextEngineModelSha256", /^[0-9a-f]{64}$/, "64 lower-case hex digits");
  const debounce = r.matching("contextEngineWatchDebounceSecs", SECS, "seconds such as 1.5");
  const schedule = r.cron("contextEngineBackupSchedule", "0 3 * * *");
  const host = r.get("contextEngineHost");
  if (host !== "" && !DNS_SUBDOMAIN.test(host)) r.problem("contextEngineHost", `must be a lower-case DNS name (got ${JSON.stringify(host)})`);
  if (enabled && hasPublicHosts(platform.exposure) && host === "") r.problem("contextEngineHost", `is required when exposure is ${platform.exposure.mode}`);
  const quotaCpu = r.cpu("contextEngineQuotaCpu", "40", "40");
  const quotaMemory = r.memory("contextEngineQuotaMemory", "80Gi", "80Gi");
  const config: ContextEngineConfig = {
    namespace,
    storage: {
      qdrant: r.quantity("contextEngineQdrantStorageSize"),
      repos: r.quantity("contextEngineReposStorageSize"),
      models: r.quantity("contextEngineModelsStorageSize"),
      backups: r.quantity("contextEngineBackupStorageSize"),
    },
    llamacpp: r.get("contextEngineLlamacpp") ? { modelUrl: modelUrl ?? "", modelName: modelName || "model.gguf", sha256: sha256 || undefined } : undefined,
    index: {
      collection: r.matching("contextEngineCollection", /^[A-Za-z0-9_-]{1,64}$/, "a collection name (letters, digits, _ and -)"),
      embeddingModel: r.get("contextEngineEmbeddingModel"),
      embeddingDownload: r.get("contextEngineEmbeddingDownload"),
      microChunks: r.get("contextEngineIndexMicroChunks"),
      maxMicroChunksPerFile: r.intInRange("contextEngineMaxMicroChunksPerFile", 1, 10000),
      debounceSecs: debounce || "1.5",
    },
    repositories,
    git: { username: r.matching("contextEngineGitUsername", /^[A-Za-z0-9._@-]{1,100}$/, "a user name (letters, digits, . _ @ -)") || "git", token: r.secret("contextEngineGitToken") },
    networkPolicy: r.oneOf("contextEngineNetworkPolicy", NETWORK_MODES),
    quota: { cpu: quotaCpu || "40", memory: quotaMemory || "80Gi" },
    backup: { schedule: schedule || "0 3 * * *", retention: r.intInRange("contextEngineBackupRetention", 1, 365) },
    nodePorts: { qdrant: r.nodePort("contextEngineQdrantNodePort"), memory: r.nodePort("contextEngineMemoryNodePort"), indexer: r.nodePort("contextEngineIndexerNodePort") },
    host: host || undefined,
  };
  const nodePorts = enabled && platform.exposure.mode === "nodePort";
  return {
    config,
    quotas: [{ namespace, cpu: { key: "contextEngineQuotaCpu", value: config.quota.cpu }, memory: { key: "contextEngineQuotaMemory", value: config.quota.memory } }],
    claims: {
      nodePorts: nodePorts
        ? [
            { key: "contextEngineQdrantNodePort", port: config.nodePorts.qdrant },
            { key: "contextEngineMemoryNodePort", port: config.nodePorts.memory },
            { key: "contextEngineIndexerNodePort", port: config.nodePorts.indexer },
          ]
        : [],
      namespaces: [{ key: "contextEngineNamespace", namespace }],
      hosts: enabled && config.host && hasPublicHosts(platform.exposure) ? [{ key: "contextEngineHost", host: config.host, namespace }] : [],
    },
  };
}
