/**
 * Section: how the studio is reached from outside: the studio's routes (/, /api, /mcp/<route> rewritten to each server's path) on its public host, rendered
 * for the exposure mode by the platform's EdgeRoutes.
 */
import { EdgeRoutes } from "../../platform/edge/edgeRoutes";
import type { EdgeRoute, RouteGroup } from "../../platform/edge/routes";
import { hasPublicHosts } from "../../platform/exposure";
import { childOpts, type SuiteContext } from "../context";
import type { LlmctlImage } from "./images";
import { MCP_SERVERS } from "./mcp";
import { INSTANCE, NAMES, PORTS } from "./names";

/** The studio's routes: the UI at /, the API at /api, each MCP server at /mcp/<route>. */
export function studioRoutes(): EdgeRoute[] {
  return [
    { name: "frontend", path: "/", service: NAMES.frontend, port: PORTS.frontend },
    { name: "api", path: "/api", service: NAMES.backend, port: PORTS.backend },
    ...MCP_SERVERS.map((s) => ({ name: `mcp-${s.route}`, path: `/mcp/${s.route}`, service: s.name, port: s.port, rewriteTo: s.path })),
  ];
}

/** The studio's route group: the studio has no login of its own, so every route needs edge auth. */
export function studioRouteGroup(namespace: string, host: string): RouteGroup {
  return { name: NAMES.ingress, instance: INSTANCE, namespace, host, auth: { kind: "edge" }, routes: studioRoutes() };
}

/** The studio's public routes (their edge flows come with them; NodePort flows are in flows.ts). */
export function studioExposure(ctx: SuiteContext<LlmctlImage>): void {
  const host = ctx.exposure.host;
  if (hasPublicHosts(ctx.exposure) && host) {
    new EdgeRoutes(NAMES.ingress, { group: studioRouteGroup(ctx.namespaceName, host), namespace: ctx.namespace, edge: ctx.edge }, childOpts(ctx));
  }
}
