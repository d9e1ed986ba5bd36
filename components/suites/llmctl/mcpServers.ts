/** Section: the six integrated MCP servers (names, ports and paths from the seed's contract in mcp.ts). */
import { tcpProbes } from "../../lib/probes";
import { CHROMA_PORT, CHROMA_TOKEN_HEADER } from "../../workloads/datastores";
import type { EnvMap, Volume, VolumeMount } from "../../workloads/pod";
import { WebService } from "../../workloads/webService";
import { type SuiteContext, workloadOpts } from "../context";
import type { Datastores } from "./datastores";
import type { LlmctlImage } from "./images";
import type { LlmctlConfig } from "./config";
import { runningMcpServers, suppliedMcpKeys } from "./decisions";
import { MCP_SERVERS, type McpSecretKey, type McpServer } from "./mcp";
import { CHROMA_AUTH, NAMES, SIZES } from "./names";
import { CHROMA_CLIENT_AUTH_PROVIDER } from "./studioConfig";
import type { StudioShared } from "./studioConfigMap";

/** The env of one MCP server: how it serves HTTP (its own names), ChromaDB for the chroma server, its optional credentials. */
export function mcpServerEnv(server: McpServer, chromaHost: string, supplied: readonly McpSecretKey[]): EnvMap {
  const secretEnv: EnvMap = Object.fromEntries(Object.entries(server.secretEnv).map(([env, key]) => [env, { secretKeyRef: { name: NAMES.mcpSecret, key, optional: true } }]));
  // Where each supplied secret file is, in the env name its program reads (gcloud's key file).
  const filePaths: EnvMap = Object.fromEntries(
    Object.entries(server.secretFiles ?? {})
      .filter(([, f]) => f.pathEnv !== undefined && supplied.includes(f.key))
      .map(([file, f]) => [f.pathEnv, `${secretDir(server)}/${file}`]),
  );
  return {
    ...server.serveEnv,
    ...filePaths,
    ...(server.name === "llmctl-mcp-chroma"
      ? {
          CHROMA_CLIENT_TYPE: "http",
          CHROMA_HOST: chromaHost,
          CHROMA_PORT: String(CHROMA_PORT),
          CHROMA_SSL: "false",
          // The token the chromadb client sends (its Settings read these from the environment).
          CHROMA_CLIENT_AUTH_PROVIDER,
          CHROMA_AUTH_TOKEN_TRANSPORT_HEADER: CHROMA_TOKEN_HEADER,
          [CHROMA_AUTH.tokenKey]: { secretKeyRef: { name: NAMES.studioSecret, key: CHROMA_AUTH.tokenKey } },
        }
      : {}),
    ...secretEnv,
  };
}

const secretDir = (server: McpServer) => `/var/run/secrets/${server.name}`;

/** The optional Secret volume of a server's secretFiles (an absent key leaves its file out). */
function secretFilesVolume(server: McpServer): Volume[] {
  const items = Object.entries(server.secretFiles ?? {}).map(([path, f]) => ({ key: f.key, path }));
  return items.length > 0 ? [{ name: "mcp-secrets", secret: { secretName: NAMES.mcpSecret, items, optional: true } }] : [];
}

export function mcpServers(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig, shared: StudioShared, stores: Datastores): void {
  const supplied = suppliedMcpKeys(cfg);
  const running = new Set(runningMcpServers(cfg).map((s) => s.name));
  for (const server of MCP_SERVERS) {
    const files = secretFilesVolume(server);
    const volumes: Volume[] = [shared.tmp, ...(server.llmctlCode ? shared.liveCodeVolumes : []), ...files];
    const mounts: VolumeMount[] = [shared.tmpMount, ...(server.llmctlCode ? shared.liveCodeMounts : []), ...files.map((v) => ({ name: v.name, mountPath: secretDir(server), readOnly: true }))];
    new WebService(
      server.name,
      {
        namespace: ctx.namespace,
        instance: ctx.instance,
        profile: ctx.profile,
        imagePullSecrets: ctx.imagePullSecrets,
        component: "mcp",
        port: { port: server.port },
        // No pod until the key it needs is supplied (the Service stays: its route and flows are the seed's).
        replicas: running.has(server.name) ? 1 : 0,
        volumes,
        // The studio's Secrets (the chroma server's token, llmctl-mcp's whole env) and the operator's MCP keys.
        checksums: shared.checksums,
        podDisruptionBudget: false,
        container: {
          image: ctx.images[server.image],
          ...(server.command ? { command: [...server.command] } : {}),
          size: SIZES.mcp,
          env: mcpServerEnv(server, stores.hosts.chroma, supplied),
          envFrom: server.llmctlCode ? shared.envFrom : undefined,
          volumeMounts: mounts,
          probes: tcpProbes("http"),
          // The MCP runtimes (Python/Node) write caches outside /tmp; not verified read-only safe.
          readOnlyRootFilesystem: false,
        },
      },
      workloadOpts(ctx, server.llmctlCode ? shared.configObjects : []),
    );
  }
}
