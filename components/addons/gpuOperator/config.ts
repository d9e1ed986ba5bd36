/**
 * The NVIDIA GPU Operator's slice: installed when the platform schedules on GPUs (gpuEnabled) and the switch
 * is on. The platform's GPU keys stay the one source of truth: the operator's RuntimeClass is
 * gpuRuntimeClassName, its operands tolerate gpuTolerations, and gpuNodeSelector must select a label the
 * operator (through NFD and GPU Feature Discovery) puts on the GPU nodes.
 */
import type { Claims } from "../../config/claims";
import type { PlatformConfig } from "../../config/platform";
import type { ChartConfig, Reader } from "../../config/reader";
import { chartAddonKeys, type KeySpec } from "../../config/schema";

const group = "GPU operator";

export const GPU_OPERATOR_SCHEMA = {
  ...chartAddonKeys("gpuOperator", group, {
    enabled:
      "Install the NVIDIA GPU Operator (driver, container toolkit, device plugin, NFD, DCGM exporter) when gpuEnabled; false when the cluster already runs it or its nodes come GPU-ready.",
    chart: "gpu-operator",
    repo: "https://helm.ngc.nvidia.com/nvidia",
    version: "v26.7.0",
    namespace: "gpu-operator",
    namespaceWhat: "Namespace of the GPU operator, its operands and NFD.",
  }),
  gpuOperatorDriver: {
    type: "boolean",
    group,
    default: true,
    description: "Let the operator install the NVIDIA driver on GPU nodes (it downloads packages); false on nodes whose image ships the driver.",
  },
} as const satisfies Record<string, KeySpec>;

/**
 * Node labels the operator's stack sets on GPU nodes, so gpuNodeSelector can select them:
 * - `nvidia.com/gpu.present=true`: the operator's own NFD rule (every node with an NVIDIA PCI device);
 * - `feature.node.kubernetes.io/pci-10de.present=true`: NFD's PCI vendor label (0x10de is NVIDIA);
 * - `nvidia.com/gpu.<feature>` (product, memory, count, family, machine, ...): GPU Feature Discovery, any value.
 */
export const OPERATOR_NODE_LABELS: Readonly<Record<string, string>> = {
  "nvidia.com/gpu.present": "true",
  "feature.node.kubernetes.io/pci-10de.present": "true",
};
const GFD_PREFIX = "nvidia.com/gpu.";

/** Whether the operator's stack sets the label `key=value` on GPU nodes (pure, for tests). */
export function operatorSetsLabel(key: string, value: string): boolean {
  if (key in OPERATOR_NODE_LABELS) return OPERATOR_NODE_LABELS[key] === value;
  return key.startsWith(GFD_PREFIX) && key.length > GFD_PREFIX.length;
}

export interface GpuOperatorConfig {
  /** Install the chart: gpuEnabled and gpuOperatorEnabled. */
  readonly install: boolean;
  readonly chart: ChartConfig;
  readonly namespace: string;
  /** The operator installs the driver (driver.enabled). */
  readonly driver: boolean;
}

export function parseGpuOperator(r: Reader<typeof GPU_OPERATOR_SCHEMA>, platform: PlatformConfig): { config: GpuOperatorConfig; claims: Claims } {
  const gpu = platform.gpu;
  const install = gpu.enabled && r.get("gpuOperatorEnabled");
  const namespace = r.dnsLabel("gpuOperatorNamespace");
  if (install) {
    const off = "or set gpuOperatorEnabled: false if the cluster already runs the GPU operator";
    if (gpu.manageRuntimeClass) {
      r.problems.add("gpuManageRuntimeClass", `must be false when the GPU operator is installed (gpuOperatorEnabled and gpuEnabled): the operator creates the RuntimeClass ${gpu.runtimeClassName ?? "nvidia"} itself, and one object cannot have two owners (${off})`);
    }
    if (gpu.runtimeClassName === undefined) {
      r.problems.add("gpuRuntimeClassName", `is required when the GPU operator is installed: it names the RuntimeClass the operator creates for its container toolkit, such as nvidia (${off})`);
    }
    for (const [key, value] of Object.entries(gpu.nodeSelector)) {
      if (operatorSetsLabel(key, value)) continue;
      r.problems.add(
        "gpuNodeSelector",
        `selects ${key}=${value}, which neither the GPU operator nor NFD sets; allowed with the operator: nvidia.com/gpu.present=true, feature.node.kubernetes.io/pci-10de.present=true, or a GPU Feature Discovery label nvidia.com/gpu.<feature>=<value> (${off})`,
      );
    }
  }
  const config: GpuOperatorConfig = { install, chart: r.chart("gpuOperatorChartRepo", "gpuOperatorChartVersion"), namespace, driver: r.get("gpuOperatorDriver") };
  return { config, claims: { nodePorts: [], namespaces: install ? [{ key: "gpuOperatorNamespace", namespace }] : [] } };
}
