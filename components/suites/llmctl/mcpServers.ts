/** Section: the six integrated MCP servers (names, ports and paths from the seed's contract in mcp.ts). */
import { tcpProbes } from "../../lib/probes";
import { CHROMA_PORT, CHROMA_TOKEN_HEADER } from "../../workloads/datastores";
import type { EnvMap, Volume, VolumeMount } from "../../workloads/pod";
import { WebService } from "../../workloads/webService";
import { type SuiteContext, workloadOpts } from "../context";
import type { Datastores } from "./datastores";
import type { LlmctlImage } from "./images";
import { MCP_SERVERS, type McpServer } from "./mcp";
import { CHROMA_AUTH, CREDENTIALS_PATH, NAMES, SIZES } from "./names";
import { CHROMA_CLIENT_AUTH_PROVIDER } from "./studioConfig";
import type { StudioShared } from "./studioConfigMap";

/** The env of one MCP server: how it serves HTTP (its own names), ChromaDB for the chroma server, its optional credentials. */
export function mcpServerEnv(server: McpServer, chromaHost: string): EnvMap {
  const secretEnv: EnvMap = Object.fromEntries(server.secretEnv.map((key) => [key, { secretKeyRef: { name: NAMES.mcpSecret, key, optional: true } }]));
  return {
    ...server.serveEnv,
    ...(server.readsCredentials ? { LLMCTL_CREDENTIALS_DIR: CREDENTIALS_PATH } : {}),
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

export function mcpServers(ctx: SuiteContext<LlmctlImage>, shared: StudioShared, stores: Datastores): void {
  for (const server of MCP_SERVERS) {
    const volumes: Volume[] = [shared.tmp, ...(server.llmctlCode ? shared.liveCodeVolumes : []), ...(server.readsCredentials ? [stores.dataVolume] : [])];
    const mounts: VolumeMount[] = [
      shared.tmpMount,
      ...(server.llmctlCode ? shared.liveCodeMounts : []),
      ...(server.readsCredentials ? [{ name: stores.dataVolume.name, mountPath: CREDENTIALS_PATH, readOnly: true }] : []),
    ];
    new WebService(
      server.name,
      {
        namespace: ctx.namespace,
        instance: ctx.instance,
        profile: ctx.profile,
        imagePullSecrets: ctx.imagePullSecrets,
        component: "mcp",
        port: { port: server.port },
        volumes,
        podDisruptionBudget: false,
        container: {
          image: ctx.images[server.image],
          size: SIZES.mcp,
          env: mcpServerEnv(server, stores.hosts.chroma),
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
