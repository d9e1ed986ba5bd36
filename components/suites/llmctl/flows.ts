/**
 * Section: the studio's network flows, derived from its wiring. Every pod here starts denied both ways
 * (the namespace's default deny); these are the flows the suite wires, each with the reason:
 * - the shared ConfigMap names Postgres, Redis and ChromaDB: every pod that reads it reaches them;
 * - the backend's init gate and the studio's MCP endpoint list name the six MCP servers: the backend and
 *   the workers (which run agent tasks) reach them; the chroma MCP server reaches ChromaDB;
 * - the backend creates executor Jobs through the API server;
 * - executor pods (any Job pod of the namespace, by the label Kubernetes puts on Job pods) reach only the
 *   backend and the internet; nothing reaches them;
 * - workers download models, the SaaS MCP servers call GitHub, Atlassian and Google: internet egress,
 *   never the cluster, private or metadata ranges (networkExcludedCidrs);
 * - public traffic: the edge reaches the routed pods (EdgeRoutes declares those), NodePorts admit anyone
 *   on the two NodePort Services' ports (a local cluster).
 */
import { allowFlow, type Flow, INTERNET_PORTS, type NetworkConfig, type PodGroup, workloadPods } from "../../platform/flows";
import { CHROMA_PORT, POSTGRES_PORT, REDIS_PORT } from "../../workloads/datastores";
import { childOpts, type SuiteContext } from "../context";
import type { LlmctlImage } from "./images";
import { MCP_SERVERS } from "./mcp";
import { INSTANCE, NAMES, PORTS } from "./names";

/** The MCP servers that call a SaaS with the operator's credentials. */
const SAAS_MCP = ["llmctl-mcp-github", "llmctl-mcp-atlassian", "llmctl-mcp-google-cloud", "llmctl-mcp-google-workspace"] as const;

/** Every executor pod: Kubernetes labels each Job's pods with the Job's name. */
export function executorPods(namespace: string, own?: PodGroup["own"]): PodGroup {
  return { name: "llmctl-executors", namespace, own, selector: { matchExpressions: [{ key: "batch.kubernetes.io/job-name", operator: "Exists" }] } };
}

/** The studio's flows (pure: the policies are rendered from this list). */
export function studioFlows(namespace: string, network: NetworkConfig, nodePorts: boolean, own?: PodGroup["own"]): Flow[] {
  const pods = (name: string) => workloadPods(name, INSTANCE, namespace, own);
  const flow = (from: PodGroup, to: PodGroup, port: number, why: string): Flow => ({ name: `${from.name}-to-${to.name}`, from: { pods: from }, to: { pods: to }, ports: [{ port }], why });
  const stores = [
    [NAMES.postgres, POSTGRES_PORT],
    [NAMES.redis, REDIS_PORT],
    [NAMES.chroma, CHROMA_PORT],
  ] as const;
  const configReaders = [NAMES.backend, NAMES.worker, NAMES.beat, "llmctl-mcp"];
  const flows: Flow[] = [
    ...configReaders.flatMap((reader) => stores.map(([store, port]) => flow(pods(reader), pods(store), port, `${reader} reads ${store}'s address from llmctl-studio-config`))),
    ...[NAMES.backend, NAMES.worker].flatMap((caller) =>
      MCP_SERVERS.map((s) => flow(pods(caller), pods(s.name), s.port, `${caller} calls the MCP endpoints listed in LLMCTL_STUDIO_MCP_REQUIRED_ENDPOINTS`)),
    ),
    flow(pods("llmctl-mcp-chroma"), pods(NAMES.chroma), CHROMA_PORT, "the chroma MCP server's CHROMA_HOST"),
    {
      name: `${NAMES.backend}-to-api-server`,
      from: { pods: pods(NAMES.backend) },
      to: { external: network.apiServer },
      ports: network.apiServerPorts.map((port) => ({ port })),
      why: "the backend creates and watches executor Jobs (ServiceAccount llmctl-studio)",
    },
    {
      name: `llmctl-executors-to-${NAMES.backend}`,
      from: { pods: executorPods(namespace, own) },
      to: { pods: pods(NAMES.backend) },
      ports: [{ port: PORTS.backend }],
      why: "executor pods report back to the studio API",
    },
    ...[executorPods(namespace, own), pods(NAMES.worker), ...SAAS_MCP.map(pods)].map(
      (g): Flow => ({ name: `${g.name}-to-internet`, from: { pods: g }, to: { external: network.internet }, ports: INTERNET_PORTS, why: `${g.name} calls services on the internet (models, SaaS APIs)` }),
    ),
  ];
  if (nodePorts) {
    for (const [name, port] of [
      [NAMES.backend, PORTS.backend],
      [NAMES.frontend, PORTS.frontend],
    ] as const) {
      flows.push({ name: `nodeport-to-${name}`, from: { anywhere: true }, to: { pods: pods(name) }, ports: [{ port }], why: `the ${name} NodePort (a local cluster's node network)` });
    }
  }
  return flows;
}

export function studioNetwork(ctx: SuiteContext<LlmctlImage>): void {
  for (const f of studioFlows(ctx.namespaceName, ctx.network, ctx.exposure.mode === "nodePort", ctx.namespace)) allowFlow(f, ctx.instance, childOpts(ctx));
}
