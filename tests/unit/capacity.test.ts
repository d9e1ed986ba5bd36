import * as fs from "fs";
import * as path from "path";
import {
  checkFit,
  type ClusterProfile,
  demandFromManifests,
  formatCapacityTable,
  formatCpu,
  formatMemory,
  type ManifestLike,
  MINIKUBE_PROFILE,
  parseCpu,
  parseMemory,
  podAmounts,
  profileProblems,
  summarize,
  type WorkloadDemand,
} from "../../components/lib/capacity";
import { ROOT } from "../helpers/harness";
import { FAKE_NODE_LABEL, type Kubectl, nodeManifests, replaceNodes } from "../e2e/nodes";

const Ki = 1024;
const Mi = 1024 * Ki;
const Gi = 1024 * Mi;

describe("Kubernetes quantities", () => {
  test.each([
    ["250m", 250],
    ["1", 1000],
    ["0.5", 500],
    ["2", 2000],
    [2, 2000],
    [0.5, 500],
    ["0.1", 100],
    ["1.", 1000],
    [".25", 250],
    ["100u", 1], // 0.1 millicore rounds up, as Quantity.MilliValue does
    ["1k", 1_000_000],
    ["1e3", 1_000_000],
    ["+3", 3000],
    ["1e-99999", 1],
    ["0e99999", 0],
  ])("CPU %j is %d millicores", (q, milli) => {
    expect(parseCpu(q)).toBe(milli);
  });

  test.each([
    ["1Ki", Ki],
    ["128Mi", 128 * Mi],
    ["1Gi", Gi],
    ["1.5Gi", 1610612736],
    ["1Ti", 1099511627776],
    ["1k", 1000],
    ["1M", 1_000_000],
    ["1G", 1_000_000_000],
    ["1T", 1_000_000_000_000],
    ["1e3", 1000],
    ["1E3", 1000],
    ["129e6", 129_000_000],
    ["123", 123],
    [123, 123],
    ["500m", 1],
  ])("memory %j is %d bytes", (q, bytes) => {
    expect(parseMemory(q)).toBe(bytes);
  });

  test.each(["", "abc", "1K", "-1", "1 Gi", "1Gb", "1e", "1.2.3", "Mi", "1Mi ", "1e99999"])("rejects %j, naming it", (q) => {
    expect(() => parseMemory(q)).toThrow(JSON.stringify(q));
    expect(() => parseCpu(q)).toThrow(JSON.stringify(q));
  });

  test("rejects non-finite and negative numbers", () => {
    expect(() => parseCpu(Number.NaN)).toThrow("invalid CPU quantity NaN");
    expect(() => parseMemory(-1)).toThrow("invalid memory quantity -1");
  });

  test("formats for tables", () => {
    expect([2350, 250, 8000, 5, 0, 1870].map(formatCpu)).toEqual(["2.35", "0.25", "8", "0.005", "0", "1.87"]);
    expect([Math.round(5.1 * Gi), 512 * Mi, 1.5 * Gi, 1000, Ki, 0, 1023.99 * Mi, 16 * Gi].map(formatMemory)).toEqual([
      "5.1Gi",
      "512Mi",
      "1.5Gi",
      "1000",
      "1Ki",
      "0",
      "1Gi",
      "16Gi",
    ]);
  });
});

describe("pod amounts", () => {
  test("max(sum of app containers, largest init container), per resource", () => {
    const pod = podAmounts({
      containers: [
        { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
      ],
      initContainers: [
        { requests: { cpu: "200m", memory: "32Mi" }, limits: { cpu: "1", memory: "64Mi" } },
        { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "20m", memory: "16Mi" } },
      ],
    });
    // CPU: the init container (200m) beats the app sum (150m); memory: the app sum (192Mi) beats the init (32Mi).
    expect(pod).toEqual({
      requests: { cpuMilli: 200, memoryBytes: 192 * Mi, gpus: 0 },
      limits: { cpuMilli: 1000, memoryBytes: 384 * Mi, gpus: 0 },
    });
  });

  test("a missing request defaults to the limit (GPUs too); a missing limit counts the request", () => {
    expect(podAmounts({ containers: [{ limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "2" } }, { requests: { cpu: "10m" } }, undefined] })).toEqual({
      requests: { cpuMilli: 1010, memoryBytes: Gi, gpus: 2 },
      limits: { cpuMilli: 1010, memoryBytes: Gi, gpus: 2 },
    });
  });

  test("the GPU resource name is configurable", () => {
    const containers = [{ limits: { "amd.com/gpu": "1", "nvidia.com/gpu": "4" } }];
    expect(podAmounts({ containers }, "amd.com/gpu").requests.gpus).toBe(1);
    expect(podAmounts({ containers }).requests.gpus).toBe(4);
  });
});

