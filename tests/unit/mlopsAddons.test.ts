/**
 * The issue-13 add-ons under mocks: the NVIDIA GPU Operator (one source of truth with the platform's GPU
 * keys), monitoring (kube-prometheus-stack, Grafana exposure, MonitoringAccess for the suites) and KServe
 * (CRDs before the controller, the example InferenceService reading the mlops object store). Charts are not
 * rendered offline: the values handed to helm.v4.Chart, the objects around them and the flows are asserted.
 */
import * as pulumi from "@pulumi/pulumi";
import { clusterApis } from "../helpers/edge";
import { operatorSetsLabel } from "../../components/addons/gpuOperator/config";
import { Kserve } from "../../components/addons/kserve";
import { parseKserve, KSERVE_SCHEMA } from "../../components/addons/kserve/config";
import { Monitoring } from "../../components/addons/monitoring";
import { Problems, Reader } from "../../components/config/reader";
import type { EdgeAccess } from "../../components/platform/edge/edgeRoutes";
import type { PodGroup } from "../../components/platform/flows";
import { scrape } from "../../components/platform/metrics";
import type { ObjectStore } from "../../components/platform/objectStore";
import { at, byName, configProblems, isSecretValue, k8sName, ofType, parsedStack, podSpecOf, renderComponents, renderStack, type JsonObject, type Recorded, type RegisteredResource, type RenderOptions, type StackName } from "../helpers/harness";

const CHART = "kubernetes:helm.sh/v4:Chart";
const chartNamed = (res: Recorded[], name: string): Recorded => {
  const found = res.filter((r) => r.type === CHART && r.name === name);
  if (found.length !== 1) throw new Error(`expected one chart ${name}, found ${found.length}`);
  return found[0];
};
const values = (c: Recorded) => c.inputs.values as JsonObject;
const policy = (res: Recorded[], namespace: string, name: string) => {
  const found = ofType(res, "networking.k8s.io/v1:NetworkPolicy").filter((p) => k8sName(p) === name && at(p.inputs, "metadata.namespace") === namespace);
  if (found.length !== 1) throw new Error(`expected one NetworkPolicy ${namespace}/${name}, found ${found.length}`);
  return found[0];
};
const nsLabels = (res: Recorded[], name: string) => at(byName(res, "core/v1:Namespace", name).inputs, "metadata") as JsonObject;
const enforced = (res: Recorded[], name: string) => (nsLabels(res, name).labels as JsonObject)["pod-security.kubernetes.io/enforce"];
function waitsFor(registered: RegisteredResource[], who: string, what: string): boolean {
  const target = registered.find((r) => r.name === what)?.urn;
  const from = registered.find((r) => r.name === who);
  if (!target || !from) throw new Error(`no ${who} or ${what}`);
  return from.dependencies.includes(target);
}

