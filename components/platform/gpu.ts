/** GPU settings of the platform (arg type of the executor plumbing and of every GPU-placed pod). */
import type * as k8s from "@pulumi/kubernetes";

export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: (typeof TAINT_EFFECTS)[number];
}

export interface GpuConfig {
  readonly enabled: boolean;
  /** GPUs per executor Job; 0 when disabled. */
  readonly limit: number;
  readonly resourceName: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** undefined: the node's default runtime. */
  readonly runtimeClassName?: string;
  readonly manageRuntimeClass: boolean;
}

/** Pod placement of GPU executor pods. */
export interface GpuPlacement {
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: k8s.types.input.core.v1.Toleration[];
  readonly runtimeClassName?: string;
  readonly limits?: Record<string, string>;
}

export function gpuPlacement(gpu: GpuConfig): GpuPlacement {
  if (!gpu.enabled) return {};
  return {
    nodeSelector: Object.keys(gpu.nodeSelector).length > 0 ? { ...gpu.nodeSelector } : undefined,
    tolerations: gpu.tolerations.length > 0 ? gpu.tolerations.map((t) => ({ ...t })) : undefined,
    runtimeClassName: gpu.runtimeClassName,
    limits: { [gpu.resourceName]: String(gpu.limit) },
  };
}
