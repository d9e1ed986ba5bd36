/**
 * cert-manager's chart values (keys checked against cert-manager v1.21.2 deploy/charts/cert-manager values.yaml)
 * and the pods they make, for the capacity check.
 */
import type { WorkloadDemand } from "../../lib/capacity";
import { chartPodDemand } from "../../lib/demand";
import { type Resources, resources, type ResourceProfile } from "../../lib/resources";
import type { CertManagerConfig } from "./config";
import { RESTRICTED_CONTAINER, RESTRICTED_POD } from "../../lib/security";

export const CERT_MANAGER = { release: "cert-manager", chart: "cert-manager" } as const;

function sizes(profile: ResourceProfile): { controller: Resources; webhook: Resources; cainjector: Resources } {
  return { controller: resources(profile, "small"), webhook: resources(profile, "tiny"), cainjector: resources(profile, "small") };
}

/** `gatewayApi`: exposure gateway, where the gateway-shim issues the listeners' certificates (the controller then needs the Gateway API CRDs at start). */
const RESTRICTED = { securityContext: RESTRICTED_POD, containerSecurityContext: RESTRICTED_CONTAINER, networkPolicy: { enabled: false } };

export function certManagerValues(profile: ResourceProfile, gatewayApi: boolean): Record<string, unknown> {
  const s = sizes(profile);
  return {
    // The CRDs come with the chart, and stay when it is uninstalled (deleting them would delete every Certificate).
    crds: { enabled: true, keep: true },
    // Gateway API support: the gateway-shim issues a Certificate for each HTTPS listener of an annotated Gateway.
    config: { apiVersion: "controller.config.cert-manager.io/v1alpha1", kind: "ControllerConfiguration", gatewayAPI: { enabled: gatewayApi } },
    resources: s.controller,
    // The chart's defaults (cert-manager v1.21 values.yaml), stated. Its NetworkPolicies stay off: they would open
    // 80, 443, 53 and 6443 to anywhere; the platform's flows (index.ts) are narrower.
    ...RESTRICTED,
    webhook: { resources: s.webhook, ...RESTRICTED },
    cainjector: { resources: s.cainjector, ...RESTRICTED },
    // A Helm hook Job; helm.v4.Chart does not run hooks, and the ClusterIssuers wait for the chart instead.
    startupapicheck: { enabled: false },
  };
}

export function certManagerDemand(cfg: CertManagerConfig, profile: ResourceProfile): WorkloadDemand[] {
  const s = sizes(profile);
  return [
    chartPodDemand(cfg.namespace, "cert-manager", "chart:cert-manager", [s.controller]),
    chartPodDemand(cfg.namespace, "cert-manager-webhook", "chart:cert-manager", [s.webhook]),
    chartPodDemand(cfg.namespace, "cert-manager-cainjector", "chart:cert-manager", [s.cainjector]),
  ];
}
