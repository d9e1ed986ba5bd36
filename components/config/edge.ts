/**
 * The edge slice: how services are exposed (mode, public host, IngressClass, the Gateway's namespace),
 * where public certificates come from, and how routes the applications do not authenticate are protected.
 * The add-ons that implement it (Envoy Gateway, cert-manager) have slices of their own: install switches
 * and chart versions.
 */
import {
  EDGE_AUTH_MODES,
  EXPOSURE_MODES,
  PLATFORM_ISSUER,
  TLS_MODES,
  type EdgeAuthConfig,
  type ExposureConfig,
  type ExposureMode,
  type TlsConfig,
} from "../platform/exposure";
import { DNS_LABEL, DNS_SUBDOMAIN, EMAIL, tooWide } from "./patterns";
import type { Reader } from "./reader";
import type { KeySpec } from "./schema";

const g = { exposure: "Exposure", tls: "Edge TLS", auth: "Edge auth" } as const;

export const EDGE_SCHEMA = {
  exposure: {
    type: "string",
    group: g.exposure,
    default: "clusterIP",
    description:
      "How user-facing services are reached: gateway (Gateway API, TLS, edge auth; production), ingress (plain Ingress for another controller), nodePort (minikube), or clusterIP (port-forward only).",
  },
  nodePortHost: {
    type: "string",
    group: g.exposure,
    default: "",
    description: "Node address used in NodePort URLs (e.g. the output of `minikube -p llmctl ip`); empty prints a placeholder.",
  },
  ingressHost: { type: "string", group: g.exposure, default: "", description: "Public DNS host of the studio (required when exposure is gateway or ingress)." },
  ingressClassName: {
    type: "string",
    group: g.exposure,
    default: "",
    description: "IngressClass (exposure=ingress); empty uses the cluster's default class. Only `nginx` gets controller annotations (path rewrites, body size).",
  },
  gatewayNamespace: { type: "string", group: g.exposure, default: "llm-platform-edge", description: "Namespace of the platform Gateway (exposure=gateway)." },
  tlsMode: {
    type: "string",
    group: g.tls,
    default: "auto",
    description:
      "Public certificates: selfSigned (a platform CA; test clusters), acmeHttp01, acmeDns01 (Cloudflare), existingIssuer (tlsClusterIssuer), none (plain HTTP; ingress only), or auto (existingIssuer when tlsClusterIssuer is set, else selfSigned under gateway and none under ingress).",
  },
  tlsClusterIssuer: { type: "string", group: g.tls, default: "", description: "An existing cert-manager ClusterIssuer (tlsMode existingIssuer)." },
  acmeEmail: { type: "string", group: g.tls, default: "", description: "ACME account email (tlsMode acmeHttp01 or acmeDns01)." },
  acmeServer: { type: "string", group: g.tls, default: "https://acme-v02.api.letsencrypt.org/directory", description: "ACME directory URL (Let's Encrypt production; its staging URL while testing)." },
  acmeDns01CloudflareApiToken: {
    type: "string",
    group: g.tls,
    default: "",
    secret: true,
    description: "Cloudflare API token with Zone:DNS:Edit for the public hosts (tlsMode acmeDns01).",
  },
  edgeAuth: {
    type: "string",
    group: g.auth,
    default: "basic",
    description:
      "Auth at the edge for routes whose application has no login of its own (the studio, /mcp/*): basic (generated credentials), oidc, ipAllowList, or external (you state that something in front enforces auth; the only choice under exposure=ingress).",
  },
  edgeBasicAuthUser: { type: "string", group: g.auth, default: "llm-platform", description: "User of the generated basic-auth credentials (edgeAuth basic)." },
  edgeAllowedCidrs: { type: "array", group: g.auth, default: [], description: "Client CIDRs let in (edgeAuth ipAllowList), e.g. 203.0.113.0/24." },
  edgeOidcIssuer: { type: "string", group: g.auth, default: "", description: "OIDC issuer URL (edgeAuth oidc), e.g. https://accounts.google.com." },
  edgeOidcClientId: { type: "string", group: g.auth, default: "", description: "OIDC client ID registered for the public hosts (edgeAuth oidc)." },
  edgeOidcClientSecret: { type: "string", group: g.auth, default: "", secret: true, description: "OIDC client secret (edgeAuth oidc)." },
} as const satisfies Record<string, KeySpec>;

export type EdgeSchema = typeof EDGE_SCHEMA;

const CIDR = /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(?:3[0-2]|[12]?[0-9])$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;

