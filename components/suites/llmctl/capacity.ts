/**
 * The pods the llmctl suite runs, declared from the same sizes and replica settings the sections build
 * them with (names.ts SIZES, the config's replicas), for the capacity check before anything is created.
 * tests/unit/capacity-wiring.test.ts compares this declaration with the rendered objects.
 */
import type { PlatformConfig } from "../../config/platform";
import type { WorkloadDemand } from "../../lib/capacity";
import { workloadDemand } from "../../lib/demand";
import { resources, type Size } from "../../lib/resources";
import { gpuPlacement } from "../../platform/gpu";
import { GATE_SIZE } from "../../workloads/waitFor";
import type { LlmctlConfig } from "./config";
import { runningMcpServers } from "./decisions";
import { MCP_SERVERS } from "./mcp";
import { NAMES, SIZES } from "./names";

/** The sizes come from the resource profile, the GPUs from the GPU settings: nothing else of the platform. */
export function llmctlDemand(cfg: LlmctlConfig, platform: Pick<PlatformConfig, "resourceProfile" | "gpu">): WorkloadDemand[] {
  const r = (size: Size) => resources(platform.resourceProfile, size);
  const ns = cfg.namespace;
  const gate = r(GATE_SIZE);
  const backendGates = cfg.mcpWait.enabled ? [gate, gate] : [gate];
  const hpa = (c: { replicas: number; maxReplicas: number }) => ({ pods: c.replicas, ...(c.maxReplicas > 0 ? { maxPods: c.maxReplicas } : {}) });
  const deployment = (workload: string, size: Size, extra: Partial<Parameters<typeof workloadDemand>[0]> = {}) =>
    workloadDemand({ namespace: ns, workload, kind: "Deployment", containers: [r(size)], ...extra });
  const statefulSet = (workload: string, size: Size, sidecars: Size[] = []) => workloadDemand({ namespace: ns, workload, kind: "StatefulSet", containers: [r(size), ...sidecars.map(r)] });
  const running = new Set(runningMcpServers(cfg).map((s) => s.name));
  const demands = [
    deployment(NAMES.backend, SIZES.backend, { initContainers: backendGates, ...hpa(cfg.backend) }),
    deployment(NAMES.frontend, SIZES.frontend, hpa(cfg.frontend)),
    deployment(NAMES.worker, SIZES.worker, { initContainers: [gate], pods: cfg.celery.workerReplicas }),
    deployment(NAMES.beat, SIZES.beat, { initContainers: [gate] }),
    ...MCP_SERVERS.map((s) => deployment(s.name, SIZES.mcp, { pods: running.has(s.name) ? 1 : 0 })),
    statefulSet(NAMES.postgres, SIZES.postgres),
    statefulSet(NAMES.redis, SIZES.redis),
    statefulSet(NAMES.chroma, SIZES.chroma, [SIZES.chromaProxy]),
  ];
  if (cfg.executor.smokeTest) {
    const base = r(SIZES.smoke);
    const gpu = gpuPlacement(platform.gpu).limits ?? {};
    demands.push(
      workloadDemand({
        namespace: ns,
        workload: NAMES.smokeJob,
        kind: "Job",
        containers: [{ requests: base.requests, limits: { ...base.limits, ...gpu } }],
        gpuResourceName: platform.gpu.resourceName,
      }),
    );
  }
  return demands;
}