const res = (rc: string, rm: string, lc: string, lm: string, gpu?: string) => ({
  requests: { cpu: rc, memory: rm },
  limits: { cpu: lc, memory: lm, ...(gpu ? { "nvidia.com/gpu": gpu } : {}) },
});
const template = (...containers: ReturnType<typeof res>[]) => ({
  template: { spec: { containers: containers.map((resources, i) => ({ name: `c${i}`, image: "x:1", resources })) } },
});
const meta = (namespace: string, name: string) => ({ name, namespace });

const OBJECTS: ManifestLike[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: meta("a", "api"), spec: template(res("100m", "128Mi", "500m", "512Mi")) },
  {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta("a", "api"),
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, minReplicas: 2, maxReplicas: 5 },
  },
  // Same target name in another namespace: must not touch a/api.
  { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: meta("other", "api"), spec: { scaleTargetRef: { kind: "Deployment", name: "api" }, minReplicas: 7, maxReplicas: 9 } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: meta("a", "worker"), spec: { replicas: 3, ...template(res("50m", "64Mi", "200m", "256Mi"), res("50m", "64Mi", "200m", "256Mi")) } },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: meta("b", "lone"), spec: template(res("250m", "256Mi", "1", "1Gi")) },
  { apiVersion: "apps/v1", kind: "StatefulSet", metadata: meta("b", "db"), spec: { replicas: 2, ...template(res("500m", "1Gi", "1", "2Gi")) } },
  { apiVersion: "batch/v1", kind: "Job", metadata: meta("b", "smoke"), spec: { completions: 5, ...template(res("100m", "64Mi", "200m", "128Mi", "1")) } },
  { apiVersion: "batch/v1", kind: "Job", metadata: meta("c", "batch"), spec: { parallelism: 4, completions: 2, ...template(res("10m", "32Mi", "100m", "64Mi")) } },
  { apiVersion: "batch/v1", kind: "CronJob", metadata: meta("c", "nightly"), spec: { schedule: "@daily", jobTemplate: { spec: template(res("4", "8Gi", "4", "8Gi")) } } },
];

const amounts = (cpuMilli: number, memoryBytes: number, gpus = 0) => ({ cpuMilli, memoryBytes, gpus });

