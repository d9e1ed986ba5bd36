/** Names, ports and sizes the context-engine seed fixes. */
import { parseCpu, parseMemory } from "../../lib/capacity";
import type { Resources, ResourceProfile } from "../../lib/resources";
import type { ObjectStoreGrant } from "../../platform/objectStore";

export const INSTANCE = "context-engine";
export const NAMES = {
  qdrant: "qdrant",
  qdrantVolume: "qdrant-storage",
  repos: "repos-storage",
  models: "models-storage",
  backups: "qdrant-snapshots",
  llamacpp: "llamacpp",
  config: "context-engine-config",
  secret: "context-engine-secrets",
  serviceAccount: "context-engine",
  backupJob: "qdrant-snapshot",
  restoreJob: "qdrant-restore",
  quota: "context-engine-quota",
  seedPolicy: "allow-intra-namespace-ingress-internal",
  gitSecret: "context-engine-git",
} as const;

/**
 * The four MCP servers: SSE on 8000/8001 as the seed, the HTTP pair on 8002/8003; health on 18000 + n. The
 * image picks the server by its script and the transport by FASTMCP_TRANSPORT (`sse`: /sse; `http`: streamable
 * HTTP at /mcp); the memory server's port is FASTMCP_PORT, the indexer's FASTMCP_INDEXER_PORT (contracts.ts).
 */
export const MCP = [
  { name: "mcp-memory", server: "memory", transport: "sse", port: 8000, health: 18000 },
  { name: "mcp-indexer", server: "indexer", transport: "sse", port: 8001, health: 18001 },
  { name: "mcp-memory-http", server: "memory", transport: "http", port: 8002, health: 18002 },
  { name: "mcp-indexer-http", server: "indexer", transport: "http", port: 8003, health: 18003 },
] as const;

/** What each role runs in the one context-engine image (its Dockerfile's CMD is the memory server). */
export const ROLE_COMMAND = {
  memory: ["python", "/app/scripts/mcp_memory_server.py"],
  indexer: ["python", "/app/scripts/mcp_indexer_server.py"],
  watcher: ["python", "/app/scripts/watch_index.py"],
} as const;
/** The env name of each server's port. */
export const PORT_ENV = { memory: "FASTMCP_PORT", indexer: "FASTMCP_INDEXER_PORT" } as const;

export const PORTS = { qdrant: 6333, llamacpp: 8080 } as const;

/** The bucket the snapshot job copies each snapshot to when the platform has an object store (the off-cluster copy). */
export const SNAPSHOT_BUCKET = "context-engine-snapshots";
/** The suite's user in the object store: its snapshot bucket, read-write (copies, prunes, restores). */
export const SNAPSHOT_GRANT: ObjectStoreGrant = { user: "context-engine", buckets: [SNAPSHOT_BUCKET], access: "readwrite", holder: "the context engine's snapshot and restore pods (Secret object-store in its namespace)" };
/** One prefix per collection, so a renamed collection never prunes or restores another's snapshots. */
export const snapshotPrefix = (collection: string): string => `qdrant/${collection}/`;
export const MODELS_DIR = "/models";
/** Where git-sync keeps each git= repository's clone on repos-storage (its checkout is linked at /work/<subPath>). */
export const GIT_SYNC_DIR = ".git-sync";
/** git-sync's HTTP port in the watcher pod (its startup probe: 200 once the first sync is done). */
export const GIT_SYNC_PORT = 8090;
export const REPOS_DIR = "/work";

const r = (rc: string, rm: string, lc: string, lm: string): Resources => ({ requests: { cpu: rc, memory: rm }, limits: { cpu: lc, memory: lm } });

/** The seed's table (a production cluster's), and llama.cpp's (not in the seed: a 1.5B Q8 model in memory). */
export const SEED_RESOURCES = {
  qdrant: r("2", "4Gi", "4", "8Gi"),
  mcp: r("1", "2Gi", "2", "4Gi"),
  watcher: r("500m", "512Mi", "1", "1Gi"),
  llamacpp: r("1", "3Gi", "2", "4Gi"),
} as const;

/** The seed's table at the standard profile; a quarter of it on a laptop (small), double on large. */
const FACTOR: Record<ResourceProfile, number> = { small: 0.25, standard: 1, large: 2 };

export function scaled(seed: Resources, profile: ResourceProfile): Resources {
  const f = FACTOR[profile];
  const cpu = (q: string) => `${Math.max(10, Math.round(parseCpu(q) * f))}m`;
  const mem = (q: string) => `${Math.max(32, Math.round((parseMemory(q) * f) / 2 ** 20))}Mi`;
  const disk = { request: "128Mi", limit: "2Gi" };
  return {
    requests: { cpu: cpu(seed.requests.cpu), memory: mem(seed.requests.memory), "ephemeral-storage": disk.request },
    limits: { cpu: cpu(seed.limits.cpu), memory: mem(seed.limits.memory), "ephemeral-storage": disk.limit },
  };
}
