/**
 * Monitoring: kube-prometheus-stack. Prometheus picks up every ServiceMonitor and PodMonitor in the cluster;
 * the suites get `MonitoringAccess` (the Prometheus pods, and what a ServiceMonitor waits for) and declare
 * their endpoints with platform/metrics.ts `scrape`. Grafana logs in with a generated admin password and is
 * exposed like every add-on: NodePort, or its own host through the platform edge.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ResourceProfile } from "../../lib/resources";
import { EdgeRoutes, type EdgeAccess } from "../../platform/edge/edgeRoutes";
import type { RouteGroup } from "../../platform/edge/routes";
import { hasPublicHosts, hostOrigin, publicOrigin, serviceHost } from "../../platform/exposure";
import { allowFlow, type Flow, type NetworkConfig, type PodGroup } from "../../platform/flows";
import { GeneratedSecret } from "../../platform/generatedSecret";
import type { MonitoringAccess } from "../../platform/metrics";
import { Namespace } from "../../platform/namespace";
import { chartRelease, nodePortFlow, rollWithSecrets, wholeHostRoute } from "../shared";
import type { MonitoringConfig } from "./config";
import { GRAFANA_POD_LABELS, MONITORING, monitoringValues, PROMETHEUS_POD_LABELS } from "./values";

export interface MonitoringArgs {
  readonly config: MonitoringConfig;
  /** The exposure, and what Grafana's public route needs. */
  readonly edge: EdgeAccess;
  readonly network: NetworkConfig;
  readonly persistence: boolean;
  /** Keep the namespace (Prometheus' TSDB) when monitoring is deleted. */
  readonly dataProtection: boolean;
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
}

/** Grafana's public route: its whole host to its Service. */
export function grafanaRouteGroup(cfg: MonitoringConfig, instance: string, host: string): RouteGroup {
  const pods = { matchLabels: GRAFANA_POD_LABELS, port: MONITORING.grafanaContainerPort };
  return wholeHostRoute({ name: MONITORING.grafana, instance, namespace: cfg.namespace, host, port: MONITORING.grafanaPort, pods, login: "Grafana has its own login (generated admin password)" });
}

export class Monitoring extends pulumi.ComponentResource {
  /** What the suites get: the scrapers, and the chart their ServiceMonitors wait for. */
  readonly access: MonitoringAccess;
  readonly namespace: pulumi.Output<string>;
  /** In-cluster Prometheus API, e.g. http://kps-prometheus.monitoring.svc.cluster.local:9090. */
  readonly prometheusUrl: string;
  readonly grafanaUrl: string;
  readonly grafanaAdminUser: string = MONITORING.adminUser;
  /** Generated Grafana admin password (a Pulumi secret). */
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:addons:Monitoring", name, {}, opts);
    const cfg = args.config;
    const exposure = args.edge.exposure;
    const ns = new Namespace(
      `${name}-namespace`,
      {
        name: cfg.namespace,
        instance: name,
        enforce: "privileged",
        enforceReason: "node-exporter reads the host's metrics with hostNetwork, hostPID and hostPath mounts; restricted is still warned and audited",
        allowWithin: true,
        keepOnDelete: args.dataProtection && args.persistence,
      },
      { parent: this },
    );
    this.namespace = ns.name;
    const admin = new GeneratedSecret(
      `${name}-grafana-admin`,
      { namespace: ns.name, secretName: MONITORING.adminSecret, instance: name, generate: { "admin-password": { length: 32 } }, extra: { "admin-user": MONITORING.adminUser } },
      { parent: this },
    );
    this.grafanaAdminPassword = admin.values["admin-password"];
    this.prometheusUrl = `http://${serviceHost(MONITORING.prometheus, cfg.namespace)}:${MONITORING.prometheusPort}`;
    const inCluster = `http://${serviceHost(MONITORING.grafana, cfg.namespace)}`;
    this.grafanaUrl = `${publicOrigin(exposure, { host: cfg.grafanaHost ?? "", nodePort: cfg.grafanaNodePort, inCluster })}/`;
    const values = monitoringValues({
      config: cfg,
      exposureMode: exposure.mode,
      publicOrigin: hasPublicHosts(exposure) && cfg.grafanaHost ? hostOrigin(exposure, cfg.grafanaHost) : undefined,
      persistence: args.persistence,
      storageClass: args.storageClass,
      profile: args.profile,
    });
    // Grafana reads its admin Secret by name: the chart does not wait for it (the pod starts once the Secret,
    // created in the same `up`, exists), so the ServiceMonitors that wait for the chart stay in the third wave.
    // Grafana reads its admin login from grafana-admin by name (and keeps no database: persistence is off), so a
    // rotated password only needs Grafana restarted.
    const transforms = [rollWithSecrets(admin.checksum, (workload) => workload === MONITORING.grafana)];
    chartRelease(name, { release: MONITORING.release, chart: MONITORING.chart, source: cfg.chart, namespace: ns.name, values, transforms }, this, { apis: args.edge.apis, keepClaims: args.dataProtection && args.persistence });

