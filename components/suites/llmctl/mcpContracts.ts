/**
 * Contracts of the integrated MCP servers' images (components/lib/contracts.ts), read at their pinned tags. Three
 * of them speak MCP over stdio only at those tags (github, chroma, google-cloud): the platform builds an image
 * for each (images/mcp-*) in which mcp-proxy 0.13.0 (PyPI) serves the stdio server as streamable HTTP.
 */
import { commandLine, type ContainerView, flagValue, type ImageContract } from "../../lib/contracts";
import type { LlmctlImage } from "./images";

/** The transport a FastMCP-style CLI runs with: its --transport flag, else the env name it reads. */
const transport = (c: ContainerView, line: readonly string[], envName?: string) => flagValue(line, "--transport") ?? (envName ? c.env[envName] : undefined);

/**
 * github/github-mcp-server v0.20.2 (Dockerfile: ENTRYPOINT /server/github-mcp-server, CMD stdio;
 * cmd/github-mcp-server/main.go: `stdio` is the only subcommand, viper binds GITHUB_* env). No HTTP listener.
 */
const GITHUB_STDIO: ImageContract = {
  source: { repo: "github/github-mcp-server", ref: "v0.20.2", files: ["Dockerfile", "cmd/github-mcp-server/main.go", "pkg/translations/translations.go", "internal/profiler/profiler.go"] },
  runs: ["/server/github-mcp-server", "stdio"],
  env: ["DISABLE_INSTRUCTIONS"],
  envPrefixes: ["GITHUB_"],
  listens: () => [],
};

/**
 * sooperset/mcp-atlassian v0.11.9 (Dockerfile: ENTRYPOINT mcp-atlassian, user app; src/mcp_atlassian/__init__.py):
 * TRANSPORT (or --transport) stdio | sse | streamable-http, HOST and PORT (default 8000), STREAMABLE_HTTP_PATH
 * (FastMCP's /mcp/); /healthz in the HTTP modes (servers/main.py).
 */
const ATLASSIAN: ImageContract = {
  source: { repo: "sooperset/mcp-atlassian", ref: "v0.11.9", files: ["Dockerfile", "src/mcp_atlassian/__init__.py", "src/mcp_atlassian/servers/main.py", "src/mcp_atlassian/utils/environment.py"] },
  runs: ["mcp-atlassian"],
  env: ["TRANSPORT", "HOST", "PORT", "STREAMABLE_HTTP_PATH", "READ_ONLY_MODE", "ENABLED_TOOLS", "MCP_VERBOSE", "MCP_VERY_VERBOSE", "MCP_LOGGING_STDOUT", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "SOCKS_PROXY"],
  envPrefixes: ["JIRA_", "CONFLUENCE_", "ATLASSIAN_OAUTH_"],
  listens: (c) => {
    const line = [...c.command, ...c.args];
    const t = transport(c, line, "TRANSPORT") ?? "stdio";
    return t === "stdio" ? [] : [Number(flagValue(line, "--port") ?? c.env.PORT ?? 8000)];
  },
  httpPaths: ["/healthz"],
};

/**
 * chroma-core/chroma-mcp 0.2.6 (PyPI sdist: src/chroma_mcp/server.py `mcp.run(transport='stdio')`; CHROMA_* and
 * the chromadb client's Settings, which read CHROMA_CLIENT_AUTH_* from the environment; caches under $HOME).
 * No image is published for it (the repository builds none). No HTTP listener.
 */
const CHROMA_MCP_STDIO: ImageContract = {
  source: { repo: "chroma-core/chroma-mcp", ref: "0.2.6 (PyPI sdist)", files: ["Dockerfile", "src/chroma_mcp/server.py", "pyproject.toml", "uv.lock"] },
  runs: ["chroma-mcp"],
  env: ["HOME", "ANONYMIZED_TELEMETRY"],
  envPrefixes: ["CHROMA_"],
  listens: () => [],
};

/**
 * googleapis/gcloud-mcp (read at gcloud-mcp-v0.3.0 in packages/gcloud-mcp/src/index.ts, and in npm
 * @google-cloud/gcloud-mcp 0.5.3's dist/bundle.js, the registry's only release: stdio transport only; it reads
 * LOG_LEVEL and runs the gcloud CLI, which has its own CLOUDSDK_* configuration). No image is published.
 */
const GCLOUD_STDIO: ImageContract = {
  source: { repo: "googleapis/gcloud-mcp", ref: "npm @google-cloud/gcloud-mcp 0.5.3 (names as at gcloud-mcp-v0.3.0)", files: ["packages/gcloud-mcp/package.json", "packages/gcloud-mcp/src/index.ts", "packages/gcloud-mcp/src/gcloud.ts", "dist/bundle.js"] },
  runs: ["gcloud-mcp"],
  env: ["LOG_LEVEL"],
  envPrefixes: ["CLOUDSDK_"],
  listens: () => [],
};

/**
 * taylorwilsdon/google_workspace_mcp v1.4.1 (PyPI wheel: main.py, core/utils.py, auth/google_auth.py; the
 * image's Dockerfile runs `main.py --transport streamable-http`, read in revisions not pinned to the tag):
 * PORT, else WORKSPACE_MCP_PORT, else 8000, host 0.0.0.0; OAuth client settings only (no service accounts);
 * exits unless GOOGLE_MCP_CREDENTIALS_DIR (else ~/.google_workspace_mcp) is writable; /health.
 */
