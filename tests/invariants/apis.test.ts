/**
 * Ordering from what objects need: for every add-on combination a stack can enable, every object (and every
 * chart whose templates create one) of a kind outside Kubernetes' own groups waits for the chart that installs
 * its CRD and for every installed chart whose webhook admits it. The graph checked is the one the program
 * registers (the engine's dependencies), not the table it was derived from; and nothing top-level in the
 * stack outputs is undefined (the engine warns "Undefined value ... will not show as a stack output").
 */
import { CHART_APIS, chartName } from "../../components/addons/apis";
import { assumedApis } from "../../components/edge";
import { covers, PlatformApis } from "../../components/platform/apis";
import { apiOrderProblems, dependencyClosure, kindOfType, usedKinds } from "../../scripts/lib/apiOrder";
import { parsedStack, renderStack, type Recorded, type RegisteredResource, type RenderOptions, type StackName } from "../helpers/harness";

// Each add-on on and off, under each exposure that installs edge add-ons, plus the stack files themselves. The
// option sets are the ones other test files render too, so the run's render cache evaluates each once.
const COMBINATIONS: Array<[string, StackName, RenderOptions["set"]]> = [
  ["dev", "dev", {}],
  ["dev with monitoring", "dev", { monitoringEnabled: true }],
  ["prod", "prod", {}],
  ["prod without monitoring (the GPU operator alone)", "prod", { llmctlExecutorSmokeTest: true, monitoringEnabled: false }],
  ["prod, a Gateway API implementation already in the cluster, no cert-manager, KServe or monitoring", "prod", { envoyGatewayEnabled: false, gatewayClassName: "cilium", certManagerEnabled: false, edgeAuth: "external", kserveEnabled: false, monitoringEnabled: false }],
  ["prod with an existing issuer (cert-manager assumed)", "prod", { tlsMode: "existingIssuer", tlsClusterIssuer: "corp-ca" }],
  ["prod under ingress (cert-manager without Gateway API)", "prod", { exposure: "ingress", ingressClassName: "nginx", edgeAuth: "external", edgeProxyNamespace: "ingress-nginx" }],
  ["prod with the KServe example", "prod", { kserveExampleEnabled: true }],
];

describe.each(COMBINATIONS)("%s", (_name, stack, set) => {
  let resources: Recorded[];
  let registered: RegisteredResource[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources, registered, outputs } = await renderStack(stack, { set }));
  });

  test("every use of a CRD kind waits for the chart that installs it and for every webhook that admits it", () => {
    expect(apiOrderProblems(resources, registered, assumedApis(parsedStack(stack, { set })))).toEqual([]);
  });

  test("every chart is declared in CHART_APIS", () => {
    for (const chart of resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart")) expect(Object.keys(CHART_APIS)).toContain(chartName(String(chart.inputs.chart)));
  });

  test("no stack output is undefined", () => {
    for (const [key, value] of Object.entries(outputs)) expect([key, value]).not.toEqual([key, undefined]);
  });
});

describe("the check fails where the order is wrong", () => {
  let resources: Recorded[];
  let registered: RegisteredResource[];
  beforeAll(async () => {
    ({ resources, registered } = await renderStack("prod", { set: { kserveExampleEnabled: true } }));
  });
  const chartUrn = (chart: string) => registered.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && resources.some((x) => x.name === r.name && chartName(String(x.inputs.chart)) === chart))!.urn;
  const without = (from: (r: RegisteredResource) => boolean, dep: string): RegisteredResource[] =>
    registered.map((r) => (from(r) ? { ...r, dependencies: r.dependencies.filter((d) => d !== dep) } : r));

  test("KServe's chart without cert-manager: its Issuer and Certificate have no CRD yet (the first prod `up` failed so)", () => {
    const kserve = chartUrn("kserve-resources");
    const broken = without((r) => r.urn === kserve, chartUrn("cert-manager"));
    expect(apiOrderProblems(resources, broken, [])).toEqual(
      expect.arrayContaining([expect.stringMatching(/kserve-chart \(its templates\) uses cert-manager\.io\/Issuer but does not wait for .*cert-manager-chart/)]),
    );
  });

  test("the example InferenceService without the controller: its webhook would refuse it", () => {
    const controller = chartUrn("kserve-resources");
    const isvc = (r: RegisteredResource) => kindOfType(r.type) === "serving.kserve.io/InferenceService";
    expect(registered.filter(isvc)).toHaveLength(1);
    expect(apiOrderProblems(resources, without(isvc, controller), [])).toEqual([expect.stringMatching(/InferenceService but does not wait for .*kserve-chart, whose webhook admits it/)]);
  });

  test("a ServiceMonitor in a stack without monitoring is a kind nothing installs", () => {
    const monitoring = chartUrn("kube-prometheus-stack");
    const noMonitoring = registered.filter((r) => r.urn !== monitoring);
    const problems = apiOrderProblems(resources, noMonitoring, []);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => /uses monitoring\.coreos\.com\/ServiceMonitor, which nothing installs or assumes/.test(p))).toBe(true);
  });

  test("dependencies count transitively (an object after a chart that waited for the supplier)", () => {
    const closure = dependencyClosure(registered);
    const kserve = chartUrn("kserve-resources");
    expect(closure(kserve).has(chartUrn("cert-manager"))).toBe(true);
    expect(closure(kserve).has(chartUrn("kserve-crd-minimal"))).toBe(true);
    // Under prod's gateway exposure cert-manager waits for the Gateway API CRDs it watches from its start.
    expect(closure(chartUrn("cert-manager")).has(chartUrn("gateway-helm"))).toBe(true);
    expect(usedKinds(resources, registered).some((u) => u.kind === "monitoring.coreos.com/ServiceMonitor" && u.via === "object")).toBe(true);
  });
});

describe("PlatformApis", () => {
  test("an object of a kind no add-on supplies is a program error that names it", () => {
    const apis = new PlatformApis();
    expect(apis.after(["apps/Deployment", "/Secret"], "x")).toEqual([]);
    expect(() => apis.after(["monitoring.coreos.com/ServiceMonitor"], "ServiceMonitor api")).toThrow(
      "ServiceMonitor api creates monitoring.coreos.com/ServiceMonitor, which no add-on of this stack supplies (none)",
    );
  });

  test("wildcards cover their group only", () => {
    expect(covers(["cert-manager.io/*"], "cert-manager.io/Issuer")).toBe(true);
    expect(covers(["cert-manager.io/*"], "acme.cert-manager.io/Order")).toBe(false);
    expect(covers(["monitoring.coreos.com/PrometheusRule"], "monitoring.coreos.com/ServiceMonitor")).toBe(false);
  });

  test("kinds from type tokens: core, grouped and custom", () => {
    expect(kindOfType("kubernetes:core/v1:Secret")).toBe("/Secret");
    expect(kindOfType("kubernetes:apps/v1:Deployment")).toBe("apps/Deployment");
    expect(kindOfType("kubernetes:serving.kserve.io/v1beta1:InferenceService")).toBe("serving.kserve.io/InferenceService");
    expect(kindOfType("kubernetes:helm.sh/v4:Chart")).toBeUndefined();
  });
});