describe("GPU operator on prod (gpuEnabled, the default gpuOperatorEnabled)", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("prod", { set: { llmctlExecutorSmokeTest: true, monitoringEnabled: false } }));
  });

  test("pinned chart from NVIDIA's repository in its own privileged namespace, with the reason", () => {
    const c = chartNamed(res, "gpu-operator-chart");
    expect(c.inputs).toMatchObject({ name: "gpu-operator", chart: "gpu-operator", version: "v26.7.0", repositoryOpts: { repo: "https://helm.ngc.nvidia.com/nvidia" }, namespace: "gpu-operator" });
    const meta = nsLabels(res, "gpu-operator");
    expect(at(meta, "labels")).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "restricted" });
    expect(at(meta, "annotations.llm-platform/pod-security-reason")).toMatch(/privileged host agents/);
    expect(policy(res, "gpu-operator", "default-deny").inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  test("values: the platform's RuntimeClass, operands on the tainted GPU nodes, driver on, no DCGM ServiceMonitor without monitoring", () => {
    const v = values(chartNamed(res, "gpu-operator-chart"));
    expect(at(v, "operator.runtimeClass")).toBe("nvidia");
    expect(at(v, "operator.defaultRuntime")).toBeUndefined();
    expect(at(v, "daemonsets.tolerations")).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(at(v, "node-feature-discovery.worker.tolerations")).toEqual(at(v, "daemonsets.tolerations"));
    expect(at(v, "driver.enabled")).toBe(true);
    expect(at(v, "dcgmExporter.serviceMonitor.enabled")).toBe(false);
    // The operator owns the RuntimeClass: the program creates none.
    expect(ofType(res, "node.k8s.io/v1:RuntimeClass")).toEqual([]);
  });

  test("the executors' placement (llmctl smoke Job, code executor heavy Jobs) agrees with the operator's values", () => {
    const v = values(chartNamed(res, "gpu-operator-chart"));
    const operand = (at(v, "daemonsets.tolerations") as JsonObject[]).map((t) => `${t.key}:${t.effect}`);
    const smoke = podSpecOf(byName(res, "batch/v1:Job", "llmctl-executor-smoke"));
    const heavy = at(byName(res, "core/v1:ConfigMap", "llm-executor-config").inputs, "data") as JsonObject;
    const placements = [
      { runtime: smoke.runtimeClassName, selector: smoke.nodeSelector as Record<string, string>, tolerations: smoke.tolerations as JsonObject[] },
      { runtime: heavy.heavy_job_runtime_class_name, selector: JSON.parse(String(heavy.heavy_job_node_selector_json)) as Record<string, string>, tolerations: JSON.parse(String(heavy.heavy_job_tolerations_json)) as JsonObject[] },
    ];
    for (const p of placements) {
      expect(p.runtime).toBe(at(v, "operator.runtimeClass"));
      expect(p.selector).toEqual({ "nvidia.com/gpu.present": "true" });
      for (const [k, val] of Object.entries(p.selector)) expect(operatorSetsLabel(k, val)).toBe(true);
      expect(p.tolerations.map((t) => `${t.key}:${t.effect}`)).toEqual(operand);
    }
  });

  test("flows: everything to the API server, the driver installer to the internet, nothing else leaves", () => {
    expect(policy(res, "gpu-operator", "gpu-operator-to-api-server-egress").inputs.spec).toMatchObject({ podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: expect.arrayContaining([{ port: 6443, protocol: "TCP" }]) }] });
    const driver = policy(res, "gpu-operator", "gpu-driver-to-internet-egress").inputs.spec as JsonObject;
    expect(driver).toMatchObject({ podSelector: { matchLabels: { app: "nvidia-driver-daemonset" } }, egress: [{ ports: [{ port: 443, protocol: "TCP" }, { port: 80, protocol: "TCP" }] }] });
    expect(at(driver, "egress.0.to.0.ipBlock.except")).toEqual(expect.arrayContaining(["10.0.0.0/8", "169.254.0.0/16"]));
  });
});

