/**
 * kube-prometheus-stack's values (keys checked against prometheus-community/helm-charts kube-prometheus-stack
 * 88.5.3 values.yaml and its grafana, kube-state-metrics and prometheus-node-exporter dependencies), the names
 * they fix, and the pods they make, for the capacity check.
 */
import type { WorkloadDemand } from "../../lib/capacity";
import { chartPodDemand, workloadDemand } from "../../lib/demand";
import { RESTRICTED_CONTAINER, RESTRICTED_POD, runsAs } from "../../lib/security";
import { type Resources, resources, type ResourceProfile } from "../../lib/resources";
import type { ExposureMode } from "../../platform/exposure";
import type { MonitoringConfig } from "./config";

export const MONITORING = {
  release: "kps",
  chart: "kube-prometheus-stack",
  /** fullnameOverride: every object is `kps-<component>` whatever the release or namespace. */
  fullname: "kps",
  /** The Prometheus object (and its Service, port 9090). */
  prometheus: "kps-prometheus",
  prometheusPort: 9090,
  /** Grafana's Service (grafana.fullnameOverride), its port, and the pods' port behind it. */
  grafana: "grafana",
  grafanaPort: 80,
  grafanaContainerPort: 3000,
  /** The Grafana admin Secret (generated). */
  adminSecret: "grafana-admin",
  adminUser: "admin",
} as const;

/** The Prometheus pods as the operator labels them (the scrapers). */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": MONITORING.prometheus } as const;
/** The Grafana pods (grafana chart's selector labels, instance = the release). */
export const GRAFANA_POD_LABELS = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": MONITORING.release } as const;

function sizes(profile: ResourceProfile): Record<"prometheus" | "reloader" | "operator" | "grafana" | "sidecar" | "kubeStateMetrics" | "nodeExporter", Resources> {
  return {
    prometheus: resources(profile, "large"),
    reloader: resources(profile, "tiny"),
    operator: resources(profile, "small"),
    grafana: resources(profile, "small"),
    sidecar: resources(profile, "tiny"),
    kubeStateMetrics: resources(profile, "small"),
    nodeExporter: resources(profile, "tiny"),
  };
}

export interface MonitoringValuesArgs {
  readonly config: MonitoringConfig;
  readonly exposureMode: ExposureMode;
  /** Grafana's public origin behind the edge, e.g. https://grafana.example.com; undefined without a public host. */
  readonly publicOrigin?: string;
  readonly persistence: boolean;
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
}