    const pods = (suffix: string, selector: PodGroup["selector"]): PodGroup => ({ name: suffix, namespace: cfg.namespace, own: ns.name, selector });
    const prometheus = pods("prometheus", { matchLabels: PROMETHEUS_POD_LABELS });
    const grafana = pods(MONITORING.grafana, { matchLabels: GRAFANA_POD_LABELS });
    this.access = { namespace: ns.name, prometheus, apis: args.edge.apis };
    // Inside the namespace the chart's components talk freely (Grafana -> Prometheus, Prometheus -> its own
    // exporters); across it, flow by flow. The suites' targets declare theirs with `scrape`.
    // The API server, for the pods that call it, each by the labels its chart gives it (node-exporter runs on the host network).
    const apiCallers: [PodGroup, string][] = [
      [prometheus, "Prometheus discovers its targets and scrapes the API server"],
      [pods("prometheus-operator", { matchLabels: { app: `${MONITORING.chart}-operator` } }), "the operator reconciles Prometheus and the ServiceMonitors"],
      [pods("kube-state-metrics", { matchLabels: { "app.kubernetes.io/name": "kube-state-metrics" } }), "kube-state-metrics watches every object"],
      [grafana, "Grafana's sidecars read the dashboard and datasource ConfigMaps"],
    ];
    const flows: Flow[] = [
      ...apiCallers.map(([group, why]): Flow => ({ name: `${group.name}-to-api-server`, from: { pods: group }, to: { external: args.network.apiServer }, ports: args.network.apiServerPorts.map((port) => ({ port })), why })),
      // Kubelets and node-exporter (host network) listen on the nodes' own addresses, which no pod or namespace
      // selector matches: an ipBlock of the node subnet (monitoringNodeCidrs), on exactly those two ports.
      {
        name: "prometheus-to-nodes",
        from: { pods: prometheus },
        to: { external: cfg.nodes },
        ports: [{ port: 10250 }, { port: 9100 }],
        why: "Prometheus scrapes the kubelets (node and cAdvisor container metrics) and node-exporter on every node",
      },
      {
        name: "prometheus-to-coredns",
        from: { pods: prometheus },
        to: { pods: { name: "kube-dns", namespace: "kube-system", selector: { matchLabels: { "k8s-app": "kube-dns" } } } },
        ports: [{ port: 9153 }],
        why: "Prometheus scrapes CoreDNS's metrics (the chart's coreDns ServiceMonitor)",
      },
      ...(exposure.mode === "nodePort" ? [nodePortFlow(MONITORING.grafana, grafana, MONITORING.grafanaContainerPort)] : []),
    ];
    for (const f of flows) allowFlow(f, name, { parent: this });
    if (hasPublicHosts(exposure) && cfg.grafanaHost) {
      new EdgeRoutes(`${name}-routes`, { group: grafanaRouteGroup(cfg, name, cfg.grafanaHost), namespace: ns.name, edge: args.edge }, { parent: this });
    }
    this.registerOutputs({ prometheusUrl: this.prometheusUrl, grafanaUrl: this.grafanaUrl, grafanaAdminUser: this.grafanaAdminUser });
  }
}
