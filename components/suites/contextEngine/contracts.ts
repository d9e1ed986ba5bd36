/** Contracts of the context-engine suite's images (components/lib/contracts.ts). */
import { flagValue, type ImageContract } from "../../lib/contracts";
import { LLAMACPP_CONTRACT } from "../../workloads/llamacpp";
import { QDRANT_CONTRACT } from "../../workloads/storeContracts";
import type { ContextEngineImage } from "./images";

/**
 * The seed's one context-engine image (seed context-engine.md; its public source is the Context-Engine
 * project, read in AP3X-Dev/Context-Engine and a fork whose deploy/kubernetes README is the seed verbatim: python:3.11-slim, no
 * USER, no model baked in (fastembed downloads EMBEDDING_MODEL into FASTEMBED_CACHE_PATH or /tmp/fastembed_cache); Dockerfile CMD
 * `python /app/scripts/mcp_memory_server.py`, roles chosen by command, FASTMCP_* settings, health on the
 * FASTMCP_HEALTH_PORT at /readyz). Assumption: the seed's image is that project's unified image.
 * The watcher (scripts/watch_index.py) takes the repository's name from its path, polls with WATCH_USE_POLLING,
 * and keeps its state in WATCH_ROOT/.codebase. Found and not fixable here: in the revisions read, the watcher
 * builds its Qdrant client without QDRANT_API_KEY, so against this platform's Qdrant (API key required) its
 * writes are refused until the image passes the key (the MCP servers do).
 */
const CONTEXT_ENGINE: ImageContract = {
  source: { seed: "context-engine.md", assumption: "the Context-Engine project's unified image (scripts/mcp_memory_server.py, mcp_indexer_server.py, watch_index.py)" },
  runs: ["python", "/app/scripts/mcp_memory_server.py"],
  env: [
    "QDRANT_URL",
    "QDRANT_API_KEY",
    "QDRANT_TIMEOUT",
    "COLLECTION_NAME",
    "DEFAULT_COLLECTION",
    "EMBEDDING_MODEL",
    "EMBEDDING_PROVIDER",
    "EMBEDDING_SERVICE_URL",
    "HF_HOME",
    "XDG_CACHE_HOME",
    // fastembed's cache directory (embedder.py calls TextEmbedding without cache_dir): default /tmp/fastembed_cache.
    "FASTEMBED_CACHE_PATH",
    "INDEX_MICRO_CHUNKS",
    "MAX_MICRO_CHUNKS_PER_FILE",
    "INDEX_SEMANTIC_CHUNKS",
    "REFRAG_MODE",
    "REFRAG_DECODER",
    "LLAMACPP_URL",
    "MEMORY_MCP_URL",
    "MEMORY_SSE_ENABLED",
    "MULTI_REPO_MODE",
    "WORK_ROOTS",
    "CTXCE_AUTH_ENABLED",
    "LOG_LEVEL",
    "WATCH_ROOT",
    "WATCH_DEBOUNCE_SECS",
    "WATCH_USE_POLLING",
    "REPO_NAME",
  ],
  envPrefixes: ["FASTMCP_", "MICRO_CHUNK_"],
  listens: (c) => {
    const line = [...c.command, ...c.args].join(" ");
    const health = c.env.FASTMCP_HEALTH_PORT !== undefined ? [Number(c.env.FASTMCP_HEALTH_PORT)] : [];
    if (line.includes("mcp_indexer_server.py")) return [Number(c.env.FASTMCP_INDEXER_PORT ?? 8001), ...health];
    if (line.includes("watch_index.py")) return [];
    return [Number(c.env.FASTMCP_PORT ?? 8000), ...health];
  },
  httpPaths: ["/readyz", "/tools"],
  writes: ["/work/.codebase", "/tmp", "$FASTEMBED_CACHE_PATH"],
};

/**
 * kubernetes/git-sync v4.7.1 (Dockerfile.in: FROM scratch with git, ENTRYPOINT /git-sync, USER 65533, HOME=/tmp,
 * GITSYNC_ROOT=/git; main.go, env.go): every flag has its GITSYNC_* twin; the HTTP server on GITSYNC_HTTP_BIND
 * answers any path, 503 until the first sync and 200 after; it writes its root and /tmp (a git config at every
 * start). The link (GITSYNC_LINK, absolute or under the root) points at .worktrees/<commit>, swapped atomically.
 * The tag is the newest in the source; that the registry serves it could not be checked here.
 */
const GIT_SYNC: ImageContract = {
  source: { repo: "kubernetes/git-sync", ref: "v4.7.1", files: ["Dockerfile.in", "main.go", "env.go", "docs/kubernetes.md"] },
  runs: ["/git-sync"],
  env: [],
  envPrefixes: ["GITSYNC_"],
  listens: (c) => {
    const bind = c.env.GITSYNC_HTTP_BIND ?? flagValue(c.args, "--http-bind");
    return bind ? [Number(bind.split(":").pop())] : [];
  },
  httpPaths: ["/"],
  user: 65533,
  writes: ["$GITSYNC_ROOT", "/tmp"],
};

export const CONTEXT_ENGINE_CONTRACTS: Readonly<Record<ContextEngineImage, ImageContract>> = { qdrant: QDRANT_CONTRACT, "llamacpp-server": LLAMACPP_CONTRACT, "context-engine": CONTEXT_ENGINE, "git-sync": GIT_SYNC };
