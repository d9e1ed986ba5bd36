/**
 * Section: how the studio is reached from outside its namespace: NodePort and ingress-controller traffic
 * allowed in, and the ingress routes (/, /api, /mcp/<route> with the path rewritten to each server's path).
 */
import { standardLabels, selectorLabels } from "../../lib/labels";
import { IngressRoutes, type Route } from "../../platform/ingress";
import { allowIngress } from "../../platform/namespace";
import { childOpts, type SuiteContext } from "../context";
import type { LlmctlImage } from "./images";
import { MCP_SERVERS } from "./mcp";
import { NAMES, PORTS } from "./names";

/** The services reachable from outside the namespace, with their ports. */
export function externalServices(): Array<{ name: string; port: number }> {
  return [
    { name: NAMES.backend, port: PORTS.backend },
    { name: NAMES.frontend, port: PORTS.frontend },
    ...MCP_SERVERS.map((s) => ({ name: s.name, port: s.port })),
  ];
}

/** The ingress routes: the UI at /, the API at /api, each MCP server at /mcp/<route>. */
export function studioRoutes(): Route[] {
  return [
    { name: "frontend", path: "/", serviceName: NAMES.frontend, servicePort: PORTS.frontend },
    { name: "api", path: "/api", serviceName: NAMES.backend, servicePort: PORTS.backend },
    ...MCP_SERVERS.map((s) => ({ name: `mcp-${s.route}`, path: `/mcp/${s.route}`, serviceName: s.name, servicePort: s.port, rewriteTo: s.path })),
  ];
}

export function studioExposure(ctx: SuiteContext<LlmctlImage>): void {
  if (ctx.exposure.mode === "clusterIP") return;
  for (const e of externalServices()) {
    allowIngress(
      `${e.name}-allow-external`,
      { namespace: ctx.namespace, selector: selectorLabels(e.name, ctx.instance), port: e.port, labels: standardLabels(e.name, ctx.instance) },
      childOpts(ctx),
    );
  }
  const ingress = ctx.exposure.ingress;
  if (ctx.exposure.mode === "ingress" && ingress) {
    new IngressRoutes(
      NAMES.ingress,
      {
        namespace: ctx.namespace,
        instance: ctx.instance,
        host: ingress.host,
        className: ingress.className,
        tlsClusterIssuer: ingress.tlsClusterIssuer,
        routes: studioRoutes(),
      },
      childOpts(ctx),
    );
  }
}
