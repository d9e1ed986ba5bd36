/**
 * How user-facing services are reached (the platform's exposure settings), and the one place that turns a
 * service into the URL a person opens under those settings.
 */

export const EXPOSURE_MODES = ["nodePort", "ingress", "clusterIP"] as const;
export type ExposureMode = (typeof EXPOSURE_MODES)[number];

export interface ExposureConfig {
  readonly mode: ExposureMode;
  /** Address shown in NodePort URLs; undefined prints a placeholder. */
  readonly nodePortHost?: string;
  /** Present when mode is ingress. */
  readonly ingress?: {
    readonly host: string;
    readonly className: string;
    /** cert-manager ClusterIssuer; undefined serves plain HTTP. */
    readonly tlsClusterIssuer?: string;
  };
}

/** What stands in for the node address in NodePort URLs when nodePortHost is not set. */
export const NODE_IP_PLACEHOLDER = "<node-ip>";

/** Whether ingress routes on `exposure` get cert-manager TLS. */
export function ingressTls(exposure: ExposureConfig): boolean {
  return exposure.mode === "ingress" && exposure.ingress?.tlsClusterIssuer !== undefined;
}

/** The public origin of `host` under `exposure`'s ingress: https when a TLS issuer is configured. */
export function ingressOrigin(exposure: ExposureConfig, host: string): string {
  return `${ingressTls(exposure) ? "https" : "http"}://${host}`;
}

/** The in-cluster DNS name of a Service: known from its name and namespace, before anything exists. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

export interface ExposedService {
  /** Ingress host serving it (exposure=ingress). */
  readonly host: string;
  readonly nodePort: number;
  /** In-cluster origin, e.g. http://svc.ns.svc.cluster.local:8080 (no trailing slash). */
  readonly inCluster: string;
}

/**
 * The origin (no trailing slash) a person uses for `svc`: the ingress host, the NodePort on the node
 * address, or the in-cluster origin. Without a known node address a NodePort URL gets a placeholder, or
 * the in-cluster origin where the URL is machine-read (`unknownNode: "inCluster"`, e.g. Harbor's externalURL).
 */
export function publicOrigin(exposure: ExposureConfig, svc: ExposedService, unknownNode: "placeholder" | "inCluster" = "placeholder"): string {
  if (exposure.mode === "ingress") return ingressOrigin(exposure, svc.host);
  if (exposure.mode === "nodePort") {
    if (exposure.nodePortHost) return `http://${exposure.nodePortHost}:${svc.nodePort}`;
    return unknownNode === "placeholder" ? `http://${NODE_IP_PLACEHOLDER}:${svc.nodePort}` : svc.inCluster;
  }
  return svc.inCluster;
}
