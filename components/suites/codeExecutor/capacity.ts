/** The pods the code-executor suite runs: llm-service's fixed replicas and executor-service's HPA range. */
import type { PlatformConfig } from "../../config/platform";
import type { WorkloadDemand } from "../../lib/capacity";
import { workloadDemand } from "../../lib/demand";
import type { CodeExecutorConfig } from "./config";
import { NAMES, SEED_RESOURCES } from "./names";

/**
 * Heavy Jobs are not standing pods: the quota bounds them (decisions.ts executorQuota), and a heavy Job that
 * does not fit waits in the scheduler instead of failing the stack.
 */
export function codeExecutorDemand(cfg: CodeExecutorConfig, _platform: PlatformConfig): WorkloadDemand[] {
  return [
    workloadDemand({ namespace: cfg.namespace, workload: NAMES.llm, kind: "Deployment", containers: [SEED_RESOURCES.llm], pods: cfg.llmReplicas }),
    workloadDemand({ namespace: cfg.namespace, workload: NAMES.executor, kind: "Deployment", containers: [SEED_RESOURCES.executor], pods: cfg.executor.min, maxPods: cfg.executor.max }),
  ];
}