export function monitoringValues(a: MonitoringValuesArgs): Record<string, unknown> {
  const s = sizes(a.profile);
  const cfg = a.config;
  const nodePort = a.exposureMode === "nodePort";
  return {
    // Stable names whatever the release: Prometheus is kps-prometheus:9090 for every consumer.
    fullnameOverride: MONITORING.fullname,
    // No receivers are wired yet: an Alertmanager without any would only cost a pod. Rules still evaluate in Prometheus.
    alertmanager: { enabled: false },
    // Control-plane components that managed clusters (and minikube's defaults) do not expose to pods: their
    // scrapes would only ever fail and fire the chart's TargetDown alerts.
    kubeEtcd: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeControllerManager: { enabled: false },
    kubeProxy: { enabled: false },
    prometheusOperator: {
      resources: s.operator,
      securityContext: { ...RESTRICTED_POD, ...runsAs(65534) },
      containerSecurityContext: RESTRICTED_CONTAINER,
      prometheusConfigReloader: { resources: s.reloader },
      // No admission webhook, and the operator serves plain HTTP: the webhook's certificate Secret (kps-admission)
      // is made only by the chart's certgen Jobs, which are Helm hooks, and helm.v4.Chart drops every hook;
      // the operator mounts that Secret while tls.enabled, so its pod would never start (the first prod `up`
      // timed out on it). The webhook only validated PrometheusRules and AlertmanagerConfigs, which the
      // platform does not create; the chart's own rules are known good.
      admissionWebhooks: { enabled: false },
      tls: { enabled: false },
    },
    prometheus: {
      prometheusSpec: {
        // Every ServiceMonitor, PodMonitor and PrometheusRule in every namespace, whatever its labels: the suites
        // declare theirs with platform/metrics.ts `scrape` (the namespace selectors default to all).
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        retention: cfg.retention,
        resources: s.prometheus,
        // The pod's; the operator sets the containers' itself (no escalation, no capabilities, read-only root).
        securityContext: { ...RESTRICTED_POD, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
        // The TSDB on a PVC with persistence (samples survive a restart); an emptyDir otherwise.
        ...(a.persistence
          ? {
              storageSpec: {
                volumeClaimTemplate: {
                  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: cfg.storageSize } }, ...(a.storageClass ? { storageClassName: a.storageClass } : {}) },
                },
              },
            }
          : {}),
      },
    },
    grafana: {
      fullnameOverride: MONITORING.grafana,
      // The generated admin login (GeneratedSecret grafana-admin); the chart would otherwise template a random one per render.
      admin: { existingSecret: MONITORING.adminSecret, userKey: "admin-user", passwordKey: "admin-password" },
      // Behind the edge Grafana cannot tell its public origin (TLS ends at the proxy): its links and login
      // redirects are built from root_url. Reached directly (NodePort, port-forward), its default is right.
      ...(a.publicOrigin ? { "grafana.ini": { server: { root_url: a.publicOrigin } } } : {}),
      service: {
        type: nodePort ? "NodePort" : "ClusterIP",
        port: MONITORING.grafanaPort,
        targetPort: MONITORING.grafanaContainerPort,
        ...(nodePort ? { nodePort: cfg.grafanaNodePort } : {}),
      },
      // The platform edge routes to the Service (EdgeRoutes); the chart's own Ingress stays off.
      ingress: { enabled: false },
      // Dashboards and datasources come from ConfigMaps (the sidecars), the login from the Secret: nothing to keep.
      persistence: { enabled: false },
      resources: s.grafana,
      // The chart's defaults plus a pod seccomp profile. Grafana's root stays writable: the image is not documented as
      // read-only safe, and nothing here ran it so.
      securityContext: { ...RESTRICTED_POD, ...runsAs(472) },
      containerSecurityContext: { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
      // The dashboard sidecar (kube-prometheus-stack's defaults, stated): ConfigMaps labelled grafana_dashboard=1 in
      // this namespace, such as the suites' dashboards (platform/metrics.ts, dashboard).
      sidecar: {
        resources: s.sidecar,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
        dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1" },
      },
      // A helm test Pod: helm.v4.Chart does not run tests.
      testFramework: { enabled: false },
    },
    "kube-state-metrics": { resources: s.kubeStateMetrics, securityContext: { enabled: true, ...RESTRICTED_POD, ...runsAs(65534) }, containerSecurityContext: RESTRICTED_CONTAINER },
    // Kept: node metrics (CPU, memory, disk, network of every node, GPU nodes included) are most of what an
    // operator looks at. It needs hostNetwork, hostPID and hostPath, hence the namespace's privileged level.
    // Its chart sets only a read-only root and 65534: no seccomp profile, escalation or capabilities are stated, so
    // they are here (it reads /proc, /sys and the host's root read-only, which needs no capability).
    "prometheus-node-exporter": { resources: s.nodeExporter, securityContext: { ...RESTRICTED_POD, ...runsAs(65534) }, containerSecurityContext: RESTRICTED_CONTAINER },
  };
}

/** Prometheus (with its config reloader), the operator, Grafana (with its two sidecars), kube-state-metrics, node-exporter on every node. */
export function monitoringDemand(cfg: MonitoringConfig, profile: ResourceProfile, nodes: number): WorkloadDemand[] {
  const s = sizes(profile);
  const kind = "chart:kube-prometheus-stack";
  return [
    chartPodDemand(cfg.namespace, `prometheus-${MONITORING.prometheus}`, kind, [s.prometheus, s.reloader], [s.reloader]),
    chartPodDemand(cfg.namespace, `${MONITORING.fullname}-operator`, kind, [s.operator]),
    chartPodDemand(cfg.namespace, MONITORING.grafana, kind, [s.grafana, s.sidecar, s.sidecar]),
    chartPodDemand(cfg.namespace, `${MONITORING.fullname}-kube-state-metrics`, kind, [s.kubeStateMetrics]),
    workloadDemand({ namespace: cfg.namespace, workload: `${MONITORING.fullname}-prometheus-node-exporter`, kind, containers: [s.nodeExporter], pods: nodes }),
  ];
}
