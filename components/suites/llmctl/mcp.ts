/**
 * The six integrated MCP servers and the seed's service endpoint contract:
 * http://<service>.<namespace>.svc.cluster.local:<port><path>, and public routes /mcp/<route>.
 */
import { serviceHost } from "../../platform/exposure";
import type { LlmctlImage } from "./images";
import { type BridgedImage, bridgeCommand } from "./mcpContracts";

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
  "GOOGLE_OAUTH_CLIENT_ID",
  "GOOGLE_OAUTH_CLIENT_SECRET",
] as const;
export type McpSecretKey = (typeof MCP_SECRET_KEYS)[number];

/** A key of llmctl-mcp-secrets as a file, and the env name (if any) that tells the program where it is. */
export interface McpSecretFile {
  readonly key: McpSecretKey;
  /** Set to the file's path only when the key is supplied (a program may fail on a named but missing file). */
  readonly pathEnv?: string;
}

export interface McpServer {
  /** Service and Deployment name (the DNS contract). */
  readonly name: string;
  /** Public route: /mcp/<route>. */
  readonly route: string;
  readonly port: number;
  /** Endpoint path served by the server. */
  readonly path: string;
  readonly image: LlmctlImage;
  /** Env the server reads -> the key of llmctl-mcp-secrets that fills it (optional refs). */
  readonly secretEnv: Readonly<Record<string, McpSecretKey>>;
  /** Keys of llmctl-mcp-secrets mounted as files (optional) under /var/run/secrets/<server>/, by file name. */
  readonly secretFiles?: Readonly<Record<string, McpSecretFile>>;
  /** Runs llmctl code: studio config and secrets, live-code mount. */
  readonly llmctlCode: boolean;
  /**
   * How the image is told to serve MCP over HTTP on `port`, in the names its program reads (its contract in
   * mcpContracts.ts); empty for the servers that speak stdio only at the pinned tag (they need a bridge).
   */
  readonly serveEnv: Readonly<Record<string, string>>;
  /** The command line, for the stdio-only servers: mcp-proxy in the platform's image (images/<image>). */
  readonly command?: readonly string[];
  /** A key without which the program exits at start: until it is supplied, the server runs no pod (replicas 0). */
  readonly requires?: McpSecretKey;
}

/** A stdio-only server in the platform's image, served as streamable HTTP by mcp-proxy on `port` at /mcp/. */
const bridged = (image: BridgedImage, port: number) => ({ image, port, path: "/mcp/", command: bridgeCommand(image, port) });

export const MCP_SERVERS: readonly McpServer[] = [
  // The seed names no transport settings for its own server; these are the platform's assumption (contracts.test.ts).
  { name: "llmctl-mcp", route: "llmctl", port: 9020, path: "/mcp", image: "llmctl-mcp", secretEnv: {}, llmctlCode: true, serveEnv: { MCP_TRANSPORT: "streamable-http", HOST: "0.0.0.0", PORT: "9020" } },
  {
    name: "llmctl-mcp-github",
    route: "github",
    // v0.20.2 has only `stdio` (HTTP arrived in v0.31.0): behind mcp-proxy.
    ...bridged("mcp-github", 8000),
    secretEnv: { GITHUB_PERSONAL_ACCESS_TOKEN: "GITHUB_PERSONAL_ACCESS_TOKEN" },
    // `github-mcp-server stdio` exits without a token, and mcp-proxy with it: no pod crash-loops meanwhile.
    requires: "GITHUB_PERSONAL_ACCESS_TOKEN",
    llmctlCode: false,
    serveEnv: {},
  },
  {
    name: "llmctl-mcp-atlassian",
    route: "atlassian",
    port: 8000,
    path: "/mcp/",
    image: "mcp-atlassian",
    secretEnv: { JIRA_URL: "JIRA_URL", JIRA_USERNAME: "JIRA_USERNAME", JIRA_API_TOKEN: "JIRA_API_TOKEN", CONFLUENCE_URL: "CONFLUENCE_URL", CONFLUENCE_USERNAME: "CONFLUENCE_USERNAME", CONFLUENCE_API_TOKEN: "CONFLUENCE_API_TOKEN" },
    llmctlCode: false,
    // src/mcp_atlassian/__init__.py reads TRANSPORT (it ignored the MCP_TRANSPORT this set before), HOST and PORT.
    serveEnv: { TRANSPORT: "streamable-http", HOST: "0.0.0.0", PORT: "8000" },
  },
  // 0.2.6 runs mcp.run(transport="stdio") only: behind mcp-proxy. Its embedding and telemetry caches go under $HOME.
  { name: "llmctl-mcp-chroma", route: "chroma", ...bridged("mcp-chroma", 8000), secretEnv: {}, llmctlCode: false, serveEnv: { HOME: "/tmp" } },
  {
    name: "llmctl-mcp-google-cloud",
    route: "google-cloud",
    // stdio only (npm 0.5.3 too), and needs the gcloud CLI beside it: both in the platform's image, behind mcp-proxy.
    ...bridged("mcp-google-cloud", 8000),
    // gcloud's own configuration (CLOUDSDK_<SECTION>_<PROPERTY>): the project, and the service-account key file
    // that replaces any login (auth/credential_file_override).
    secretEnv: { CLOUDSDK_CORE_PROJECT: "GOOGLE_CLOUD_PROJECT" },
    secretFiles: { "service-account.json": { key: "GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON", pathEnv: "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE" } },
    llmctlCode: false,
    serveEnv: {},
  },
  {
    name: "llmctl-mcp-google-workspace",
    route: "google-workspace",
    port: 8000,
    path: "/mcp/",
    image: "mcp-google-workspace",
    // 1.4.1 signs in with an OAuth client only (auth/oauth_config.py; no service accounts): the client, and the
    // account it acts for (USER_GOOGLE_EMAIL, the impersonated user's address).
    secretEnv: { GOOGLE_OAUTH_CLIENT_ID: "GOOGLE_OAUTH_CLIENT_ID", GOOGLE_OAUTH_CLIENT_SECRET: "GOOGLE_OAUTH_CLIENT_SECRET", USER_GOOGLE_EMAIL: "GOOGLE_WORKSPACE_IMPERSONATE_USER" },
    llmctlCode: false,
    // The image runs --transport streamable-http on PORT (main.py); it exits unless its credentials dir is writable.
    serveEnv: { PORT: "8000", GOOGLE_MCP_CREDENTIALS_DIR: "/tmp/google-workspace-mcp" },
  },
];

export function mcpUrl(server: McpServer, namespace: string): string {
  return `http://${serviceHost(server.name, namespace)}:${server.port}${server.path}`;
}
