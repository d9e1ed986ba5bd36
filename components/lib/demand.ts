/**
 * Declared capacity: the pods a module will run, computed from the same sizes it builds them with, so the
 * stack parser can check the cluster profile before anything is created. A test compares these
 * declarations with the objects the program actually renders (tests/unit/capacity-wiring.test.ts).
 */
import { podAmounts, type WorkloadDemand } from "./capacity";
import type { Resources } from "./resources";

export interface DemandArgs {
  readonly namespace: string;
  readonly workload: string;
  /** Deployment, StatefulSet, Job or chart:<name>. */
  readonly kind: string;
  readonly containers: readonly Resources[];
  readonly initContainers?: readonly Resources[];
  /** Replicas, or the HPA minimum. @default 1 */
  readonly pods?: number;
  /** The HPA maximum, when autoscaled. */
  readonly maxPods?: number;
  /** @default nvidia.com/gpu */
  readonly gpuResourceName?: string;
}

export function workloadDemand(a: DemandArgs): WorkloadDemand {
  const perPod = podAmounts(
    { containers: a.containers.map(plain), initContainers: (a.initContainers ?? []).map(plain) },
    a.gpuResourceName ?? "nvidia.com/gpu",
  );
  return { namespace: a.namespace, workload: a.workload, kind: a.kind, pods: a.pods ?? 1, ...(a.maxPods ? { maxPods: a.maxPods } : {}), perPod };
}

/** One pod of a chart (or a Job) with the given container and init-container sizes. */
export function chartPodDemand(namespace: string, workload: string, kind: string, containers: readonly Resources[], initContainers: readonly Resources[] = []): WorkloadDemand {
  return workloadDemand({ namespace, workload, kind, containers, initContainers });
}

function plain(r: Resources): { requests: Record<string, string>; limits: Record<string, string> } {
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}