describe("demand from rendered objects", () => {
  const demands = demandFromManifests(OBJECTS);

  test("replicas, HPA minimum (maximum recorded), defaults of 1, Jobs once, CronJobs not counted", () => {
    expect(demands).toEqual([
      { namespace: "a", workload: "api", kind: "Deployment", pods: 2, maxPods: 5, perPod: { requests: amounts(100, 128 * Mi), limits: amounts(500, 512 * Mi) } },
      { namespace: "a", workload: "worker", kind: "Deployment", pods: 3, perPod: { requests: amounts(100, 128 * Mi), limits: amounts(400, 512 * Mi) } },
      { namespace: "b", workload: "lone", kind: "Deployment", pods: 1, perPod: { requests: amounts(250, 256 * Mi), limits: amounts(1000, Gi) } },
      { namespace: "b", workload: "db", kind: "StatefulSet", pods: 2, perPod: { requests: amounts(500, Gi), limits: amounts(1000, 2 * Gi) } },
      { namespace: "b", workload: "smoke", kind: "Job", pods: 1, perPod: { requests: amounts(100, 64 * Mi, 1), limits: amounts(200, 128 * Mi, 1) } },
      // parallelism 4 but only 2 completions: never more than 2 pods at once.
      { namespace: "c", workload: "batch", kind: "Job", pods: 2, perPod: { requests: amounts(10, 32 * Mi), limits: amounts(100, 64 * Mi) } },
    ]);
  });

  test("an HPA minimum wins over a replicas field; a suspended Job runs nothing; init containers count", () => {
    const more = demandFromManifests([
      { apiVersion: "apps/v1", kind: "StatefulSet", metadata: meta("x", "s"), spec: { replicas: 1, ...template(res("1", "1Gi", "1", "1Gi")) } },
      { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: meta("x", "s"), spec: { scaleTargetRef: { kind: "StatefulSet", name: "s" }, maxReplicas: 4 } },
      { apiVersion: "batch/v1", kind: "Job", metadata: meta("x", "j"), spec: { suspend: true, ...template(res("1", "1Gi", "1", "1Gi")) } },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "i" },
        spec: { template: { spec: { containers: [{ resources: res("100m", "1Gi", "100m", "1Gi") }], initContainers: [{ resources: res("2", "64Mi", "2", "64Mi") }] } } },
      },
    ]);
    expect(more.map((d) => [d.namespace, d.workload, d.pods, d.maxPods, d.perPod.requests.cpuMilli, d.perPod.requests.memoryBytes])).toEqual([
      ["x", "s", 1, 4, 1000, Gi], // minReplicas defaults to 1
      ["x", "j", 0, undefined, 1000, Gi],
      ["default", "i", 1, undefined, 2000, Gi],
    ]);
  });

  test("sums per namespace and for the stack, exactly", () => {
    const { rows, total } = summarize(demands);
    expect(rows).toEqual([
      { namespace: "a", pods: 5, maxPods: 8, requests: amounts(500, 640 * Mi), limits: amounts(2200, 2560 * Mi), maxRequests: amounts(800, Gi) },
      { namespace: "b", pods: 4, maxPods: 4, requests: amounts(1350, 2368 * Mi, 1), limits: amounts(3200, 5248 * Mi, 1), maxRequests: amounts(1350, 2368 * Mi, 1) },
      { namespace: "c", pods: 2, maxPods: 2, requests: amounts(20, 64 * Mi), limits: amounts(200, 128 * Mi), maxRequests: amounts(20, 64 * Mi) },
    ]);
    expect(total).toEqual({ namespace: "TOTAL", pods: 11, maxPods: 14, requests: amounts(1870, 3 * Gi, 1), limits: amounts(5600, 7936 * Mi, 1), maxRequests: amounts(2170, 3456 * Mi, 1) });
  });

  test("the table shows every namespace, the totals, the cluster and the share requested", () => {
    expect(formatCapacityTable(demands, { ...MINIKUBE_PROFILE, nodes: 2, gpuNodes: 1 })).toBe(
      [
        "NAMESPACE                         PODS  CPU REQ  CPU LIM  MEM REQ  MEM LIM  GPUS",
        "--------------------------------  ----  -------  -------  -------  -------  ----",
        "a                                    5      0.5      2.2    640Mi    2.5Gi     0",
        "b                                    4     1.35      3.2    2.3Gi    5.1Gi     1",
        "c                                    2     0.02      0.2     64Mi    128Mi     0",
        "--------------------------------  ----  -------  -------  -------  -------  ----",
        "TOTAL                               11     1.87      5.6      3Gi    7.8Gi     1",
        "CLUSTER (2 nodes x 8 CPU / 16Gi)             16       16     32Gi     32Gi     1",
        "REQUESTED (% of cluster)                    12%      35%       9%      24%  100%",
        "AT HPA MAX                          14     2.17             3.4Gi              1",
      ].join("\n"),
    );
  });
});