describe("GPU operator variations", () => {
  test("a valued taint is tolerated by key and effect; nodes that ship the driver: driver off, no internet flow", async () => {
    const { resources } = await renderStack("prod", { set: { gpuTolerations: ["gpu=a100:NoExecute"], gpuOperatorDriver: false } });
    const v = values(chartNamed(resources, "gpu-operator-chart"));
    expect(at(v, "daemonsets.tolerations")).toEqual([{ key: "gpu", operator: "Exists", effect: "NoExecute" }]);
    expect(at(v, "driver.enabled")).toBe(false);
    expect(ofType(resources, "networking.k8s.io/v1:NetworkPolicy").map(k8sName)).not.toContain("gpu-driver-to-internet-egress");
  });

  test.each<[string, StackName, RenderOptions["set"]]>([
    ["GPUs off (dev)", "dev", {}],
    ["gpuOperatorEnabled false", "prod", { gpuOperatorEnabled: false }],
  ])("not installed: %s", (_what, stack, set) => {
    const c = parsedStack(stack, { set });
    expect(c.gpuOperator.install).toBe(false);
    expect(c.demand.filter((d) => d.namespace === "gpu-operator")).toEqual([]);
  });

  test("declared demand: operator, NFD master and gc, one NFD worker per node", () => {
    const d = parsedStack("prod").demand.filter((w) => w.namespace === "gpu-operator");
    expect(d.map((w) => [w.workload, w.pods])).toEqual([
      ["gpu-operator", 1],
      ["gpu-operator-node-feature-discovery-master", 1],
      ["gpu-operator-node-feature-discovery-gc", 1],
      ["gpu-operator-node-feature-discovery-worker", 3],
    ]);
  });

  test("labels the operator's stack sets: its NFD rule, NFD's NVIDIA PCI label, GFD's nvidia.com/gpu.*", () => {
    expect(operatorSetsLabel("nvidia.com/gpu.present", "true")).toBe(true);
    expect(operatorSetsLabel("feature.node.kubernetes.io/pci-10de.present", "true")).toBe(true);
    expect(operatorSetsLabel("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB")).toBe(true);
    expect(operatorSetsLabel("nvidia.com/gpu.present", "false")).toBe(false);
    expect(operatorSetsLabel("nvidia.com/gpu.", "x")).toBe(false);
    expect(operatorSetsLabel("cloud.google.com/gke-accelerator", "nvidia-l4")).toBe(false);
  });
});