const WORKSPACE_RUNS = ["/app/.venv/bin/python", "main.py", "--transport", "streamable-http"];
const WORKSPACE: ImageContract = {
  source: { repo: "taylorwilsdon/google_workspace_mcp", ref: "v1.4.1 (PyPI wheel; Dockerfile not pinned to the tag)", files: ["Dockerfile", "main.py", "core/server.py", "core/utils.py", "auth/google_auth.py", "auth/oauth_config.py"] },
  runs: WORKSPACE_RUNS,
  env: ["PORT", "WORKSPACE_MCP_PORT", "WORKSPACE_MCP_BASE_URI", "GOOGLE_OAUTH_CLIENT_ID", "GOOGLE_OAUTH_CLIENT_SECRET", "GOOGLE_CLIENT_SECRET_PATH", "GOOGLE_CLIENT_SECRETS", "GOOGLE_OAUTH_REDIRECT_URI", "OAUTH_CUSTOM_REDIRECT_URIS", "OAUTH_ALLOWED_ORIGINS", "OAUTHLIB_INSECURE_TRANSPORT", "USER_GOOGLE_EMAIL", "MCP_SINGLE_USER_MODE", "MCP_ENABLE_OAUTH21", "GOOGLE_MCP_CREDENTIALS_DIR", "GOOGLE_PSE_API_KEY", "GOOGLE_PSE_ENGINE_ID"],
  listens: (c) => {
    const line = [...(c.command.length > 0 ? c.command : WORKSPACE_RUNS), ...c.args];
    return transport(c, line) === "streamable-http" ? [Number(c.env.PORT ?? c.env.WORKSPACE_MCP_PORT ?? 8000)] : [];
  },
  httpPaths: ["/health"],
  writes: ["$GOOGLE_MCP_CREDENTIALS_DIR"],
};

/** mcp-proxy 0.13.0 (PyPI; sparfenyuk/mcp-proxy src/mcp_proxy/__main__.py, mcp_server.py). */
const MCP_PROXY_FILES = ["src/mcp_proxy/__main__.py", "src/mcp_proxy/mcp_server.py"];
export const MCP_PROXY = "mcp-proxy";

/**
 * A stdio server behind mcp-proxy in the platform's own image (images/<image>/Dockerfile): `mcp-proxy --host H
 * --port P --pass-environment -- <server command>` serves streamable HTTP at /mcp/ (also /mcp), SSE at /sse and
 * its status at /status on P (default: a random port); --pass-environment hands the container's env to the
 * server, which reads the names of its own contract. The image sets no command: the container gives the line.
 */
function bridged(server: ImageContract, image: BridgedImage): ImageContract {
  const line = (c: ContainerView) => commandLine(bridge, c);
  const bridge: ImageContract = {
    source: { repo: `sparfenyuk/mcp-proxy 0.13.0 + ${"repo" in server.source ? server.source.repo : image}`, ref: `images/${image}/Dockerfile; server ${"ref" in server.source ? server.source.ref : "seed"}`, files: [`images/${image}/Dockerfile`, ...MCP_PROXY_FILES] },
    runs: [],
    env: server.env,
    envPrefixes: server.envPrefixes,
    listens: (c) => {
      const l = line(c);
      // mcp-proxy serves only what it runs after `--`: the image's stdio server, with the container's env.
      const served = l.slice(l.indexOf("--") + 1);
      if (l[0] !== MCP_PROXY || !l.includes("--pass-environment") || !l.includes("--") || served.join(" ") !== STDIO_SERVER[image].join(" ")) return [];
      const port = Number(flagValue(l, "--port") ?? 0);
      return port > 0 ? [port] : [];
    },
    httpPaths: ["/status", "/mcp", "/mcp/"],
    user: 65532,
    writes: ["/tmp"],
  };
  return bridge;
}

const GITHUB = bridged(GITHUB_STDIO, "mcp-github");
const CHROMA_MCP = bridged(CHROMA_MCP_STDIO, "mcp-chroma");
const GCLOUD = bridged(GCLOUD_STDIO, "mcp-google-cloud");

/** The stdio server each bridged image runs behind mcp-proxy, on its PATH in images/<image>/Dockerfile. */
export const STDIO_SERVER = {
  "mcp-github": ["github-mcp-server", "stdio"],
  "mcp-chroma": ["chroma-mcp"],
  "mcp-google-cloud": ["gcloud-mcp"],
} as const satisfies Partial<Record<LlmctlImage, readonly string[]>>;
export type BridgedImage = keyof typeof STDIO_SERVER;

/** The container command of a bridged server: mcp-proxy on 0.0.0.0:<port>, the container's env passed on. */
export const bridgeCommand = (image: BridgedImage, port: number): string[] => [MCP_PROXY, "--host", "0.0.0.0", "--port", String(port), "--pass-environment", "--", ...STDIO_SERVER[image]];

export const MCP_THIRD_PARTY_CONTRACTS: Readonly<Partial<Record<LlmctlImage, ImageContract>>> = {
  "mcp-github": GITHUB,
  "mcp-atlassian": ATLASSIAN,
  "mcp-chroma": CHROMA_MCP,
  "mcp-google-cloud": GCLOUD,
  "mcp-google-workspace": WORKSPACE,
};
