/**
 * Envoy Gateway's chart values, its EnvoyProxy settings (the proxy pods it creates for the platform
 * Gateway), and the pods both make, for the capacity check. Keys checked against envoyproxy/gateway
 * charts/gateway-helm values.yaml and the EnvoyProxy API (gateway.envoyproxy.io/v1alpha1).
 */
import type { WorkloadDemand } from "../../lib/capacity";
import { chartPodDemand, workloadDemand } from "../../lib/demand";
import { type Resources, resources, type ResourceProfile } from "../../lib/resources";
import type { EnvoyGatewayConfig } from "./config";
import { RESTRICTED_CONTAINER, RESTRICTED_POD, runsAs } from "../../lib/security";

export const ENVOY_GATEWAY = {
  release: "envoy-gateway",
  chart: "gateway-helm",
  /** The chart's controller Deployment. */
  controller: "envoy-gateway",
  /** Our certgen Job, its ServiceAccount and RBAC (certgen.ts), under the chart's names for them. */
  certgen: "envoy-gateway-certgen",
  controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
  /** The EnvoyProxy object the GatewayClass points at. */
  proxyConfig: "llm-platform-proxy",
  /** The proxy pods: one Deployment per Gateway, named by the controller (envoy-<ns>-<gateway>-<hash>). */
  proxyWorkload: "envoy-llm-platform",
} as const;

/** The shutdown-manager sidecar EG adds to every proxy pod, at its defaults (requests only). */
const SHUTDOWN_MANAGER: Resources = { requests: { cpu: "10m", memory: "32Mi" }, limits: {} };

function sizes(profile: ResourceProfile): { controller: Resources; proxy: Resources } {
  return { controller: resources(profile, "small"), proxy: resources(profile, "medium") };
}

export function envoyGatewayValues(profile: ResourceProfile): Record<string, unknown> {
  return {
    // The chart's defaults (gateway-helm v1.9 values.tmpl.yaml), stated: 65532, read-only root, nothing to escalate.
    deployment: {
      replicas: 1,
      pod: { securityContext: { ...RESTRICTED_POD, ...runsAs(65532) } },
      envoyGateway: { resources: sizes(profile).controller, securityContext: { ...RESTRICTED_CONTAINER, ...RESTRICTED_POD, privileged: false, runAsUser: 65532, runAsGroup: 65532 } },
    },
    // Its webhook and certgen's patch of it are Helm hooks, which helm.v4.Chart drops (certgen.ts runs certgen).
    topologyInjector: { enabled: false },
    // The safe-upgrade ValidatingAdmissionPolicy renders only if absent or owned by a Helm release
    // (charts/crds/templates/gatewayapi-safe-upgrade-policy.yaml `lookup`s it); Pulumi adds no Helm ownership,
    // so every second render would drop it and the next one bring it back: an `up` that never converges.
    crds: { gatewayAPI: { safeUpgradePolicy: { enabled: false } } },
  };
}

/**
 * The proxies' settings: replicas and resources, and `externalTrafficPolicy: Local` so the proxies see the
 * client's address (an IP allow-list is meaningless behind SNAT).
 */
export function envoyProxySpec(cfg: EnvoyGatewayConfig, profile: ResourceProfile): Record<string, unknown> {
  return {
    provider: {
      type: "Kubernetes",
      kubernetes: {
        envoyDeployment: { replicas: cfg.proxyReplicas, container: { resources: sizes(profile).proxy } },
        envoyService: { externalTrafficPolicy: "Local" },
      },
    },
  };
}

/** The controller pod and the proxy pods (the controller creates those; we size them in EnvoyProxy). */
export function envoyGatewayDemand(cfg: EnvoyGatewayConfig, profile: ResourceProfile): WorkloadDemand[] {
  const s = sizes(profile);
  return [
    chartPodDemand(cfg.namespace, ENVOY_GATEWAY.controller, "chart:gateway-helm", [s.controller]),
    chartPodDemand(cfg.namespace, ENVOY_GATEWAY.certgen, "Job", [resources(profile, "tiny")]),
    workloadDemand({ namespace: cfg.namespace, workload: ENVOY_GATEWAY.proxyWorkload, kind: "chart:envoy-proxy", containers: [s.proxy, SHUTDOWN_MANAGER], pods: cfg.proxyReplicas }),
  ];
}
