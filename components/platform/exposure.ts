/**
 * How user-facing services are reached (the platform's exposure settings), and the one place that turns a
 * service into the URL a person opens under those settings.
 *
 * - `gateway`: Gateway API. One platform Gateway terminates TLS for every public host; suites and add-ons
 *   attach HTTPRoutes to it; edge auth is enforced by the implementation's policy (Envoy Gateway).
 * - `ingress`: plain networking.k8s.io/v1 Ingress for a cluster that runs another maintained controller.
 * - `nodePort`: a local cluster (minikube): Services on NodePorts, reachable from the node network only.
 * - `clusterIP`: nothing outside the cluster; port-forward.
 */
import type * as pulumi from "@pulumi/pulumi";

export const EXPOSURE_MODES = ["nodePort", "ingress", "gateway", "clusterIP"] as const;
export type ExposureMode = (typeof EXPOSURE_MODES)[number];

/** How a route that the application does not authenticate itself is protected at the edge. */
export const EDGE_AUTH_MODES = ["basic", "oidc", "ipAllowList", "external"] as const;
export type EdgeAuthMode = (typeof EDGE_AUTH_MODES)[number];

/** Where public certificates come from; `auto` is resolved by the config parser. */
export const TLS_MODES = ["auto", "none", "selfSigned", "acmeHttp01", "acmeDns01", "existingIssuer"] as const;
export type TlsMode = Exclude<(typeof TLS_MODES)[number], "auto">;

/** The ClusterIssuer the platform creates (every TLS mode except none and existingIssuer). */
export const PLATFORM_ISSUER = "llm-platform";
/** The platform Gateway every HTTPRoute attaches to. */
export const PLATFORM_GATEWAY = "llm-platform";
/** The Gateway's plain-HTTP listener: redirects to HTTPS, and carries ACME HTTP-01 challenges. */
export const HTTP_LISTENER = "http";

export interface EdgeAuthConfig {
  readonly mode: EdgeAuthMode;
  /** basic: the user of the generated credentials. */
  readonly basicUser: string;
  /** ipAllowList: client CIDRs allowed in. */
  readonly allowedCidrs: readonly string[];
  /** oidc: the provider and this platform's client. */
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly clientSecret: pulumi.Output<string> };
}

export interface TlsConfig {
  readonly mode: TlsMode;
  /** The ClusterIssuer that signs public certificates; undefined when mode is none. */
  readonly clusterIssuer?: string;
  /** acmeHttp01/acmeDns01. */
  readonly acme?: { readonly email: string; readonly server: string; readonly cloudflareApiToken?: pulumi.Output<string> };
}

export interface ExposureConfig {
  readonly mode: ExposureMode;
  /** Address shown in NodePort URLs; undefined prints a placeholder. */
  readonly nodePortHost?: string;
  /** The studio's public host (ingress and gateway modes). */
  readonly host?: string;
  /** ingress: the IngressClass; undefined uses the cluster's default class. */
  readonly ingressClassName?: string;
  /** gateway: where the platform Gateway lives. */
  readonly gatewayNamespace: string;
  readonly tls: TlsConfig;
  readonly auth: EdgeAuthConfig;
}

/** What stands in for the node address in NodePort URLs when nodePortHost is not set. */
export const NODE_IP_PLACEHOLDER = "<node-ip>";

/** Whether services are reachable from outside the cluster through a public host (ingress, gateway). */
export function hasPublicHosts(exposure: ExposureConfig): boolean {
  return exposure.mode === "ingress" || exposure.mode === "gateway";
}

/** Whether public hosts are served over TLS: always through the Gateway, with an issuer under ingress. */
export function publicTls(exposure: ExposureConfig): boolean {
  return exposure.mode === "gateway" || (exposure.mode === "ingress" && exposure.tls.mode !== "none");
}

/** The public origin of `host`: https when TLS terminates at the edge. */
export function hostOrigin(exposure: ExposureConfig, host: string): string {
  return `${publicTls(exposure) ? "https" : "http"}://${host}`;
}

/** The Gateway listener that serves `host` over HTTPS (one per host, each with its own certificate). */
export function httpsListener(host: string): string {
  return `https-${host.replace(/\./g, "-")}`.slice(0, 253).replace(/-+$/, "");
}

/** The TLS Secret of `host`'s listener: issued by cert-manager, owned by that one listener. */
export function tlsSecretName(host: string): string {
  return `${host.replace(/\./g, "-")}-tls`.slice(0, 253);
}

/** The in-cluster DNS name of a Service: known from its name and namespace, before anything exists. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

export interface ExposedService {
  /** Public host serving it (ingress and gateway modes). */
  readonly host: string;
  readonly nodePort: number;
  /** In-cluster origin, e.g. http://svc.ns.svc.cluster.local:8080 (no trailing slash). */
  readonly inCluster: string;
}

/**
 * The origin (no trailing slash) a person uses for `svc`: the public host, the NodePort on the node
 * address, or the in-cluster origin. Without a known node address a NodePort URL gets a placeholder, or
 * the in-cluster origin where the URL is machine-read (`unknownNode: "inCluster"`, e.g. Harbor's externalURL).
 */
export function publicOrigin(exposure: ExposureConfig, svc: ExposedService, unknownNode: "placeholder" | "inCluster" = "placeholder"): string {
  // A service without a host of its own has no public origin, whatever the mode: it is reached in the cluster.
  if (hasPublicHosts(exposure)) return svc.host ? hostOrigin(exposure, svc.host) : svc.inCluster;
  if (exposure.mode === "nodePort") {
    if (exposure.nodePortHost) return `http://${exposure.nodePortHost}:${svc.nodePort}`;
    return unknownNode === "placeholder" ? `http://${NODE_IP_PLACEHOLDER}:${svc.nodePort}` : svc.inCluster;
  }
  return svc.inCluster;
}
