/** Exposure fixtures for edge tests, and replays of both renderings on a request path. */
import { CERT_MANAGER_APIS, ENVOY_GATEWAY_APIS } from "../../components/addons/apis";
import { PlatformApis } from "../../components/platform/apis";
import type { ExposureConfig } from "../../components/platform/exposure";
import type { HttpRouteSpec, IngressObject } from "../../components/platform/edge/routes";

export function exposureOf(mode: ExposureConfig["mode"], over: Partial<ExposureConfig> = {}): ExposureConfig {
  return {
    mode,
    host: "llm.example.com",
    ingressClassName: mode === "ingress" ? "nginx" : undefined,
    gatewayNamespace: "llm-platform-edge",
    tls: { mode: "selfSigned", clusterIssuer: "llm-platform" },
    auth: { mode: mode === "ingress" ? "external" : "basic", basicUser: "llm-platform", allowedCidrs: [] },
    ...over,
  };
}

export interface Routed {
  readonly service: string;
  readonly port: number;
  /** The path the Service receives. */
  readonly path: string;
}

/**
 * What the Gateway API specifies for an HTTPRoute: PathPrefix matches whole path elements, the longest
 * prefix wins, and ReplacePrefixMatch replaces the matched prefix (a trailing-slash replacement keeps one
 * slash: /foo with /xyz/ maps /foo -> /xyz/ and /foo/bar -> /xyz/bar).
 */
export function replayHttpRoute(spec: HttpRouteSpec, path: string): Routed | undefined {
  const matches = (prefix: string) => prefix === "/" || path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);
  const candidates = spec.rules.filter((r) => matches(r.matches[0].path.value)).sort((a, b) => b.matches[0].path.value.length - a.matches[0].path.value.length);
  const rule = candidates[0];
  if (!rule) return undefined;
  const prefix = rule.matches[0].path.value;
  const replace = rule.filters?.[0]?.urlRewrite.path.replacePrefixMatch;
  let upstream = path;
  if (replace !== undefined) {
    const rest = path.slice(prefix.length); // "" or "/..."
    upstream = replace.endsWith("/") ? `${replace}${rest.replace(/^\//, "")}` : `${replace}${rest}`;
    if (upstream === "") upstream = "/";
  }
  return { service: rule.backendRefs[0].name, port: rule.backendRefs[0].port, path: upstream };
}

/**
 * What ingress-nginx does with the rendered Ingresses: Prefix paths by element, regex paths (use-regex) as
 * anchored regular expressions with rewrite-target's $n substituted; the longest path wins.
 */
export function replayIngressNginx(objects: readonly IngressObject[], path: string): Routed | undefined {
  type Hit = { len: number; routed: Routed };
  const hits: Hit[] = [];
  for (const ing of objects) {
    for (const p of ing.spec.rules[0].http.paths) {
      const backend = { service: p.backend.service.name, port: p.backend.service.port.number };
      if (p.pathType === "Prefix") {
        if (p.path === "/" || path === p.path || path.startsWith(`${p.path}/`)) hits.push({ len: p.path.length, routed: { ...backend, path } });
        continue;
      }
      const m = new RegExp(`^${p.path}`).exec(path);
      if (!m) continue;
      const target = ing.annotations["nginx.ingress.kubernetes.io/rewrite-target"] ?? path;
      hits.push({ len: p.path.length, routed: { ...backend, path: target.replace(/\$(\d)/g, (_, n: string) => m[Number(n)] ?? "") } });
    }
  }
  return hits.sort((a, b) => b.len - a.len)[0]?.routed;
}

/** API suppliers for a component rendered alone: the cluster is assumed to run the edge add-ons already. */
export function clusterApis(): PlatformApis {
  const apis = new PlatformApis();
  for (const s of [ENVOY_GATEWAY_APIS, CERT_MANAGER_APIS]) apis.assume(s);
  return apis;
}
