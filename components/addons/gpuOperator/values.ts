/**
 * The GPU operator's chart values (keys checked against NVIDIA/gpu-operator v26.7.0 deployments/gpu-operator
 * values.yaml) and the pods they make, for the capacity check.
 */
import type { WorkloadDemand } from "../../lib/capacity";
import { chartPodDemand, workloadDemand } from "../../lib/demand";
import { type Resources, resources, type ResourceProfile } from "../../lib/resources";
import type { GpuConfig } from "../../platform/gpu";
import type { GpuOperatorConfig } from "./config";

export const GPU_OPERATOR = {
  release: "gpu-operator",
  chart: "gpu-operator",
  /** The DCGM exporter's pods and metrics port (the operator's nvidia-dcgm-exporter DaemonSet). */
  dcgmPods: { app: "nvidia-dcgm-exporter" },
  dcgmPort: 9400,
  /** The driver DaemonSet's pods (ClusterPolicy driver, without the NVIDIADriver CRD). */
  driverPods: { app: "nvidia-driver-daemonset" },
} as const;

function sizes(profile: ResourceProfile): { operator: Resources; nfdMaster: Resources; nfdWorker: Resources; nfdGc: Resources } {
  return { operator: resources(profile, "small"), nfdMaster: resources(profile, "small"), nfdWorker: resources(profile, "tiny"), nfdGc: resources(profile, "tiny") };
}

/**
 * The operands' tolerations: each taint the platform's GPU pods tolerate, by key and effect whatever its
 * value (operator Exists), so the operands land on exactly the tainted GPU nodes the executors run on.
 */
export function operandTolerations(gpu: GpuConfig): Array<{ key: string; operator: "Exists"; effect: string }> {
  return gpu.tolerations.map((t) => ({ key: t.key, operator: "Exists", effect: t.effect }));
}

export interface GpuOperatorValuesArgs {
  readonly config: GpuOperatorConfig;
  readonly gpu: GpuConfig;
  readonly profile: ResourceProfile;
  /** The monitoring add-on is on (its ServiceMonitor CRD exists). */
  readonly monitoring: boolean;
}

export function gpuOperatorValues(a: GpuOperatorValuesArgs): Record<string, unknown> {
  const s = sizes(a.profile);
  const tolerations = operandTolerations(a.gpu);
  return {
    operator: {
      // One RuntimeClass, owned by the operator, named as the platform's GPU pods ask for it (gpuRuntimeClassName;
      // the parser rejects gpuManageRuntimeClass alongside). `operator.defaultRuntime` is gone in v26: not set.
      runtimeClass: a.gpu.runtimeClassName,
      resources: s.operator,
    },
    // Without platform tolerations the chart's default (nvidia.com/gpu:NoSchedule) stays; with them, the
    // operands tolerate exactly the taints the executor pods tolerate.
    ...(tolerations.length > 0 ? { daemonsets: { tolerations } } : {}),
    // false on nodes whose image ships the driver (gpuOperatorDriver); the toolkit, device plugin, NFD and CDI
    // stay at the chart's default (on).
    driver: { enabled: a.config.driver },
    // The DCGM exporter's ServiceMonitor needs the monitoring add-on's CRD; Prometheus picks it up from any namespace.
    dcgmExporter: { serviceMonitor: { enabled: a.monitoring } },
    "node-feature-discovery": {
      master: { resources: s.nfdMaster },
      gc: { resources: s.nfdGc },
      // The worker labels the nodes the operands are placed by: it must reach the tainted GPU nodes too.
      worker: { resources: s.nfdWorker, ...(tolerations.length > 0 ? { tolerations } : {}) },
    },
  };
}

/**
 * The operator and NFD's controller pods, and the NFD worker on every node. The operands (driver, toolkit,
 * device plugin, DCGM) keep the chart's unset requests: the driver build's memory peak is not ours to cap.
 */
export function gpuOperatorDemand(cfg: GpuOperatorConfig, profile: ResourceProfile, nodes: number): WorkloadDemand[] {
  const s = sizes(profile);
  const kind = "chart:gpu-operator";
  return [
    chartPodDemand(cfg.namespace, "gpu-operator", kind, [s.operator]),
    chartPodDemand(cfg.namespace, "gpu-operator-node-feature-discovery-master", kind, [s.nfdMaster]),
    chartPodDemand(cfg.namespace, "gpu-operator-node-feature-discovery-gc", kind, [s.nfdGc]),
    workloadDemand({ namespace: cfg.namespace, workload: "gpu-operator-node-feature-discovery-worker", kind, containers: [s.nfdWorker], pods: nodes }),
  ];
}
