/**
 * Section: the stack's flows (from its wiring; default deny both ways otherwise) and its public routes.
 * - R2R reads Postgres, Qdrant (HTTP and gRPC) and Redis from its env; OpenWebUI calls LiteLLM; the React
 *   client's VITE_API_BASE_URL names OpenWebUI;
 * - only LiteLLM (model providers) and R2R (model and document downloads) reach the internet;
 * - public traffic: the edge to OpenWebUI, the React client and (with a host) LiteLLM; NodePorts in dev.
 */
import { EdgeRoutes } from "../../platform/edge/edgeRoutes";
import type { RouteGroup } from "../../platform/edge/routes";
import { hasPublicHosts } from "../../platform/exposure";
import { allowFlow, type Flow, INTERNET_PORTS, type NetworkConfig, type PodGroup, workloadPods } from "../../platform/flows";
import { childOpts, type SuiteContext } from "../context";
import type { LlmStackConfig } from "./config";
import type { LlmStackImage } from "./images";
import { INSTANCE, NAMES, PORTS } from "./names";

export function stackFlows(cfg: LlmStackConfig, network: NetworkConfig, nodePorts: boolean, own?: PodGroup["own"]): Flow[] {
  const pods = (name: string) => workloadPods(name, INSTANCE, cfg.namespace, own);
  const flow = (from: string, to: string, ports: number[], why: string): Flow => ({ name: `${from}-to-${to}`, from: { pods: pods(from) }, to: { pods: pods(to) }, ports: ports.map((port) => ({ port })), why });
  const flows: Flow[] = [
    flow(NAMES.r2r, NAMES.postgres, [PORTS.postgres], "R2R_POSTGRES_HOST"),
    flow(NAMES.r2r, NAMES.qdrant, [PORTS.qdrant, PORTS.qdrantGrpc], "R2R_QDRANT_HOST"),
    flow(NAMES.r2r, NAMES.redis, [PORTS.redis], "REDIS_URL"),
    flow(NAMES.openwebui, NAMES.litellm, [PORTS.litellm], "OPENAI_API_BASE_URL (and the init gate)"),
    flow(NAMES.reactClient, NAMES.openwebui, [PORTS.openwebui], "VITE_API_BASE_URL"),
    ...[NAMES.litellm, NAMES.r2r].map((n): Flow => ({ name: `${n}-to-internet`, from: { pods: pods(n) }, to: { external: network.internet }, ports: INTERNET_PORTS, why: `${n} calls model providers and downloads` })),
  ];
  if (nodePorts) {
    for (const [name, port] of [
      [NAMES.openwebui, PORTS.openwebui],
      [NAMES.reactClient, PORTS.reactClient],
      [NAMES.litellm, PORTS.litellm],
    ] as const) {
      flows.push({ name: `nodeport-to-${name}`, from: { anywhere: true }, to: { pods: pods(name) }, ports: [{ port }], why: `the ${name} NodePort (a local cluster's node network)` });
    }
  }
  return flows;
}

/** The public routes: OpenWebUI logs its users in; the React client and LiteLLM's API need edge auth. */
export function stackRouteGroups(cfg: LlmStackConfig): RouteGroup[] {
  const group = (name: string, port: number, host: string | undefined, auth: RouteGroup["auth"]): RouteGroup[] =>
    host ? [{ name, instance: INSTANCE, namespace: cfg.namespace, host, auth, routes: [{ name, path: "/", service: name, port }] }] : [];
  return [
    ...group(NAMES.openwebui, PORTS.openwebui, cfg.hosts.openwebui, { kind: "app", reason: "OpenWebUI's login (WEBUI_AUTH, on outside dev)" }),
    ...group(NAMES.reactClient, PORTS.reactClient, cfg.hosts.reactClient, { kind: "edge" }),
    ...group(NAMES.litellm, PORTS.litellm, cfg.hosts.litellm, { kind: "edge" }),
  ];
}

export function stackNetwork(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig): void {
  for (const f of stackFlows(cfg, ctx.network, ctx.exposure.mode === "nodePort", ctx.namespace)) allowFlow(f, ctx.instance, childOpts(ctx));
  if (!hasPublicHosts(ctx.exposure)) return;
  for (const g of stackRouteGroups(cfg)) new EdgeRoutes(`${INSTANCE}-${g.name}`, { group: g, namespace: ctx.namespace, edge: ctx.edge }, childOpts(ctx));
}
