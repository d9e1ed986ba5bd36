/**
 * The e2e cluster's fake nodes, sized by a stack's cluster profile (components/lib/capacity.ts), so the real
 * scheduler proves the packing that the capacity check can only bound by totals. The objects are the ones
 * tests/e2e/cluster.sh makes by default (same kwok annotation, labels, status), one per profile node.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type ClusterProfile, profileProblems } from "../../components/lib/capacity";

/**
 * Marks the fake nodes cluster.sh and this file make, so replaceNodes deletes those and nothing else (a node
 * from E2E_NODES_FILE without it, or a real node, is left alone). cluster.sh's default_nodes sets it too.
 */
export const FAKE_NODE_LABEL = "llm-platform/e2e-node";
export const FAKE_NODE_VALUE = "true";

export interface GpuNodeShape {
  /** Labels a GPU node carries (e.g. nvidia.com/gpu.present: "true", what gpuNodeSelector selects). */
  readonly labels: Readonly<Record<string, string>>;
  /** Taints a GPU node carries (what gpuTolerations tolerate). */
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
  /** The extended resource the device plugin would advertise (gpuResourceName). */
  readonly resourceName: string;
}

export interface NodeManifest {
  readonly apiVersion: "v1";
  readonly kind: "Node";
  readonly metadata: {
    readonly name: string;
    readonly annotations: Readonly<Record<string, string>>;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly spec: { readonly taints?: readonly { readonly key: string; readonly value?: string; readonly effect: string }[] };
  readonly status: {
    readonly allocatable: Readonly<Record<string, string>>;
    readonly capacity: Readonly<Record<string, string>>;
    readonly nodeInfo: { readonly architecture: string; readonly operatingSystem: string; readonly kubeletVersion: string };
  };
}

/**
 * One Node per profile node: e2e-node-1.. for the CPU-only nodes and e2e-gpu-1.. for the `gpuNodes` GPU nodes,
 * which add the GPU capacity, labels and taints. Allocatable equals capacity: a fake node reserves nothing
 * for a kubelet or system daemons. `kubeletVersion` defaults to the toolchain's E2E_K8S_VERSION, as cluster.sh.
 */
export function nodeManifests(profile: ClusterProfile, gpu: GpuNodeShape, kubeletVersion = process.env.E2E_K8S_VERSION ?? "v0.0.0"): NodeManifest[] {
  const problems = profileProblems(profile);
  if (problems.length > 0) throw new Error(`cannot make nodes for this profile:\n  ${problems.join("\n  ")}`);
  // The profile's own strings: profileProblems has checked them with the Kubernetes quantity grammar.
  const cpu = profile.nodeCpu;
  const memory = profile.nodeMemory;
  const make = (name: string, isGpu: boolean): NodeManifest => {
    // kwok reports what status says; "pods: 110" is the kubelet default the scheduler counts against.
    const resources = { cpu, memory, "ephemeral-storage": "100Gi", pods: "110", ...(isGpu ? { [gpu.resourceName]: String(profile.gpusPerNode) } : {}) };
    return {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        // kwok manages only nodes with this annotation (cluster.sh starts kwok with that selector); the ttl
        // (the kubelet's object cache TTL, meaningless for a fake kubelet) is what kwok's own examples set.
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
        labels: {
          type: "kwok",
          "kubernetes.io/arch": "amd64",
          "kubernetes.io/os": "linux",
          "kubernetes.io/hostname": name,
          "topology.kubernetes.io/zone": "e2e-a",
          [FAKE_NODE_LABEL]: FAKE_NODE_VALUE,
          ...(isGpu ? gpu.labels : {}),
        },
      },
      spec: isGpu && gpu.taints.length > 0 ? { taints: gpu.taints.map((t) => ({ ...t })) } : {},
      status: {
        allocatable: resources,
        capacity: { ...resources },
        nodeInfo: { architecture: "amd64", operatingSystem: "linux", kubeletVersion },
      },
    };
  };
  const cpuNodes = profile.nodes - profile.gpuNodes;
  return [
    ...Array.from({ length: cpuNodes }, (_, i) => make(`e2e-node-${i + 1}`, false)),
    ...Array.from({ length: profile.gpuNodes }, (_, i) => make(`e2e-gpu-${i + 1}`, true)),
  ];
}

/** The e2e tests' kubectl runner (tests/e2e/cluster.e2e.test.ts has one of this shape). */
export type Kubectl = (args: string[], opts?: { allowFail?: boolean }) => { code: number; out: string };

/**
 * Swaps the cluster's fake nodes for `manifests`: deletes every node carrying FAKE_NODE_LABEL, creates the new
 * ones and waits until kwok reports them Ready. Call it before a stack's workloads are applied: pods bound to
 * a deleted node are garbage-collected by the controller manager and rescheduled only later.
 */
export function replaceNodes(manifests: readonly NodeManifest[], kubectl: Kubectl, timeout = "60s"): void {
  const unmarked = manifests.filter((m) => m.metadata.labels[FAKE_NODE_LABEL] !== FAKE_NODE_VALUE).map((m) => m.metadata.name);
  // An unmarked node could never be replaced again; refuse it now rather than leak it into the next stack.
  if (unmarked.length > 0) throw new Error(`replaceNodes: nodes without ${FAKE_NODE_LABEL}=${FAKE_NODE_VALUE}: ${unmarked.join(", ")}`);
  const selector = `${FAKE_NODE_LABEL}=${FAKE_NODE_VALUE}`;
  kubectl(["delete", "node", "-l", selector, "--ignore-not-found", "--wait=true", `--timeout=${timeout}`]);
  if (manifests.length === 0) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-nodes-"));
  try {
    const file = path.join(dir, "nodes.yaml");
    // One JSON document per node in a YAML stream: no YAML library needed, and unlike a v1 List each object is
    // validated by the API server (kubectl checks a List against its client-side schema, which rejects the
    // nodeInfo fields a real kubelet would fill and kwok does not need).
    fs.writeFileSync(file, manifests.map((m) => JSON.stringify(m)).join("\n---\n"));
    // `create`, not `apply`: status is kept only when a Node is created (an update ignores it), so a leftover
    // node of the same name without our label must fail loudly instead of keeping its old size.
    kubectl(["create", "-f", file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  kubectl(["wait", "--for=condition=Ready", "node", "-l", selector, `--timeout=${timeout}`]);
}
