/**
 * Metrics: the monitoring add-on (kube-prometheus-stack) hands every suite `MonitoringAccess`; a suite that
 * serves metrics declares each endpoint where it wires the Service, with `scrape`: a ServiceMonitor in the
 * suite's namespace (Prometheus picks up every ServiceMonitor, whatever its labels) and the flow from the
 * Prometheus pods to the metrics port (egress in the monitoring namespace, ingress in the suite's).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { HEADLESS_SERVICE_LABEL, standardLabels } from "../lib/labels";
import { apiKind, type PlatformApis } from "./apis";
import { allowFlow, type PodGroup } from "./flows";

export const SERVICE_MONITOR_API = "monitoring.coreos.com/v1";
export const SERVICE_MONITOR_KIND = apiKind(SERVICE_MONITOR_API, "ServiceMonitor");

export interface MonitoringAccess {
  /** The monitoring namespace, where Grafana's sidecar picks up dashboards (`dashboard`). */
  readonly namespace: pulumi.Input<string>;
  /** The Prometheus pods (the scrapers), for the flow each target declares. */
  readonly prometheus: PodGroup;
  /** The stack's API suppliers: a ServiceMonitor waits for whatever installs its CRD. */
  readonly apis: PlatformApis;
}

/** A Secret key in the target's namespace (ServiceMonitor credentials must live beside it). */
export interface SecretKey {
  readonly name: string;
  readonly key: string;
}

export interface ScrapeTarget {
  /** ServiceMonitor name, also the flow's. */
  readonly name: string;
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  /** Labels of the Service to scrape. */
  readonly serviceLabels: Readonly<Record<string, string>>;
  /** The Service port's name, and the pods' port number behind it (for the NetworkPolicy). */
  readonly portName: string;
  readonly port: number;
  readonly path: string;
  /** The pods behind the Service. */
  readonly pods: PodGroup;
  readonly auth?: { readonly kind: "bearer"; readonly token: SecretKey } | { readonly kind: "basic"; readonly username: SecretKey; readonly password: SecretKey };
  /** Why the endpoint is scraped (the flow's annotation). */
  readonly why: string;
}

/** The ServiceMonitor endpoint for a target (pure, for tests). */
export function scrapeEndpoint(t: Pick<ScrapeTarget, "portName" | "path" | "auth">): Record<string, unknown> {
  const auth =
    t.auth?.kind === "bearer"
      ? { authorization: { type: "Bearer", credentials: { name: t.auth.token.name, key: t.auth.token.key } } }
      : t.auth?.kind === "basic"
        ? { basicAuth: { username: { ...t.auth.username }, password: { ...t.auth.password } } }
        : {};
  return { port: t.portName, path: t.path, interval: "30s", scrapeTimeout: "10s", ...auth };
}

/** A ServiceMonitor for `t` and the flow Prometheus -> its pods; nothing when monitoring is off. */
export function scrape(t: ScrapeTarget, monitoring: MonitoringAccess | undefined, opts: pulumi.CustomResourceOptions): void {
  if (!monitoring) return;
  allowFlow({ name: `prometheus-to-${t.name}`, from: { pods: monitoring.prometheus }, to: { pods: t.pods }, ports: [{ port: t.port }], why: `Prometheus scrapes ${t.why}` }, t.instance, opts);
  new k8s.apiextensions.CustomResource(
    `${t.instance}-${t.name}-servicemonitor`,
    {
      apiVersion: SERVICE_MONITOR_API,
      kind: "ServiceMonitor",
      metadata: { name: t.name, namespace: t.namespace, labels: standardLabels(t.name, t.instance, "metrics") },
      // A StatefulSet's headless Service shares the client Service's labels: one target per pod, not two.
      spec: { selector: { matchLabels: { ...t.serviceLabels }, matchExpressions: [{ key: HEADLESS_SERVICE_LABEL, operator: "DoesNotExist" }] }, endpoints: [scrapeEndpoint(t)] },
    },
    { ...opts, dependsOn: monitoring.apis.after([SERVICE_MONITOR_KIND], `ServiceMonitor ${t.name}`) },
  );
}

/** The label Grafana's dashboard sidecar selects ConfigMaps by (kube-prometheus-stack's grafana.sidecar.dashboards defaults). */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/**
 * A Grafana dashboard shipped as code: a ConfigMap in the monitoring namespace (the sidecar watches its own
 * namespace) holding `<name>.json`; nothing when monitoring is off.
 */
export function dashboard(name: string, instance: string, json: object, monitoring: MonitoringAccess | undefined, opts: pulumi.CustomResourceOptions): void {
  if (!monitoring) return;
  new k8s.core.v1.ConfigMap(
    `${instance}-${name}-dashboard`,
    {
      metadata: { name: `dashboard-${name}`, namespace: monitoring.namespace, labels: { ...standardLabels(`dashboard-${name}`, instance, "dashboard"), ...GRAFANA_DASHBOARD_LABEL } },
      data: { [`${name}.json`]: JSON.stringify(json) },
    },
    opts,
  );
}