describe("fit against a cluster profile", () => {
  const demands = demandFromManifests(OBJECTS);
  const gpuLaptop: ClusterProfile = { nodes: 2, nodeCpu: "8", nodeMemory: "16Gi", gpuNodes: 1, gpusPerNode: 1 };
  const demand = (workload: string, pods: number, cpuMilli: number, memoryBytes: number, gpus = 0): WorkloadDemand => ({
    namespace: "x",
    workload,
    kind: "Deployment",
    pods,
    perPod: { requests: amounts(cpuMilli, memoryBytes, gpus), limits: amounts(cpuMilli * 4, memoryBytes * 4, gpus) },
  });

  test("fits: limits far above the cluster are overcommit, not a problem", () => {
    expect(checkFit([...demands, demand("greedy", 1, 100, Mi)].map((d) => ({ ...d, perPod: { ...d.perPod, limits: amounts(64000, 256 * Gi) } })), gpuLaptop)).toEqual([]);
  });

  test("totals over the cluster fail with the numbers", () => {
    expect(checkFit(demands, { nodes: 1, nodeCpu: "1", nodeMemory: "2Gi", gpuNodes: 1, gpusPerNode: 1 })).toEqual([
      "CPU requests total 1.87 but the cluster has 1 (1 node x 1 CPU / 2Gi): 0.87 over",
      "memory requests total 3Gi but the cluster has 2Gi (1 node x 1 CPU / 2Gi): 1Gi over",
    ]);
  });

  test("a pod larger than any node can never be scheduled, even when the cluster total is large enough", () => {
    expect(checkFit([demand("big", 1, 10_000, 20 * Gi)], { ...MINIKUBE_PROFILE, nodes: 4 })).toEqual([
      "x/big (Deployment): one pod requests 10 CPU but a node has 8: it can never be scheduled",
      "x/big (Deployment): one pod requests 20Gi memory but a node has 16Gi: it can never be scheduled",
    ]);
  });

  test("GPU demand on a profile with no GPU nodes names the workload", () => {
    expect(checkFit(demands, MINIKUBE_PROFILE)).toEqual(["b/smoke (Job): one pod requests 1 GPU but the cluster profile has no GPU nodes"]);
  });

  test("GPU totals and GPUs per node", () => {
    expect(checkFit([demand("train", 3, 100, Mi, 1), demand("huge", 1, 100, Mi, 4)], { ...gpuLaptop, gpusPerNode: 2 })).toEqual([
      "GPU requests total 7 but the cluster has 2 (1 GPU node x 2)",
      "x/huge (Deployment): one pod requests 4 GPUs but a GPU node has 2: it can never be scheduled",
    ]);
  });

  test("tainted GPU nodes: pods without GPUs must fit on the other nodes (the totals alone would count the GPU nodes)", () => {
    const twoNodes = { nodes: 2, nodeCpu: "4", nodeMemory: "8Gi", gpuNodes: 1, gpusPerNode: 1 };
    const work = [demand("web", 5, 1000, Gi), demand("train", 1, 2000, 4 * Gi, 1)];
    // 7 CPU / 9Gi in all fits 2 x 4 CPU / 8Gi untainted...
    expect(checkFit(work, twoNodes)).toEqual([]);
    // ...but the 5 CPU / 5Gi of the web pods cannot use the tainted GPU node.
    expect(checkFit(work, twoNodes, true)).toEqual(["CPU requests of pods without GPUs total 5 but GPU nodes are tainted (gpuTolerations), so pods without GPUs have 1 node with 4: 1 over"]);
    expect(checkFit(work, { ...twoNodes, nodes: 1 }, true)).toContain("pods without GPUs request 5 CPU but every node is a GPU node and GPU nodes are tainted (gpuTolerations)");
  });

  test("workloads scaled to zero are not checked per pod", () => {
    expect(checkFit([demand("off", 0, 100_000, Mi)], MINIKUBE_PROFILE)).toEqual([]);
  });

  test("a malformed profile is reported instead of a fit", () => {
    expect(profileProblems(MINIKUBE_PROFILE)).toEqual([]);
    expect(checkFit(demands, { nodes: 1, nodeCpu: "8 cores", nodeMemory: "0", gpuNodes: 2, gpusPerNode: 1 })).toEqual([
      "cluster profile: gpuNodes must be a whole number from 0 to nodes (1) (got 2)",
      'cluster profile: nodeCpu: invalid CPU quantity "8 cores": expected a non-negative Kubernetes quantity such as "250m", "2", "512Mi", "1Gi" or "1e3"',
      'cluster profile: nodeMemory must be more than 0 (got "0")',
    ]);
  });
});

