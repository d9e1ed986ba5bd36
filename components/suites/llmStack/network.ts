/**
 * Section: the stack's flows (from its wiring; default deny both ways otherwise) and its public routes.
 * - R2R reads Postgres, Qdrant (HTTP and gRPC) and Redis from its env; OpenWebUI calls LiteLLM; the React
 *   client's VITE_API_BASE_URL names OpenWebUI;
 * - only LiteLLM (model providers), R2R (tokenizer downloads) and the llama.cpp models' download Jobs (their GGUF)
 *   reach the internet; LiteLLM reaches its database and its model servers, which nothing else may reach;
 * - public traffic: the edge to OpenWebUI, the React client and (with a host) LiteLLM; NodePorts in dev;
 * - with monitoring on, Prometheus scrapes LiteLLM and Qdrant, the two that serve metrics themselves;
 *   Postgres and Redis would need exporter sidecars (the seed has none), and R2R, OpenWebUI and the React
 *   client serve no Prometheus endpoint: not scraped.
 */
import { modelDownloader } from "../../workloads/modelFetch";
import type * as pulumi from "@pulumi/pulumi";
import { EdgeRoutes } from "../../platform/edge/edgeRoutes";
import type { RouteGroup } from "../../platform/edge/routes";
import { hasPublicHosts } from "../../platform/exposure";
import { selectorLabels } from "../../lib/labels";
import { allowFlow, type Flow, INTERNET_PORTS, type NetworkConfig, type PodGroup, workloadPods } from "../../platform/flows";
import { type MonitoringAccess, type ScrapeTarget, scrape } from "../../platform/metrics";
import { childOpts, type SuiteContext } from "../context";
import type { LlmStackConfig } from "./config";
import type { LlmStackImage } from "./images";
import { MODEL_PORTS, modelWorkload } from "./models";
import { CONSUMER_KEY } from "./gatewayKeys";
import { consumerKeySecret, INSTANCE, KEYS, NAMES, PORTS } from "./names";

export function stackFlows(cfg: LlmStackConfig, network: NetworkConfig, nodePorts: boolean, own?: PodGroup["own"], persistence = true): Flow[] {
  const pods = (name: string) => workloadPods(name, INSTANCE, cfg.namespace, own);
  const flow = (from: string, to: string, ports: number[], why: string): Flow => ({ name: `${from}-to-${to}`, from: { pods: pods(from) }, to: { pods: pods(to) }, ports: ports.map((port) => ({ port })), why });
  const flows: Flow[] = [
    flow(NAMES.r2r, NAMES.postgres, [PORTS.postgres], "R2R_POSTGRES_HOST"),
    flow(NAMES.litellm, NAMES.postgres, [PORTS.postgres], "DATABASE_HOST (its own database: keys and spend)"),
    flow(NAMES.gatewayDb, NAMES.postgres, [PORTS.postgres], "the Job creates LiteLLM's role and database"),
    flow(NAMES.gatewayKeys, NAMES.litellm, [PORTS.litellm], "the Job registers the consumers' keys (LITELLM_URL)"),
    flow(NAMES.r2r, NAMES.litellm, [PORTS.litellm], "OPENAI_API_BASE (and the init gate)"),
    flow(NAMES.openwebui, NAMES.litellm, [PORTS.litellm], "OPENAI_API_BASE_URL (and the init gate)"),
    flow(NAMES.openwebui, NAMES.qdrant, [PORTS.qdrant], "QDRANT_URI"),
    flow(NAMES.openwebui, NAMES.redis, [PORTS.redis], "REDIS_URL, WEBSOCKET_REDIS_URL"),
    flow(NAMES.reactClient, NAMES.openwebui, [PORTS.openwebui], "VITE_API_BASE_URL"),
    ...cfg.localModels.map((m) => flow(NAMES.litellm, modelWorkload(m), [MODEL_PORTS[m.server]], `model_list: ${m.name}'s api_base`)),
    // NetworkPolicy is per pod: a llama.cpp model's host is reachable from its download Job's pods alone (with a claim),
    // or from its server's pod, whose init container downloads into an emptyDir (persistence off).
    ...cfg.localModels
      .filter((m) => m.server === "llamacpp")
      .map((m): Flow => ({
        name: `${modelWorkload(m)}-download`,
        from: { pods: pods(modelDownloader(modelWorkload(m), persistence)) },
        to: { external: network.internet },
        ports: INTERNET_PORTS,
        why: persistence ? `${m.name}'s GGUF download (Job ${modelDownloader(modelWorkload(m), true)}; the server has no internet)` : `${m.name}'s GGUF download (init container: without a claim the download runs in the server's pod)`,
      })),
    { name: `${NAMES.litellm}-to-internet`, from: { pods: pods(NAMES.litellm) }, to: { external: network.internet }, ports: INTERNET_PORTS, why: "litellm calls model providers" },
    // R2R's models go through the gateway; it still downloads tokenizer files (tiktoken's encodings) at first use.
    { name: `${NAMES.r2r}-to-internet`, from: { pods: pods(NAMES.r2r) }, to: { external: network.internet }, ports: INTERNET_PORTS, why: "r2r downloads tokenizer files" },
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

/**
 * What Prometheus scrapes, each on the Service's "http" port with the key the endpoint wants as a bearer token
 * (a ServiceMonitor reads it from a Secret beside it): LiteLLM's /metrics/ (its Prometheus callback,
 * decisions.ts) with the scraper's own gateway key; Qdrant's /metrics with its API key, which Qdrant requires on every
 * endpoint but the health checks.
 */
export function stackScrapeTargets(cfg: LlmStackConfig, namespace: pulumi.Input<string>): ScrapeTarget[] {
  const target = (name: string, service: string, port: number, path: string, token: { name: string; key: string }, why: string): ScrapeTarget => ({
    name,
    namespace,
    instance: INSTANCE,
    serviceLabels: selectorLabels(service, INSTANCE),
    portName: "http",
    port,
    path,
    pods: workloadPods(service, INSTANCE, cfg.namespace, namespace),
    auth: { kind: "bearer", token },
    why,
  });
  return [
    // LiteLLM mounts its metrics app at /metrics/ (/metrics answers with a redirect).
    // With the scraper's own key (gatewayKeys.ts), which can call no model, not the master key.
    target(NAMES.litellm, NAMES.litellm, PORTS.litellm, "/metrics/", { name: consumerKeySecret("metrics"), key: CONSUMER_KEY }, "LiteLLM's request, token and spend metrics"),
    // Named after the suite: the context-engine suite runs a qdrant too, and the Prometheus side of each flow
    // is a policy in the one monitoring namespace, named after the target.
    target(`${INSTANCE}-${NAMES.qdrant}`, NAMES.qdrant, PORTS.qdrant, "/metrics", { name: NAMES.stackSecret, key: KEYS.qdrantApiKey }, "Qdrant's collection and request metrics"),
  ];
}

export function stackNetwork(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig, monitoring: MonitoringAccess | undefined): void {
  for (const f of stackFlows(cfg, ctx.network, ctx.exposure.mode === "nodePort", ctx.namespace, ctx.persistence)) allowFlow(f, ctx.instance, childOpts(ctx));
  for (const t of stackScrapeTargets(cfg, ctx.namespace)) scrape(t, monitoring, childOpts(ctx));
  if (!hasPublicHosts(ctx.exposure)) return;
  for (const g of stackRouteGroups(cfg)) new EdgeRoutes(`${INSTANCE}-${g.name}`, { group: g, namespace: ctx.namespace, edge: ctx.edge }, childOpts(ctx));
}
