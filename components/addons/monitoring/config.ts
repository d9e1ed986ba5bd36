/** The monitoring add-on's slice: kube-prometheus-stack (Prometheus, its operator, Grafana), off by default. */
import type { Claims } from "../../config/claims";
import { type PlatformConfig, productionSignals } from "../../config/platform";
import type { ChartConfig, Reader } from "../../config/reader";
import { chartAddonKeys, type KeySpec } from "../../config/schema";
import { tooWide } from "../../config/patterns";
import type { ExternalPeer } from "../../platform/flows";
import { addonHost, addonHostClaims } from "../shared";

const group = "Monitoring";

const CHART_KEYS = chartAddonKeys("monitoring", group, {
  enabled:
    "Install kube-prometheus-stack: Prometheus (picks up every ServiceMonitor and PodMonitor in the cluster), its operator, Grafana, kube-state-metrics, node-exporter. The suites then declare their metrics endpoints.",
  chart: "kube-prometheus-stack",
  repo: "https://prometheus-community.github.io/helm-charts",
  version: "88.5.3",
  namespace: "monitoring",
  namespaceWhat: "Namespace of Prometheus, its operator, Grafana, kube-state-metrics and node-exporter.",
});

export const MONITORING_SCHEMA = {
  ...CHART_KEYS,
  // Off unless asked for: a cluster may already run its own monitoring.
  monitoringEnabled: { ...CHART_KEYS.monitoringEnabled, default: false },
  monitoringGrafanaNodePort: { type: "integer", group, default: 30300, description: "Grafana HTTP NodePort (exposure=nodePort), 30000-32767." },
  monitoringGrafanaHost: { type: "string", group, default: "", description: "Public host of Grafana (required when exposure is gateway or ingress and monitoringEnabled)." },
  monitoringPrometheusRetention: { type: "string", group, default: "15d", description: "How long Prometheus keeps samples (a Prometheus duration: 12h, 15d, 8w)." },
  monitoringPrometheusStorageSize: { type: "string", group, default: "20Gi", description: "PVC size of Prometheus' TSDB (with persistence)." },
  monitoringNodeCidrs: {
    type: "array",
    group,
    default: [],
    description:
      "The nodes' subnets, for Prometheus to scrape the kubelets (10250) and node-exporter (9100, host network); required with monitoringEnabled (`kubectl get nodes -o wide`, INTERNAL-IP). 0.0.0.0/0 only where set explicitly, and never on a production-like stack.",
  },
} as const satisfies Record<string, KeySpec>;

export interface MonitoringConfig {
  readonly enabled: boolean;
  readonly chart: ChartConfig;
  readonly namespace: string;
  readonly grafanaNodePort: number;
  /** Grafana's public host (gateway and ingress modes). */
  readonly grafanaHost?: string;
  readonly retention: string;
  readonly storageSize: string;
  /** The nodes (kubelets, node-exporter), as a NetworkPolicy peer. */
  readonly nodes: ExternalPeer;
}

const IPV4_CIDR = /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(?:3[0-2]|[12]?[0-9])$/;
const PROMETHEUS_DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

export function parseMonitoring(r: Reader<typeof MONITORING_SCHEMA>, platform: PlatformConfig): { config: MonitoringConfig; claims: Claims } {
  const enabled = r.get("monitoringEnabled");
  const namespace = r.dnsLabel("monitoringNamespace");
  const cidrs = r.get("monitoringNodeCidrs");
  for (const c of cidrs) if (!IPV4_CIDR.test(c)) r.problem("monitoringNodeCidrs", `${JSON.stringify(c)} is not an IPv4 CIDR such as 10.0.0.0/16`);
  if (enabled && cidrs.length === 0) r.problem("monitoringNodeCidrs", `is required with monitoringEnabled: the subnets of the nodes' addresses (kubectl get nodes -o wide, INTERNAL-IP; e.g. ["10.0.0.0/16"]), which Prometheus scrapes on 10250 and 9100`);
  const wide = cidrs.filter((c) => IPV4_CIDR.test(c) && tooWide(c));
  const production = productionSignals(platform);
  if (enabled && wide.length > 0 && production.length > 0) {
    r.problem("monitoringNodeCidrs", `${wide.join(", ")} lets Prometheus reach the internet on 10250 and 9100 on a production-like stack (${production.join(", ")}): list the nodes' subnets (kubectl get nodes -o wide, INTERNAL-IP)`);
  }
  const retention = r.get("monitoringPrometheusRetention");
  if (!PROMETHEUS_DURATION.test(retention)) r.problem("monitoringPrometheusRetention", `must be a Prometheus duration such as 15d or 12h (got ${JSON.stringify(retention)})`);
  const config: MonitoringConfig = {
    enabled,
    chart: r.chart("monitoringChartRepo", "monitoringChartVersion"),
    namespace,
    grafanaNodePort: r.nodePort("monitoringGrafanaNodePort"),
    grafanaHost: addonHost(r, "monitoringGrafanaHost", platform.exposure, enabled),
    retention,
    storageSize: r.quantity("monitoringPrometheusStorageSize"),
    // Never the metadata range, whatever the CIDRs say (as for the API server).
    nodes: { name: "nodes", cidrs, except: cidrs.includes("0.0.0.0/0") ? ["169.254.0.0/16"] : [] },
  };
  const nodePort = platform.exposure.mode === "nodePort" && enabled;
  return {
    config,
    claims: {
      nodePorts: nodePort ? [{ key: "monitoringGrafanaNodePort", port: config.grafanaNodePort }] : [],
      namespaces: enabled ? [{ key: "monitoringNamespace", namespace }] : [],
      hosts: addonHostClaims("monitoringGrafanaHost", config.grafanaHost, namespace, platform.exposure, enabled),
    },
  };
}