describe("monitoring on dev (nodePort)", () => {
  let res: Recorded[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, outputs } = await renderStack("dev", { set: { monitoringEnabled: true } }));
  });

  test("chart: stable names, every ServiceMonitor/PodMonitor, no failing control-plane scrapes, no Alertmanager", () => {
    const c = chartNamed(res, "monitoring-chart");
    expect(c.inputs).toMatchObject({ name: "kps", chart: "kube-prometheus-stack", version: "88.5.3", repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" }, namespace: "monitoring" });
    const v = values(c);
    expect(v).toMatchObject({
      fullnameOverride: "kps",
      alertmanager: { enabled: false },
      kubeEtcd: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeControllerManager: { enabled: false },
      kubeProxy: { enabled: false },
      prometheus: { prometheusSpec: { serviceMonitorSelectorNilUsesHelmValues: false, podMonitorSelectorNilUsesHelmValues: false, retention: "15d" } },
    });
    expect(at(v, "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec")).toMatchObject({ resources: { requests: { storage: "20Gi" } }, storageClassName: "standard" });
    expect(at(v, "prometheus.prometheusSpec.resources")).toEqual({ requests: expect.any(Object), limits: expect.any(Object) });
  });

  test("Grafana: NodePort 30300 to port 3000, the generated admin Secret, the password a secret output", () => {
    const g = at(values(chartNamed(res, "monitoring-chart")), "grafana") as JsonObject;
    expect(g).toMatchObject({ fullnameOverride: "grafana", service: { type: "NodePort", port: 80, targetPort: 3000, nodePort: 30300 }, ingress: { enabled: false } });
    expect(g.admin).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    expect(g["grafana.ini"]).toBeUndefined();
    const secret = byName(res, "core/v1:Secret", "grafana-admin");
    expect(at(secret.inputs, "metadata.namespace")).toBe("monitoring");
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect(Object.keys(secret.inputs.stringData as JsonObject).sort()).toEqual(["admin-password", "admin-user"]);
    const out = outputs.monitoring as JsonObject;
    expect(out).toMatchObject({ grafanaUrl: "http://<node-ip>:30300/", grafanaAdminUser: "admin", prometheusUrl: "http://kps-prometheus.monitoring.svc.cluster.local:9090" });
    expect(isSecretValue(out.grafanaAdminPassword)).toBe(true);
  });

  test("namespace privileged for node-exporter, with the reason; default deny", () => {
    const meta = nsLabels(res, "monitoring");
    expect(enforced(res, "monitoring")).toBe("privileged");
    expect(at(meta, "annotations.llm-platform/pod-security-reason")).toMatch(/node-exporter/);
    expect(policy(res, "monitoring", "default-deny").inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  test("flows: NodePort to Grafana, Prometheus to kubelets/node-exporter and CoreDNS, and no operator webhook (its certificate would come from a Helm hook, which helm.v4.Chart drops)", () => {
    expect(policy(res, "monitoring", "nodeport-to-grafana-ingress").inputs.spec).toMatchObject({ podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kps" } }, ingress: [{ ports: [{ port: 3000, protocol: "TCP" }] }] });
    const prom = { matchLabels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "kps-prometheus" } };
    expect(policy(res, "monitoring", "prometheus-to-nodes-egress").inputs.spec).toMatchObject({
      podSelector: prom,
      // The dev stack's node network (minikube), not anywhere.
      egress: [{ to: [{ ipBlock: { cidr: "192.168.49.0/24" } }], ports: [{ port: 10250, protocol: "TCP" }, { port: 9100, protocol: "TCP" }] }],
    });
    expect(at(policy(res, "monitoring", "prometheus-to-coredns-egress").inputs.spec, "egress.0.ports")).toEqual([{ port: 9153, protocol: "TCP" }]);
    expect(res.filter((r) => k8sName(r).includes("prometheus-operator-webhook"))).toEqual([]);
    const values = res.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.chart === "kube-prometheus-stack")!.inputs.values;
    expect(at(values, "prometheusOperator.admissionWebhooks.enabled")).toBe(false);
    // With TLS on, the operator mounts the webhook's certificate Secret, which nothing would create.
    expect(at(values, "prometheusOperator.tls.enabled")).toBe(false);
    expect(at(policy(res, "monitoring", "allow-within-namespace").inputs, "spec.podSelector")).toEqual({});
  });

  test("declared demand: Prometheus, operator, Grafana, kube-state-metrics, node-exporter", () => {
    expect(parsedStack("dev", { set: { monitoringEnabled: true } }).demand.filter((d) => d.namespace === "monitoring").map((d) => d.workload)).toEqual([
      "prometheus-kps-prometheus",
      "kps-operator",
      "grafana",
      "kps-kube-state-metrics",
      "kps-prometheus-node-exporter",
    ]);
  });
});

describe("monitoring on prod (gateway) with the GPU operator", () => {
  let res: Recorded[];
  let registered: RegisteredResource[];
  beforeAll(async () => {
    ({ resources: res, registered } = await renderStack("prod", { set: { monitoringEnabled: true, monitoringGrafanaHost: "grafana.example.com" } }));
  });

  test("Grafana on its own host through the platform Gateway, logging users in itself", () => {
    const route = byName(res, "gateway.networking.k8s.io/v1:HTTPRoute", "grafana");
    expect(at(route.inputs, "metadata.namespace")).toBe("monitoring");
    expect(at(route.inputs, "spec.hostnames")).toEqual(["grafana.example.com"]);
    expect(at(route.inputs, "spec.rules.0.backendRefs")).toEqual([{ name: "grafana", port: 80 }]);
    expect(ofType(res, "gateway.envoyproxy.io/v1alpha1:SecurityPolicy").map(k8sName)).not.toContain("grafana");
    const listeners = at(byName(res, "gateway.networking.k8s.io/v1:Gateway", "llm-platform").inputs, "spec.listeners") as JsonObject[];
    expect(listeners.map((l) => l.hostname)).toContain("grafana.example.com");
    const g = at(values(chartNamed(res, "monitoring-chart")), "grafana") as JsonObject;
    expect(g).toMatchObject({ service: { type: "ClusterIP", port: 80 }, "grafana.ini": { server: { root_url: "https://grafana.example.com" } } });
    expect(at(policy(res, "monitoring", "edge-to-grafana-ingress").inputs.spec, "ingress.0.from.0.namespaceSelector.matchLabels")).toEqual({ "kubernetes.io/metadata.name": "envoy-gateway-system" });
  });

  test("the DCGM exporter is scraped: ServiceMonitor on (the operator makes it once the CRD exists, so the chart waits for nothing of monitoring), Prometheus -> 9400 both sides", () => {
    expect(at(values(chartNamed(res, "gpu-operator-chart")), "dcgmExporter.serviceMonitor.enabled")).toBe(true);
    expect(waitsFor(registered, "gpu-operator-chart", "monitoring-chart")).toBe(false);
    expect(at(policy(res, "monitoring", "prometheus-to-dcgm-exporter-egress").inputs.spec, "egress.0.to.0")).toEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gpu-operator" } },
      podSelector: { matchLabels: { app: "nvidia-dcgm-exporter" } },
    });
    expect(at(policy(res, "gpu-operator", "prometheus-to-dcgm-exporter-ingress").inputs.spec, "ingress.0.ports")).toEqual([{ port: 9400, protocol: "TCP" }]);
  });

  test("the Grafana host is required under gateway, and must not be another module's", () => {
    expect(configProblems("prod", { monitoringEnabled: true, monitoringGrafanaHost: "" })).toEqual([expect.stringMatching(/^llm-platform:monitoringGrafanaHost: is required when exposure is gateway/)]);
    expect(configProblems("prod", { monitoringEnabled: true, monitoringGrafanaHost: "harbor.example.com" })).toEqual([expect.stringMatching(/^llm-platform:monitoringGrafanaHost: must differ from harborHost/)]);
  });
});

const EDGE_CLUSTER_IP: EdgeAccess = {
  exposure: { mode: "clusterIP", gatewayNamespace: "llm-platform-edge", tls: { mode: "none" }, auth: { mode: "basic", basicUser: "u", allowedCidrs: [] } },
  source: { anywhere: true },
  apis: clusterApis(),
};
const NETWORK = { internet: { name: "internet", cidrs: ["0.0.0.0/0"], except: ["10.0.0.0/8"] }, apiServer: { name: "api-server", cidrs: ["192.168.49.2/32"], except: [] }, apiServerPorts: [8443] };

test("MonitoringAccess: a suite's `scrape` makes a ServiceMonitor after the chart and opens Prometheus -> its pods only", async () => {
  const res = await renderComponents(() => {
    const cfg = parsedStack("dev", { set: { monitoringEnabled: true } }).monitoring;
    const m = new Monitoring("monitoring", { config: cfg, edge: EDGE_CLUSTER_IP, network: NETWORK, persistence: false, dataProtection: false, profile: "small" });
    const pods: PodGroup = { name: "api", namespace: "team", own: "team", selector: { matchLabels: { app: "api" } } };
    expect(m.access.prometheus).toMatchObject({ namespace: "monitoring", selector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "kps-prometheus" } } });
    scrape({ name: "api-metrics", namespace: "team", instance: "team", serviceLabels: { app: "api" }, portName: "http", port: 8080, path: "/metrics", pods, why: "the API" }, m.access, { parent: m });
  });
  expect(at(byName(res, "monitoring.coreos.com/v1:ServiceMonitor", "api-metrics").inputs, "spec.selector")).toEqual({ matchLabels: { app: "api" }, matchExpressions: [{ key: "llm-platform/headless", operator: "DoesNotExist" }] });
  expect(at(policy(res, "monitoring", "prometheus-to-api-metrics-egress").inputs.spec, "egress.0.to.0.podSelector")).toEqual({ matchLabels: { app: "api" } });
  expect(at(policy(res, "team", "prometheus-to-api-metrics-ingress").inputs.spec, "ingress.0.from.0.namespaceSelector")).toEqual({ matchLabels: { "kubernetes.io/metadata.name": "monitoring" } });
  // Without persistence, no PVC template: Prometheus keeps its TSDB in an emptyDir.
  expect(at(values(chartNamed(res, "monitoring-chart")), "prometheus.prometheusSpec.storageSpec")).toBeUndefined();
});