function parseTls(r: Reader<EdgeSchema>, mode: ExposureMode): TlsConfig {
  const requested = r.oneOf("tlsMode", TLS_MODES);
  const existing = r.matching("tlsClusterIssuer", DNS_SUBDOMAIN, "a ClusterIssuer name");
  const resolved = requested !== "auto" ? requested : existing ? "existingIssuer" : mode === "gateway" ? "selfSigned" : "none";
  if (resolved === "none" && mode === "gateway") r.problem("tlsMode", "cannot be none when exposure is gateway: the Gateway terminates TLS (use selfSigned, acmeHttp01, acmeDns01 or existingIssuer)");
  if (resolved === "existingIssuer" && !existing) r.problem("tlsClusterIssuer", "is required when tlsMode is existingIssuer: the name of a ClusterIssuer the cluster already has");
  if (resolved !== "existingIssuer" && existing && requested !== "auto") {
    r.problem("tlsClusterIssuer", `is only used with tlsMode existingIssuer (tlsMode is ${requested})`);
  }
  if (resolved === "acmeHttp01" && mode === "ingress" && r.get("ingressClassName") === "") {
    r.problem("ingressClassName", "is required with tlsMode acmeHttp01 under exposure=ingress: the ACME solver's Ingress needs a class");
  }
  if (resolved === "none") return { mode: "none" };
  if (resolved === "existingIssuer") return { mode: resolved, clusterIssuer: existing || undefined };
  if (resolved === "selfSigned") return { mode: resolved, clusterIssuer: PLATFORM_ISSUER };
  const email = r.get("acmeEmail");
  if (!EMAIL.test(email)) r.problem("acmeEmail", `must be an email address for the ACME account when tlsMode is ${resolved} (got ${JSON.stringify(email)})`);
  const server = r.url("acmeServer") ?? "";
  const token = r.secret("acmeDns01CloudflareApiToken");
  if (resolved === "acmeDns01" && !token) r.problem("acmeDns01CloudflareApiToken", "is required when tlsMode is acmeDns01: `pulumi config set --secret acmeDns01CloudflareApiToken ...`");
  return { mode: resolved, clusterIssuer: PLATFORM_ISSUER, acme: { email, server, ...(resolved === "acmeDns01" && token ? { cloudflareApiToken: token } : {}) } };
}

function parseAuth(r: Reader<EdgeSchema>, mode: ExposureMode): EdgeAuthConfig {
  if (r.get("edgeAuth") === "none") {
    r.problem(
      "edgeAuth",
      "cannot be none: the studio and /mcp/* have no login of their own, and the MCP servers act with the operator's GitHub, Jira and Google credentials; choose basic, oidc, ipAllowList, or external (you state that auth is enforced in front of the platform)",
    );
  }
  const auth = r.oneOf("edgeAuth", EDGE_AUTH_MODES);
  if (mode === "ingress" && auth !== "external") {
    r.problem(
      "edgeAuth",
      `must be external when exposure is ingress: a plain Ingress has no portable way to enforce ${auth} auth, so the studio and /mcp/* would be public without it (use exposure gateway, or state with external that your controller or a proxy in front authenticates)`,
    );
  }
  const basicUser = r.get("edgeBasicAuthUser");
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(basicUser)) r.problem("edgeBasicAuthUser", `must be 1-64 letters, digits, '.', '_' or '-' (got ${JSON.stringify(basicUser)})`);
  const allowedCidrs = r.get("edgeAllowedCidrs");
  for (const c of allowedCidrs) if (!CIDR.test(c)) r.problem("edgeAllowedCidrs", `${JSON.stringify(c)} is not a CIDR such as 203.0.113.0/24 or 2001:db8::/32`);
  if (auth === "ipAllowList" && allowedCidrs.length === 0) r.problem("edgeAllowedCidrs", "needs at least one CIDR when edgeAuth is ipAllowList");
  for (const c of allowedCidrs.filter((x) => CIDR.test(x) && tooWide(x))) {
    r.problem("edgeAllowedCidrs", `${JSON.stringify(c)} lets in a large part of the internet (wider than a /8 for IPv4, a /16 for IPv6): an allow-list that open is no auth, as edgeAuth none is refused; list your clients' networks`);
  }
  const issuer = r.url("edgeOidcIssuer");
  const clientId = r.get("edgeOidcClientId");
  const clientSecret = r.secret("edgeOidcClientSecret");
  if (auth !== "oidc") return { mode: auth, basicUser, allowedCidrs };
  if (!issuer?.startsWith("https://")) r.problem("edgeOidcIssuer", "is required when edgeAuth is oidc: the provider's https issuer URL");
  if (clientId === "") r.problem("edgeOidcClientId", "is required when edgeAuth is oidc");
  if (!clientSecret) r.problem("edgeOidcClientSecret", "is required when edgeAuth is oidc: `pulumi config set --secret edgeOidcClientSecret ...`");
  return { mode: auth, basicUser, allowedCidrs, ...(issuer && clientSecret ? { oidc: { issuer, clientId, clientSecret } } : {}) };
}

export function parseEdge(r: Reader<EdgeSchema>): ExposureConfig {
  const mode = r.oneOf("exposure", EXPOSURE_MODES);
  const nodePortHost = r.matching("nodePortHost", /^[A-Za-z0-9.:\-[\]]+$/, "a host name or IP address") || undefined;
  const gatewayNamespace = r.get("gatewayNamespace");
  if (!DNS_LABEL.test(gatewayNamespace)) r.problem("gatewayNamespace", `must be a DNS label (got ${JSON.stringify(gatewayNamespace)})`);
  const className = r.matching("ingressClassName", DNS_SUBDOMAIN, "an IngressClass name") || undefined;
  const tls = parseTls(r, mode);
  const auth = parseAuth(r, mode);
  const base = { mode, nodePortHost, gatewayNamespace, tls, auth };
  if (mode !== "ingress" && mode !== "gateway") return base;
  const host = r.get("ingressHost");
  if (host === "") r.problem("ingressHost", `is required when exposure is ${mode}`);
  else if (!DNS_SUBDOMAIN.test(host)) r.problem("ingressHost", `must be a lower-case DNS name (got ${JSON.stringify(host)})`);
  return { ...base, host, ingressClassName: mode === "ingress" ? className : undefined };
}
