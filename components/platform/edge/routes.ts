/**
 * Routes declared once, rendered by the exposure mode. A suite or add-on declares a RouteGroup (one public
 * host, its paths, the Services behind them, and who authenticates); these pure builders turn it into
 * Gateway API HTTPRoutes (+ the Envoy Gateway SecurityPolicy for edge auth) or networking.k8s.io/v1
 * Ingresses. Path prefixes and rewrites mean the same in both: a request for `<path>/rest` reaches the
 * Service as `<rewriteTo>/rest` (tests/unit/edge.test.ts replays both renderings on the same requests).
 */
import {
  type EdgeAuthConfig,
  type ExposureConfig,
  httpsListener,
  PLATFORM_GATEWAY,
  publicTls,
  tlsSecretName,
} from "../exposure";

/** Who authenticates a route's users: the edge (the app has no login of its own), or the app itself. */
export type RouteAuth = { readonly kind: "edge" } | { readonly kind: "app"; readonly reason: string };

export interface EdgeRoute {
  /** Short name, unique in its group (names the Ingress of a rewritten route). */
  readonly name: string;
  /** Public path prefix, e.g. /mcp/github; "/" for the whole host. */
  readonly path: string;
  readonly service: string;
  readonly port: number;
  /** The upstream path that replaces `path`, e.g. /mcp/ (a request for /mcp/github/x reaches /mcp/x). */
  readonly rewriteTo?: string;
  /**
   * The pods behind the Service and the port they listen on, for the NetworkPolicy flow from the edge; default:
   * the pods of a workload built with selectorLabels(service, instance), listening on `port`. A chart's
   * Service names its own labels and target port.
   */
  readonly pods?: { readonly matchLabels: Readonly<Record<string, string>>; readonly port: number };
}

export interface RouteGroup {
  /** Name of the HTTPRoute / main Ingress (the seed's ingress name where it names one). */
  readonly name: string;
  /** app.kubernetes.io/instance of the objects. */
  readonly instance: string;
  /** Namespace of the Services (and of the route objects). */
  readonly namespace: string;
  readonly host: string;
  readonly auth: RouteAuth;
  readonly routes: readonly EdgeRoute[];
  /** Registry pushes: no body-size limit and no request timeout at the edge. */
  readonly largeBodies?: boolean;
}

/** Mistakes in a declaration (a programming error: the suites' own tests catch them). */
export function routeGroupProblems(g: RouteGroup): string[] {
  const problems: string[] = [];
  const paths = new Set<string>();
  for (const r of g.routes) {
    if (!r.path.startsWith("/")) problems.push(`${g.name}/${r.name}: path must start with / (got ${r.path})`);
    if (r.rewriteTo !== undefined && !r.rewriteTo.startsWith("/")) problems.push(`${g.name}/${r.name}: rewriteTo must start with / (got ${r.rewriteTo})`);
    if (r.rewriteTo !== undefined && r.path === "/") problems.push(`${g.name}/${r.name}: the root path cannot be rewritten`);
    if (paths.has(r.path)) problems.push(`${g.name}: path ${r.path} is routed twice`);
    paths.add(r.path);
  }
  if (g.routes.length === 0) problems.push(`${g.name}: no routes`);
  return problems;
}

// ---- Gateway API

export const GATEWAY_API = "gateway.networking.k8s.io";
export const ENVOY_GATEWAY_API = "gateway.envoyproxy.io";

export interface HttpRouteSpec {
  readonly parentRefs: ReadonlyArray<{ group: string; kind: string; namespace: string; name: string; sectionName: string }>;
  readonly hostnames: readonly string[];
  readonly rules: ReadonlyArray<{
    matches: ReadonlyArray<{ path: { type: "PathPrefix"; value: string } }>;
    filters?: ReadonlyArray<{ type: "URLRewrite"; urlRewrite: { path: { type: "ReplacePrefixMatch"; replacePrefixMatch: string } } }>;
    backendRefs: ReadonlyArray<{ name: string; port: number }>;
    timeouts?: { request: string };
  }>;
}

/** One HTTPRoute per group, on the HTTPS listener of its host. Longest prefix wins, as in the Ingress rendering. */
export function httpRouteSpec(g: RouteGroup, exposure: ExposureConfig): HttpRouteSpec {
  return {
    parentRefs: [{ group: GATEWAY_API, kind: "Gateway", namespace: exposure.gatewayNamespace, name: PLATFORM_GATEWAY, sectionName: httpsListener(g.host) }],
    hostnames: [g.host],
    rules: g.routes.map((r) => ({
      matches: [{ path: { type: "PathPrefix", value: r.path } }],
      ...(r.rewriteTo !== undefined ? { filters: [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: r.rewriteTo } } }] } : {}),
      backendRefs: [{ name: r.service, port: r.port }],
      // "0s" disables the request timeout (Gateway API HTTPRouteTimeouts); a layer upload can take minutes.
      ...(g.largeBodies ? { timeouts: { request: "0s" } } : {}),
    })),
  };
}

