/**
 * The charts' security settings, under mocks: the charts cannot be rendered offline, so the values the program hands
 * them are where their pods' security is decided. Each key below was read in the chart's values.yaml at its pinned
 * version (cert-manager v1.21, gateway-helm v1.9, kube-prometheus-stack 88.5.3 with grafana 12.11.1,
 * kube-state-metrics 8.4.0 and prometheus-node-exporter 4.56.1, harbor-helm 1.18.2, pgadmin4 1.59.0); a key the
 * chart does not read would leave its default in place, which is why the paths are spelled out here.
 */
import { at, type JsonObject, type Recorded, renderStack } from "../helpers/harness";

let prod: Recorded[];
beforeAll(async () => {
  ({ resources: prod } = await renderStack("prod"));
}, 120_000);

const valuesOf = (chart: string) => {
  // A repository chart by name, an OCI one by the reference's last part (oci://docker.io/envoyproxy/gateway-helm).
  const found = prod.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && String(r.inputs.chart).split("/").pop() === chart);
  if (!found) throw new Error(`no chart ${chart} in prod's render`);
  return found.inputs.values as JsonObject;
};

const POD = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
const CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const READ_ONLY = { ...CONTAINER, readOnlyRootFilesystem: true };

/** [chart, pod securityContext path, container securityContext path, what the container gets]. */
const SETTINGS: Array<[string, string, string, JsonObject]> = [
  ["cert-manager", "securityContext", "containerSecurityContext", READ_ONLY],
  ["cert-manager", "webhook.securityContext", "webhook.containerSecurityContext", READ_ONLY],
  ["cert-manager", "cainjector.securityContext", "cainjector.containerSecurityContext", READ_ONLY],
  ["gateway-helm", "deployment.pod.securityContext", "deployment.envoyGateway.securityContext", { ...READ_ONLY, privileged: false, runAsNonRoot: true }],
  ["kube-prometheus-stack", "prometheusOperator.securityContext", "prometheusOperator.containerSecurityContext", READ_ONLY],
  ["kube-prometheus-stack", "grafana.securityContext", "grafana.containerSecurityContext", { ...CONTAINER, privileged: false }],
  ["kube-prometheus-stack", "grafana.securityContext", "grafana.sidecar.securityContext", CONTAINER],
  ["kube-prometheus-stack", "kube-state-metrics.securityContext", "kube-state-metrics.containerSecurityContext", READ_ONLY],
  ["kube-prometheus-stack", "prometheus-node-exporter.securityContext", "prometheus-node-exporter.containerSecurityContext", READ_ONLY],
  ["pgadmin4", "securityContext", "containerSecurityContext", { ...CONTAINER, runAsNonRoot: true, enabled: true }],
];

test.each(SETTINGS)("%s: %s is non-root with the runtime's seccomp profile, %s escalates nothing", (chart, pod, container, expected) => {
  const values = valuesOf(chart);
  expect(at(values, pod)).toMatchObject(POD);
  expect(at(values, container)).toMatchObject(expected);
});

test("Prometheus' pod is non-root with a seccomp profile; Harbor's one container key drops every capability and runs non-root", () => {
  expect(at(valuesOf("kube-prometheus-stack"), "prometheus.prometheusSpec.securityContext")).toMatchObject({ ...POD, runAsUser: 1000, fsGroup: 2000 });
  expect(at(valuesOf("harbor"), "containerSecurityContext")).toMatchObject({ ...CONTAINER, privileged: false, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
});

test("no chart value anywhere asks for privilege, escalation, root or an added capability", () => {
  const bad: string[] = [];
  const walk = (v: unknown, path: string, chart: string) => {
    if (!v || typeof v !== "object") return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const here = path ? `${path}.${k}` : k;
      if ((k === "privileged" || k === "allowPrivilegeEscalation") && child === true) bad.push(`${chart}: ${here}`);
      if (k === "runAsNonRoot" && child === false) bad.push(`${chart}: ${here}`);
      if (k === "runAsUser" && child === 0) bad.push(`${chart}: ${here}`);
      if (k === "add" && path.endsWith("capabilities") && Array.isArray(child) && child.length > 0) bad.push(`${chart}: ${here}`);
      walk(child, here, chart);
    }
  };
  const charts = prod.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");
  expect(charts.length).toBeGreaterThan(5);
  for (const c of charts) walk(c.inputs.values, "", String(c.inputs.chart));
  expect(bad).toEqual([]);
});

test("the charts' own NetworkPolicies: off where they would open more than the platform's flows (cert-manager), pgAdmin's ingress-only one on", () => {
  const cm = valuesOf("cert-manager");
  expect([at(cm, "networkPolicy.enabled"), at(cm, "webhook.networkPolicy.enabled"), at(cm, "cainjector.networkPolicy.enabled")]).toEqual([false, false, false]);
  expect(at(valuesOf("pgadmin4"), "networkPolicy.enabled")).toBe(true);
  expect(at(valuesOf("pgadmin4"), "VolumePermissions.enabled")).toBe(false);
});