describe("e2e fake nodes from a cluster profile", () => {
  const gpu = { labels: { "nvidia.com/gpu.present": "true" }, taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }], resourceName: "nvidia.com/gpu" };
  const baseLabels = (name: string) => ({
    type: "kwok",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/os": "linux",
    "kubernetes.io/hostname": name,
    "topology.kubernetes.io/zone": "e2e-a",
    "llm-platform/e2e-node": "true",
  });
  const annotations = { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" };
  const nodeInfo = { architecture: "amd64", operatingSystem: "linux", kubeletVersion: "v1.34.4" };

  test("the minikube profile is one 8 CPU / 16Gi node", () => {
    const status = { cpu: "8", memory: "16Gi", "ephemeral-storage": "100Gi", pods: "110" };
    expect(nodeManifests(MINIKUBE_PROFILE, gpu, "v1.34.4")).toEqual([
      { apiVersion: "v1", kind: "Node", metadata: { name: "e2e-node-1", annotations, labels: baseLabels("e2e-node-1") }, spec: {}, status: { allocatable: status, capacity: status, nodeInfo } },
    ]);
  });

  test("GPU nodes carry the GPU capacity, labels and taints; the others do not", () => {
    const nodes = nodeManifests({ nodes: 3, nodeCpu: "4", nodeMemory: "8Gi", gpuNodes: 1, gpusPerNode: 2 }, gpu, "v1.34.4");
    expect(nodes.map((n) => n.metadata.name)).toEqual(["e2e-node-1", "e2e-node-2", "e2e-gpu-1"]);
    const status = { cpu: "4", memory: "8Gi", "ephemeral-storage": "100Gi", pods: "110", "nvidia.com/gpu": "2" };
    expect(nodes[2]).toEqual({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "e2e-gpu-1", annotations, labels: { ...baseLabels("e2e-gpu-1"), "nvidia.com/gpu.present": "true" } },
      spec: { taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] },
      status: { allocatable: status, capacity: status, nodeInfo },
    });
    expect(nodes[1].spec).toEqual({});
    expect(nodes[1].status.capacity).not.toHaveProperty("nvidia.com/gpu");
    expect(nodes[1].metadata.labels).not.toHaveProperty("nvidia.com/gpu.present");
  });

  test("a bad profile makes no nodes", () => {
    expect(() => nodeManifests({ ...MINIKUBE_PROFILE, nodes: 0, gpuNodes: 0 }, gpu)).toThrow("nodes must be a whole number >= 1 (got 0)");
  });

  test("cluster.sh's default nodes carry the same marker label and kwok annotation", () => {
    const script = fs.readFileSync(path.join(ROOT, "tests/e2e/cluster.sh"), "utf8");
    expect(script).toContain(`    ${FAKE_NODE_LABEL}: "true"\n`);
    expect(script).toContain("    kwok.x-k8s.io/node: fake\n");
    expect(script).toContain("--manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake");
  });

  test("replaceNodes deletes only the marked nodes, creates the new ones and waits for them Ready", () => {
    const calls: string[][] = [];
    let created: unknown;
    const kubectl: Kubectl = (args) => {
      calls.push(args);
      if (args[0] === "create") created = fs.readFileSync(args[2], "utf8").split("\n---\n").map((doc) => JSON.parse(doc) as unknown);
      return { code: 0, out: "" };
    };
    const nodes = nodeManifests({ ...MINIKUBE_PROFILE, nodes: 2, gpuNodes: 1 }, gpu, "v1.34.4");
    replaceNodes(nodes, kubectl, "30s");
    expect(calls.map((c) => (c[0] === "create" ? ["create", "-f", "<file>"] : c))).toEqual([
      ["delete", "node", "-l", "llm-platform/e2e-node=true", "--ignore-not-found", "--wait=true", "--timeout=30s"],
      ["create", "-f", "<file>"],
      ["wait", "--for=condition=Ready", "node", "-l", "llm-platform/e2e-node=true", "--timeout=30s"],
    ]);
    expect(created).toEqual(nodes); // one JSON document per node in a YAML stream
    expect(fs.existsSync(calls[1][2])).toBe(false); // the temporary file is gone
  });

  test("replaceNodes refuses a node without the marker (it could never be replaced again)", () => {
    const [node] = nodeManifests(MINIKUBE_PROFILE, gpu, "v1.34.4");
    const unmarked = { ...node, metadata: { ...node.metadata, labels: { type: "kwok" } } };
    expect(() => replaceNodes([unmarked], () => ({ code: 0, out: "" }))).toThrow("nodes without llm-platform/e2e-node=true: e2e-node-1");
  });
});