describe("KServe", () => {
  test("prod (cert-manager installed): CRDs first, then kserve-resources in Standard mode, no Ingress/Istio; webhook and API flows", async () => {
    const { resources: res, registered } = await renderStack("prod", { set: { kserveEnabled: true } });
    const crd = chartNamed(res, "kserve-crd-chart");
    const ctl = chartNamed(res, "kserve-chart");
    expect(crd.inputs).toMatchObject({ name: "kserve-crd", chart: "oci://ghcr.io/kserve/charts/kserve-crd-minimal", version: "v0.20.0" });
    expect(ctl.inputs).toMatchObject({ name: "kserve", chart: "oci://ghcr.io/kserve/charts/kserve-resources", version: "v0.20.0", namespace: "kserve" });
    expect(waitsFor(registered, "kserve-chart", "kserve-crd-chart")).toBe(true);
    expect(at(values(ctl), "kserve.controller")).toMatchObject({ deploymentMode: "Standard", gateway: { disableIngressCreation: true, disableIstioVirtualHost: true } });
    expect(at(values(ctl), "kserve.servingruntime.enabled")).toBe(false);
    // The controller manager alone, admitted from the API server's address only (the mocked cluster's 192.168.49.2).
    expect(policy(res, "kserve", "api-server-to-kserve-webhook-ingress").inputs.spec).toMatchObject({
      podSelector: { matchLabels: { "control-plane": "kserve-controller-manager" } },
      ingress: [{ from: [{ ipBlock: { cidr: "192.168.49.2/32" } }], ports: [{ port: 9443, protocol: "TCP" }] }],
    });
    expect(at(policy(res, "kserve", "kserve-to-api-server-egress").inputs.spec, "egress.0.ports")).toEqual(expect.arrayContaining([{ port: 6443, protocol: "TCP" }]));
    expect(enforced(res, "kserve")).toBe("baseline");
  });

  test("the example: sklearn InferenceService reading the mlops store with its keys, via an annotated Secret on its ServiceAccount", async () => {
    const store: ObjectStore = {
      endpoint: "http://minio.mlops.svc.cluster.local:9000",
      region: "us-east-1",
      provider: "mlops",
      keys: (user) => {
        if (user !== "kserve-models") throw new Error(`no grant for ${user}`);
        return { accessKey: user, secretKey: pulumi.secret("secret-key") };
      },
      pods: { name: "minio", namespace: "mlops", own: "mlops", selector: { matchLabels: { "app.kubernetes.io/name": "minio" } } },
      port: 9000,
    };
    const res = await renderComponents(() => {
      const config = { enabled: true, chart: { repo: "oci://ghcr.io/kserve/charts", version: "v0.20.0" }, namespace: "kserve", example: { namespace: "kserve-models", storageUri: "s3://models/sklearn/iris" } };
      new Kserve("kserve", { config, profile: "small", network: NETWORK, objectStore: store, apis: clusterApis() });
    });
    const isvc = byName(res, "serving.kserve.io/v1beta1:InferenceService", "sklearn-iris");
    expect(at(isvc.inputs, "metadata.namespace")).toBe("kserve-models");
    expect(at(isvc.inputs, "spec.predictor")).toMatchObject({ serviceAccountName: "kserve-s3", model: { modelFormat: { name: "sklearn" }, storageUri: "s3://models/sklearn/iris", runtime: "kserve-sklearnserver" } });
    const runtime = byName(res, "serving.kserve.io/v1alpha1:ServingRuntime", "kserve-sklearnserver");
    expect(at(runtime.inputs, "spec.supportedModelFormats.0.name")).toBe("sklearn");
    expect(at(runtime.inputs, "spec.containers.0.securityContext")).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(at(byName(res, "core/v1:ServiceAccount", "kserve-s3").inputs, "secrets")).toEqual([{ name: "kserve-s3" }]);
    const secret = byName(res, "core/v1:Secret", "kserve-s3");
    expect(at(secret.inputs, "metadata.annotations")).toEqual({
      "serving.kserve.io/s3-endpoint": "minio.mlops.svc.cluster.local:9000",
      "serving.kserve.io/s3-usehttps": "0",
      "serving.kserve.io/s3-region": "us-east-1",
    });
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect(secret.inputs.stringData).toEqual({ AWS_ACCESS_KEY_ID: "kserve-models", AWS_SECRET_ACCESS_KEY: "secret-key" });
    expect(enforced(res, "kserve-models")).toBe("baseline");
    expect(at(nsLabels(res, "kserve-models"), "annotations.llm-platform/pod-security-reason")).toMatch(/storage-initializer/);
    expect(policy(res, "kserve-models", "default-deny").inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const egress = policy(res, "kserve-models", "sklearn-iris-to-object-store-egress").inputs.spec as JsonObject;
    expect(egress).toMatchObject({ podSelector: { matchLabels: { "serving.kserve.io/inferenceservice": "sklearn-iris" } }, egress: [{ ports: [{ port: 9000, protocol: "TCP" }] }] });
    expect(at(policy(res, "mlops", "sklearn-iris-to-object-store-ingress").inputs.spec, "ingress.0.from.0.namespaceSelector")).toEqual({ matchLabels: { "kubernetes.io/metadata.name": "kserve-models" } });
  });

  test("the example is parsed only with KServe and the mlops suite", () => {
    const platform = { ...parsedStack("prod").platform, suites: ["llmctl", "mlops"] };
    const certManager = parsedStack("prod").certManager;
    const parse = (values: Record<string, string>) => {
      const p = new Problems();
      const out = parseKserve(new Reader(KSERVE_SCHEMA, { values, secretKeys: new Set() }, p), platform, certManager);
      return { ...out, problems: p.list };
    };
    const on = parse({ kserveEnabled: "true", kserveExampleEnabled: "true" });
    expect(on.problems).toEqual([]);
    expect(on.config.example).toEqual({ namespace: "kserve-models", storageUri: "s3://models/sklearn/iris" });
    expect(on.claims.namespaces.map((n) => n.namespace)).toEqual(["kserve", "kserve-models"]);
    expect(parse({ kserveEnabled: "true" }).config.example).toBeUndefined();
  });
});

/** [what, stack, overrides, the key named, what the message says is allowed]. */
const BAD: Array<[string, StackName, RenderOptions["set"], string, RegExp]> = [
  ["two owners of the RuntimeClass", "prod", { gpuManageRuntimeClass: true }, "gpuManageRuntimeClass", /must be false when the GPU operator is installed.*two owners/],
  ["a node label the operator never sets", "prod", { gpuNodeSelector: ["node-pool=gpu"] }, "gpuNodeSelector", /neither the GPU operator nor NFD sets; allowed.*nvidia\.com\/gpu\.present=true/],
  ["gpu.present with a value NFD never writes", "prod", { gpuNodeSelector: ["nvidia.com/gpu.present=yes"] }, "gpuNodeSelector", /pci-10de\.present=true/],
  ["no RuntimeClass name for the operator", "prod", { gpuRuntimeClassName: "" }, "gpuRuntimeClassName", /is required when the GPU operator is installed/],
  ["a floating operator chart version", "prod", { gpuOperatorChartVersion: "latest" }, "gpuOperatorChartVersion", /exact chart version/],
  ["an upper-case operator namespace", "prod", { gpuOperatorNamespace: "GPU" }, "gpuOperatorNamespace", /DNS label/],
  ["a non-boolean driver switch", "prod", { gpuOperatorDriver: "yes" }, "gpuOperatorDriver", /true or false/],
  ["Grafana on a port outside the NodePort range", "dev", { monitoringEnabled: true, monitoringGrafanaNodePort: 3000 }, "monitoringGrafanaNodePort", /between 30000 and 32767/],
  ["Grafana's NodePort taken by Harbor", "dev", { monitoringEnabled: true, harborEnabled: true, monitoringGrafanaNodePort: 30082 }, "monitoringGrafanaNodePort", /duplicates harborNodePort \(30082\)/],
  ["a node CIDR without a prefix", "dev", { monitoringNodeCidrs: ["10.0.0.0"] }, "monitoringNodeCidrs", /not an IPv4 CIDR/],
  ["no node CIDR", "dev", { monitoringEnabled: true, monitoringNodeCidrs: [] }, "monitoringNodeCidrs", /is required with monitoringEnabled: the subnets of the nodes' addresses \(kubectl get nodes -o wide/],
  ["the nodes anywhere on a production-like stack", "prod", { monitoringNodeCidrs: ["0.0.0.0/0"] }, "monitoringNodeCidrs", /0\.0\.0\.0\/0 lets Prometheus reach the internet on 10250 and 9100 on a production-like stack/],
  ["a retention Prometheus cannot read", "dev", { monitoringPrometheusRetention: "15 days" }, "monitoringPrometheusRetention", /Prometheus duration/],
  ["a TSDB size in GB", "dev", { monitoringPrometheusStorageSize: "20GB" }, "monitoringPrometheusStorageSize", /storage size/],
  ["monitoring in a suite's namespace", "dev", { monitoringEnabled: true, monitoringNamespace: "llmctl" }, "monitoringNamespace", /must differ from the other namespaces/],
  ["KServe without cert-manager (nodePort)", "dev", { kserveEnabled: true }, "kserveEnabled", /needs cert-manager.*exposure is nodePort/],
  ["the example without KServe", "prod", { kserveEnabled: false, kserveExampleEnabled: true }, "kserveExampleEnabled", /needs kserveEnabled: true/],
  ["the example without the mlops suite", "prod", { suites: ["llmctl", "llm-stack"], kserveEnabled: true, kserveExampleEnabled: true }, "kserveExampleEnabled", /needs the mlops suite/],
  ["a model URI that is not S3", "prod", { kserveExampleStorageUri: "https://models.example.com/iris" }, "kserveExampleStorageUri", /must be s3:\/\/<bucket>\/<path>/],
  ["the example in the controller's namespace", "prod", { kserveEnabled: true, kserveExampleEnabled: true, kserveExampleNamespace: "kserve" }, "kserveExampleNamespace", /must differ from kserveNamespace/],
];

describe("bad input fails preview naming the key and what is allowed", () => {
  test.each(BAD)("%s", (_what, stack, set, key, allowed) => {
    const found = configProblems(stack, set).filter((p) => p.startsWith(`llm-platform:${key}`) && allowed.test(p));
    expect(found).toHaveLength(1);
  });

  test("defaults: monitoring and KServe off unless a stack turns them on (prod does); the operator follows gpuEnabled", () => {
    const dev = parsedStack("dev");
    const prod = parsedStack("prod");
    expect([dev.monitoring.enabled, dev.kserve.enabled, dev.gpuOperator.install]).toEqual([false, false, false]);
    expect([prod.monitoring.enabled, prod.kserve.enabled, prod.gpuOperator.install, prod.gpuOperator.driver]).toEqual([true, true, true, true]);
    expect(prod.monitoring).toMatchObject({ namespace: "monitoring", grafanaNodePort: 30300, retention: "15d", chart: { version: "88.5.3" } });
  });
});
