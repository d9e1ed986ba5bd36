/**
 * The six integrated MCP servers and the seed's service endpoint contract:
 * http://<service>.<namespace>.svc.cluster.local:<port><path>, and public routes /mcp/<route>.
 */
import { serviceHost } from "../../platform/exposure";
import type { LlmctlImage } from "./images";

/** Keys of llmctl-mcp-secrets (all optional for boot). */
export const MCP_SECRET_KEYS = [
  "GITHUB_PERSONAL_ACCESS_TOKEN",
  "JIRA_URL",
  "JIRA_USERNAME",
  "JIRA_API_TOKEN",
  "CONFLUENCE_URL",
  "CONFLUENCE_USERNAME",
  "CONFLUENCE_API_TOKEN",
  "GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON",
  "GOOGLE_CLOUD_PROJECT",
  "GOOGLE_WORKSPACE_SERVICE_ACCOUNT_JSON",
  "GOOGLE_WORKSPACE_IMPERSONATE_USER",
] as const;
export type McpSecretKey = (typeof MCP_SECRET_KEYS)[number];

export interface McpServer {
  /** Service and Deployment name (the DNS contract). */
  readonly name: string;
  /** Public route: /mcp/<route>. */
  readonly route: string;
  readonly port: number;
  /** Endpoint path served by the server. */
  readonly path: string;
  readonly image: LlmctlImage;
  /** Keys of llmctl-mcp-secrets passed as env (optional refs). */
  readonly secretEnv: readonly McpSecretKey[];
  /** Reads Studio-managed service-account files from the shared data volume. */
  readonly readsCredentials: boolean;
  /** Runs llmctl code: studio config and secrets, live-code mount. */
  readonly llmctlCode: boolean;
  /**
   * How the image is told to serve MCP over HTTP on `port`, in the names its program reads (its contract in
   * mcpContracts.ts); empty for the servers that speak stdio only at the pinned tag (they need a bridge).
   */
  readonly serveEnv: Readonly<Record<string, string>>;
}

export const MCP_SERVERS: readonly McpServer[] = [
  // The seed names no transport settings for its own server; these are the platform's assumption (contracts.test.ts).
  { name: "llmctl-mcp", route: "llmctl", port: 9020, path: "/mcp", image: "llmctl-mcp", secretEnv: [], readsCredentials: false, llmctlCode: true, serveEnv: { MCP_TRANSPORT: "streamable-http", HOST: "0.0.0.0", PORT: "9020" } },
  {
    name: "llmctl-mcp-github",
    route: "github",
    port: 8000,
    path: "/mcp/",
    image: "mcp-github",
    secretEnv: ["GITHUB_PERSONAL_ACCESS_TOKEN"],
    readsCredentials: false,
    llmctlCode: false,
    // v0.20.2 has only `stdio` (HTTP arrived in v0.31.0).
    serveEnv: {},
  },
  {
    name: "llmctl-mcp-atlassian",
    route: "atlassian",
    port: 8000,
    path: "/mcp/",
    image: "mcp-atlassian",
    secretEnv: ["JIRA_URL", "JIRA_USERNAME", "JIRA_API_TOKEN", "CONFLUENCE_URL", "CONFLUENCE_USERNAME", "CONFLUENCE_API_TOKEN"],
    readsCredentials: false,
    llmctlCode: false,
    // src/mcp_atlassian/__init__.py reads TRANSPORT (it ignored the MCP_TRANSPORT this set before), HOST and PORT.
    serveEnv: { TRANSPORT: "streamable-http", HOST: "0.0.0.0", PORT: "8000" },
  },
  // 0.2.6 runs mcp.run(transport="stdio") only; its embedding and telemetry caches go under $HOME.
  { name: "llmctl-mcp-chroma", route: "chroma", port: 8000, path: "/mcp/", image: "mcp-chroma", secretEnv: [], readsCredentials: false, llmctlCode: false, serveEnv: { HOME: "/tmp" } },
  {
    name: "llmctl-mcp-google-cloud",
    route: "google-cloud",
    port: 8000,
    path: "/mcp/",
    image: "mcp-google-cloud",
    secretEnv: ["GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON", "GOOGLE_CLOUD_PROJECT"],
    readsCredentials: true,
    llmctlCode: false,
    // 0.3.0 speaks stdio only (packages/gcloud-mcp/src/index.ts) and needs the gcloud CLI beside it.
    serveEnv: {},
  },
  {
    name: "llmctl-mcp-google-workspace",
    route: "google-workspace",
    port: 8000,
    path: "/mcp/",
    image: "mcp-google-workspace",
    secretEnv: ["GOOGLE_WORKSPACE_SERVICE_ACCOUNT_JSON", "GOOGLE_WORKSPACE_IMPERSONATE_USER"],
    readsCredentials: true,
    llmctlCode: false,
    // The image runs --transport streamable-http on PORT (main.py); it exits unless its credentials dir is writable.
    serveEnv: { PORT: "8000", GOOGLE_MCP_CREDENTIALS_DIR: "/tmp/google-workspace-mcp" },
  },
];

export function mcpUrl(server: McpServer, namespace: string): string {
  return `http://${serviceHost(server.name, namespace)}:${server.port}${server.path}`;
}
