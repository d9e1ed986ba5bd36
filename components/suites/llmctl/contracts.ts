/**
 * Contracts of the llmctl suite's images (components/lib/contracts.ts). The llmctl-* images are the seed's
 * (llmctl-studio.md) without public source here: the seed is their contract. The third-party ones are read at
 * their pinned tags.
 */
import { type ContainerView, flagValue, type ImageContract } from "../../lib/contracts";
import { POSTGRES_CONTRACT, REDIS_CONTRACT } from "../../workloads/storeContracts";
import type { LlmctlImage } from "./images";
import { MCP_THIRD_PARTY_CONTRACTS } from "./mcpContracts";

/** What the seed's studio images read: the studio ConfigMap and Secrets (LLMCTL_*, Chroma, Celery) and the optional MCP credentials. */
const STUDIO_ENV = ["CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CHROMA_HOST", "CHROMA_PORT", "CHROMA_SSL", "CHROMA_CLIENT_AUTH_PROVIDER", "CHROMA_CLIENT_AUTH_CREDENTIALS", "CHROMA_AUTH_TOKEN_TRANSPORT_HEADER"];
const MCP_CREDENTIALS = ["GITHUB_PERSONAL_ACCESS_TOKEN", "JIRA_URL", "JIRA_USERNAME", "JIRA_API_TOKEN", "CONFLUENCE_URL", "CONFLUENCE_USERNAME", "CONFLUENCE_API_TOKEN", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON", "GOOGLE_WORKSPACE_SERVICE_ACCOUNT_JSON", "GOOGLE_WORKSPACE_IMPERSONATE_USER", "GOOGLE_OAUTH_CLIENT_ID", "GOOGLE_OAUTH_CLIENT_SECRET"];

const studio = (what: string, ports: readonly number[], httpPaths: readonly string[] = []): ImageContract => ({
  source: { seed: "llmctl-studio.md", assumption: what },
  runs: [],
  env: [...STUDIO_ENV, ...MCP_CREDENTIALS],
  envPrefixes: ["LLMCTL_"],
  listens: () => ports,
  httpPaths,
});

/**
 * chromadb/chroma 1.0.15: the Rust server (rust/frontend), `chroma run` with its config; settings from the
 * CHROMA_* environment (port CHROMA_PORT, default 8000), persistence under /data; /api/v2/heartbeat.
 */
const CHROMA: ImageContract = {
  source: { repo: "chroma-core/chroma", ref: "1.0.15", files: ["Dockerfile", "rust/frontend/src/config.rs", "rust/cli/src/commands/run.rs"] },
  runs: ["dumb-init", "--", "chroma", "run", "/config.yaml"],
  env: ["ANONYMIZED_TELEMETRY"],
  envPrefixes: ["CHROMA_"],
  listens: (c: ContainerView) => [Number(c.env.CHROMA_PORT ?? flagValue(c.args, "--port") ?? 8000)],
  httpPaths: ["/api/v2/heartbeat", "/api/v2/healthcheck", "/api/v2/version"],
  writes: ["/data"],
};

/**
 * nginxinc/nginx-unprivileged 1.27.3-alpine: nginx as uid 101 with its pid and temp files under /tmp; the port
 * and paths are the config's (`-c` names ours, components/workloads/datastores.ts chromaAuthProxy).
 */
const NGINX: ImageContract = {
  source: { repo: "nginxinc/docker-nginx-unprivileged", ref: "1.27.3-alpine", files: ["mainline/alpine/Dockerfile", "entrypoint/docker-entrypoint.sh"] },
  runs: ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
  env: [],
  // Our config (datastores.ts) listens on 8000 and proxies /api/v2/heartbeat unauthenticated.
  listens: () => [8000],
  httpPaths: ["/api/v2/heartbeat"],
  user: 101,
  writes: ["/tmp"],
};

export const LLMCTL_CONTRACTS: Readonly<Partial<Record<LlmctlImage, ImageContract>>> = {
  "llmctl-studio-backend": studio("the Flask backend on :5155", [5155]),
  "llmctl-studio-frontend": studio("the web frontend on :8080, serving /", [8080], ["/"]),
  // The seed names no transport setting for its own server and its source is not public: the platform assumes
  // the FastMCP-style MCP_TRANSPORT/HOST/PORT (mcp.ts), written down here as the assumption it is.
  "llmctl-mcp": {
    ...studio("llmctl's own MCP server on :9020 at /mcp, told to serve streamable HTTP by MCP_TRANSPORT, HOST and PORT (assumed: the seed names none)", [9020]),
    env: [...STUDIO_ENV, ...MCP_CREDENTIALS, "MCP_TRANSPORT", "HOST", "PORT"],
  },
  "llmctl-celery-worker": studio("Celery worker and beat (command from the seed), no port", []),
  "llmctl-executor-frontier": studio("an executor Job image the backend starts", []),
  "llmctl-executor-vllm": studio("an executor Job image the backend starts", []),
  postgres: POSTGRES_CONTRACT,
  redis: REDIS_CONTRACT,
  chromadb: CHROMA,
  "chromadb-auth-proxy": NGINX,
  ...MCP_THIRD_PARTY_CONTRACTS,
};