/** Secret names the SecurityPolicy of a group reads (in the group's namespace). */
export function authSecretName(g: RouteGroup, kind: "basic-auth" | "oidc"): string {
  return `${g.name}-${kind}`;
}

/**
 * The Envoy Gateway SecurityPolicy enforcing edge auth on a group's HTTPRoute; undefined when the app
 * authenticates itself or auth is external (stated by the operator to happen in front of the platform).
 */
export function securityPolicySpec(g: RouteGroup, auth: EdgeAuthConfig): Record<string, unknown> | undefined {
  if (g.auth.kind !== "edge" || auth.mode === "external") return undefined;
  const targetRefs = [{ group: GATEWAY_API, kind: "HTTPRoute", name: g.name }];
  switch (auth.mode) {
    case "basic":
      return { targetRefs, basicAuth: { users: { name: authSecretName(g, "basic-auth") } } };
    case "oidc":
      return {
        targetRefs,
        oidc: { provider: { issuer: auth.oidc?.issuer ?? "" }, clientID: auth.oidc?.clientId ?? "", clientSecret: { name: authSecretName(g, "oidc") } },
      };
    case "ipAllowList":
      return { targetRefs, authorization: { defaultAction: "Deny", rules: [{ name: "allowed-cidrs", action: "Allow", principal: { clientCIDRs: [...auth.allowedCidrs] } }] } };
  }
}

// ---- Ingress

export interface IngressObject {
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: {
    readonly ingressClassName?: string;
    readonly tls?: ReadonlyArray<{ hosts: string[]; secretName: string }>;
    readonly rules: ReadonlyArray<{
      host: string;
      http: { paths: ReadonlyArray<{ path: string; pathType: "Prefix" | "ImplementationSpecific"; backend: { service: { name: string; port: { number: number } } } }> };
    }>;
  };
}

/** The class whose annotations we know (ingress-nginx): path rewrites and body size need them. */
export const NGINX_CLASS = "nginx";

/**
 * The Ingresses of a group: one for the plain prefixes, one per rewritten route (ingress-nginx applies
 * rewrite-target to a whole Ingress). Only the first carries the cert-manager annotation, so the host's TLS
 * Secret has one owner; the others serve the same Secret. Another class gets no controller annotations, so a
 * rewrite cannot be expressed (the config parser rejects that combination first).
 */
export function ingressObjects(g: RouteGroup, exposure: ExposureConfig): IngressObject[] {
  const className = exposure.ingressClassName;
  const nginx = className === NGINX_CLASS;
  const tls = publicTls(exposure) && exposure.tls.clusterIssuer !== undefined;
  const rewritten = g.routes.filter((r) => r.rewriteTo !== undefined);
  if (rewritten.length > 0 && !nginx) {
    throw new Error(`${g.name}: ${rewritten.map((r) => r.path).join(", ")} need a path rewrite, which only the ${NGINX_CLASS} IngressClass's annotations express here`);
  }
  const object = (name: string, routes: readonly EdgeRoute[], owner: boolean): IngressObject => {
    const rewrite = routes[0]?.rewriteTo;
    const annotations: Record<string, string> = {};
    if (tls && owner) annotations["cert-manager.io/cluster-issuer"] = exposure.tls.clusterIssuer as string;
    if (nginx && g.largeBodies) annotations["nginx.ingress.kubernetes.io/proxy-body-size"] = "0";
    if (rewrite !== undefined) {
      annotations["nginx.ingress.kubernetes.io/use-regex"] = "true";
      // path `<prefix>(/|$)(.*)`: "/mcp/" + $2 keeps the trailing slash; "/mcp" + $1$2 keeps the request's.
      annotations["nginx.ingress.kubernetes.io/rewrite-target"] = rewrite.endsWith("/") ? `${rewrite}$2` : `${rewrite}$1$2`;
    }
    return {
      name,
      annotations,
      spec: {
        ...(className ? { ingressClassName: className } : {}),
        ...(tls ? { tls: [{ hosts: [g.host], secretName: tlsSecretName(g.host) }] } : {}),
        rules: [
          {
            host: g.host,
            http: {
              paths: routes.map((r) => ({
                path: rewrite !== undefined ? `${r.path}(/|$)(.*)` : r.path,
                pathType: rewrite !== undefined ? "ImplementationSpecific" : "Prefix",
                backend: { service: { name: r.service, port: { number: r.port } } },
              })),
            },
          },
        ],
      },
    };
  };
  const plain = g.routes.filter((r) => r.rewriteTo === undefined);
  return [...(plain.length > 0 ? [object(g.name, plain, true)] : []), ...rewritten.map((r, i) => object(`${g.name}-${r.name}`, [r], plain.length === 0 && i === 0))];
}
