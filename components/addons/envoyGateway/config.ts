/** The Envoy Gateway add-on's slice: the Gateway API implementation installed for exposure=gateway. */
import type { Claims } from "../../config/claims";
import { DNS_SUBDOMAIN } from "../../config/patterns";
import type { PlatformConfig } from "../../config/platform";
import type { ChartConfig, Reader } from "../../config/reader";
import { chartAddonKeys, type KeySpec } from "../../config/schema";

const group = "Edge add-ons";

export const ENVOY_GATEWAY_SCHEMA = {
  ...chartAddonKeys("envoyGateway", group, {
    enabled:
      "Install Envoy Gateway (with the Gateway API CRDs it bundles: v1.6.1 in v1.9.x) and its GatewayClass when exposure=gateway; false when the cluster already runs a Gateway API implementation (then set gatewayClassName).",
    chart: "gateway-helm",
    repo: "oci://docker.io/envoyproxy",
    version: "v1.9.1",
    namespace: "envoy-gateway-system",
    namespaceWhat: "Namespace of the Envoy Gateway controller and its proxies.",
  }),
  envoyProxyReplicas: { type: "integer", group, default: 1, description: "Envoy proxy pods serving the platform Gateway (1-10; 2+ in production)." },
  gatewayClassName: {
    type: "string",
    group,
    default: "",
    description: "GatewayClass of the platform Gateway. Empty: `llm-platform`, created with Envoy Gateway; required when envoyGatewayEnabled is false (an existing class).",
  },
} as const satisfies Record<string, KeySpec>;

export interface EnvoyGatewayConfig {
  /** Install the chart, the EnvoyProxy settings and the GatewayClass (exposure=gateway and the switch on). */
  readonly install: boolean;
  readonly chart: ChartConfig;
  readonly namespace: string;
  readonly proxyReplicas: number;
  /** The class the platform Gateway uses. */
  readonly gatewayClassName: string;
}

/** The class the platform creates with Envoy Gateway. */
export const PLATFORM_GATEWAY_CLASS = "llm-platform";

export function parseEnvoyGateway(r: Reader<typeof ENVOY_GATEWAY_SCHEMA>, platform: PlatformConfig): { config: EnvoyGatewayConfig; claims: Claims } {
  const gatewayMode = platform.exposure.mode === "gateway";
  const enabled = r.get("envoyGatewayEnabled");
  const namespace = r.dnsLabel("envoyGatewayNamespace");
  const className = r.matching("gatewayClassName", DNS_SUBDOMAIN, "a GatewayClass name");
  if (gatewayMode && !enabled && className === "") {
    r.problem(
      "gatewayClassName",
      "is required when exposure is gateway and envoyGatewayEnabled is false: name the GatewayClass of the implementation the cluster already runs (or set envoyGatewayEnabled: true to install Envoy Gateway)",
    );
  }
  const install = gatewayMode && enabled;
  const config: EnvoyGatewayConfig = {
    install,
    chart: r.chart("envoyGatewayChartRepo", "envoyGatewayChartVersion"),
    namespace,
    proxyReplicas: r.intInRange("envoyProxyReplicas", 1, 10),
    gatewayClassName: className || PLATFORM_GATEWAY_CLASS,
  };
  return { config, claims: { nodePorts: [], namespaces: install ? [{ key: "envoyGatewayNamespace", namespace }] : [] } };
}
