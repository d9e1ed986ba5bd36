/** The cert-manager add-on's slice: installed when the platform issues its own certificates (tlsMode). */
import type { Claims } from "../../config/claims";
import type { PlatformConfig } from "../../config/platform";
import type { ChartConfig, Reader } from "../../config/reader";
import { chartAddonKeys, type KeySpec } from "../../config/schema";

const group = "Edge add-ons";

export const CERT_MANAGER_SCHEMA = {
  ...chartAddonKeys("certManager", group, {
    enabled: "Install cert-manager (CRDs included, Gateway API support on) when tlsMode needs a platform ClusterIssuer; false when the cluster already runs it.",
    chart: "cert-manager",
    repo: "https://charts.jetstack.io",
    version: "v1.21.2",
    namespace: "cert-manager",
    namespaceWhat: "Namespace of cert-manager: its cluster resource namespace, where the platform CA and ACME credentials live.",
  }),
} as const satisfies Record<string, KeySpec>;

export interface CertManagerConfig {
  /** Install the chart (tlsMode needs a platform ClusterIssuer and the switch is on). */
  readonly install: boolean;
  /** Create the platform ClusterIssuer (selfSigned, acmeHttp01, acmeDns01), with or without the chart. */
  readonly issuer: boolean;
  readonly chart: ChartConfig;
  readonly namespace: string;
}

export function parseCertManager(r: Reader<typeof CERT_MANAGER_SCHEMA>, platform: PlatformConfig): { config: CertManagerConfig; claims: Claims } {
  const tls = platform.exposure.tls.mode;
  const issuer = (platform.exposure.mode === "gateway" || platform.exposure.mode === "ingress") && (tls === "selfSigned" || tls === "acmeHttp01" || tls === "acmeDns01");
  const install = issuer && r.get("certManagerEnabled");
  const namespace = r.dnsLabel("certManagerNamespace");
  const config: CertManagerConfig = { install, issuer, chart: r.chart("certManagerChartRepo", "certManagerChartVersion"), namespace };
  return { config, claims: { nodePorts: [], namespaces: install ? [{ key: "certManagerNamespace", namespace }] : [] } };
}
