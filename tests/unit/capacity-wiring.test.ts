/**
 * The capacity check runs on what each module *declares* (before anything exists); this proves the
 * declarations match what the program actually renders, for both stack files and the variations that change
 * replicas, HPAs, init gates, resource profiles and GPU requests. Helm charts are not rendered under mocks,
 * so their declared pods (chart:<name>) are checked against the chart defaults in addons.test.ts instead.
 */
import { demandFromManifests, type WorkloadDemand } from "../../components/lib/capacity";
import { manifestSet } from "../../scripts/lib/manifests";
import { parsedStack, renderStack, type RenderOptions, type StackName } from "../helpers/harness";

const byKey = (d: WorkloadDemand) => `${d.namespace}/${d.kind}/${d.workload}`;
const sorted = (ds: readonly WorkloadDemand[]) => [...ds].sort((a, b) => byKey(a).localeCompare(byKey(b)));

const CASES: Array<[string, StackName, RenderOptions]> = [
  ["dev", "dev", {}],
  ["prod", "prod", {}],
  // Variations of the studio's settings render the studio alone (its add-ons and the platform's charts stay).
  ["dev with the smoke Job, MCP wait gates off, 3 workers", "dev", { set: { suites: ["llmctl"], llmctlExecutorSmokeTest: true, llmctlMcpWaitEnabled: false, llmctlCeleryWorkerReplicas: 3 } }],
  ["dev with HPAs and the large profile (five minikube nodes: one does not fit it)", "dev", { set: { llmctlBackendReplicas: 2, llmctlBackendMaxReplicas: 5, llmctlFrontendMaxReplicas: 4, resourceProfile: "large", clusterNodes: 5 } }],
  [
    "prod with a GPU smoke Job on a GPU node",
    "prod",
    { set: { suites: ["llmctl"], llmctlExecutorSmokeTest: true, executorGpuLimit: 2, clusterNodes: 3, clusterGpuNodes: 1, clusterGpusPerNode: 4 } },
  ],
  ["prod without Harbor and pgAdmin", "prod", { set: { suites: ["llmctl"], harborEnabled: false, pgadminEnabled: false } }],
  ["dev with a git= repository (git-sync beside its watcher)", "dev", { set: { suites: ["context-engine"], contextEngineRepositories: ["backend", "api,git=https://github.com/acme/api.git"] } }],
];

describe.each(CASES)("declared demand = rendered demand: %s", (_what, stack, options) => {
  let declared: WorkloadDemand[];
  let rendered: WorkloadDemand[];
  beforeAll(async () => {
    const config = parsedStack(stack, options);
    declared = config.demand.filter((d) => !d.kind.startsWith("chart:"));
    const { resources } = await renderStack(stack, options);
    rendered = demandFromManifests(manifestSet(resources).rest, config.platform.gpu.resourceName);
  });

  test("same workloads, pods, HPA maximums and per-pod requests/limits", () => {
    expect(sorted(declared)).toEqual(sorted(rendered));
  });

  test("the declaration is not empty (a stack always runs pods)", () => {
    expect(rendered.length).toBeGreaterThan(5);
  });
});

describe("chart pods are declared for each enabled add-on", () => {
  test("Harbor, pgAdmin and the edge charts on: their namespaces carry chart demand; off: none", () => {
    const on = parsedStack("prod").demand.filter((d) => d.kind.startsWith("chart:"));
    expect(new Set(on.map((d) => d.namespace))).toEqual(new Set(["llmctl-harbor", "llmctl-pgadmin", "envoy-gateway-system", "cert-manager", "gpu-operator", "monitoring", "kserve"]));
    // The Envoy proxies the controller creates count with the replicas the EnvoyProxy asks for.
    expect(on.find((d) => d.kind === "chart:envoy-proxy")).toMatchObject({ pods: 2 });
    const off = parsedStack("prod", { set: { harborEnabled: false, pgadminEnabled: false, envoyGatewayEnabled: false, gatewayClassName: "existing", certManagerEnabled: false, gpuOperatorEnabled: false, monitoringEnabled: false, kserveEnabled: false } }).demand.filter((d) =>
      d.kind.startsWith("chart:"),
    );
    expect(off).toEqual([]);
  });
});
