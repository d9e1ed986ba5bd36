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
}

export const MCP_SERVERS: readonly McpServer[] = [
  { name: "llmctl-mcp", route: "llmctl", port: 9020, path: "/mcp", image: "llmctl-mcp", secretEnv: [], readsCredentials: false, llmctlCode: true },
  {
    name: "llmctl-mcp-github",
    route: "github",
    port: 8000,
    path: "/mcp/",
    image: "mcp-github",
    secretEnv: ["GITHUB_PERSONAL_ACCESS_TOKEN"],
    readsCredentials: false,
    llmctlCode: false,
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
  },
  { name: "llmctl-mcp-chroma", route: "chroma", port: 8000, path: "/mcp/", image: "mcp-chroma", secretEnv: [], readsCredentials: false, llmctlCode: false },
  {
    name: "llmctl-mcp-google-cloud",
    route: "google-cloud",
    port: 8000,
    path: "/mcp/",
    image: "mcp-google-cloud",
    secretEnv: ["GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON", "GOOGLE_CLOUD_PROJECT"],
    readsCredentials: true,
    llmctlCode: false,
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
  },
];

export function mcpUrl(server: McpServer, namespace: string): string {
  return `http://${serviceHost(server.name, namespace)}:${server.port}${server.path}`;
}
