/**
 * Section: llmctl's ResourceQuota. The studio creates executor Jobs at run time (admission: platform/jobAdmission.ts
 * decides what they may be); the quota bounds how many: pods, Jobs, GPUs. It counts objects, not CPU or memory: a
 * requests/limits quota refuses every pod that sets none, and the studio's executor Jobs are the seed's to size.
 */
import * as k8s from "@pulumi/kubernetes";
import type { WorkloadDemand } from "../../lib/capacity";
import { standardLabels } from "../../lib/labels";
import { CRONJOB_KEPT_JOBS } from "../../workloads/cronJob";
import { childOpts, type SuiteContext } from "../context";
import type { LlmctlConfig } from "./config";
import { llmctlDemand } from "./capacity";
import type { LlmctlImage } from "./images";

export const QUOTA_NAME = "llmctl-quota";

export interface StudioQuota {
  readonly pods: number;
  readonly jobs: number;
  readonly gpus: number;
}

/**
 * The counts, from the studio's own demand (capacity.ts, what the capacity check counts): its pods at their most
 * (HPA maxima) and the smoke Job, one more per running Deployment and StatefulSet for a rollout's surge, the backup
 * and drill pods (one of each per store at once) and llmctlExecutorJobsMax executor pods; Jobs: the executors'
 * (kept until their TTL: twice as many), the backup CronJobs' kept history, the smoke Job; GPUs: the executors' and
 * the smoke Job's.
 */
export function studioQuota(cfg: LlmctlConfig, demand: readonly WorkloadDemand[], gpuPerJob: number, backedUpStores: number): StudioQuota {
  const most = (d: WorkloadDemand) => d.maxPods ?? d.pods;
  const own = demand.reduce((n, d) => n + most(d), 0);
  const surge = demand.filter((d) => (d.kind === "Deployment" || d.kind === "StatefulSet") && most(d) > 0).length;
  const smoke = cfg.executor.smokeTest ? 1 : 0;
  return {
    pods: own + surge + 2 * backedUpStores + cfg.executor.jobsMax,
    jobs: 2 * cfg.executor.jobsMax + 3 * backedUpStores * CRONJOB_KEPT_JOBS + smoke,
    gpus: gpuPerJob * (cfg.executor.jobsMax + smoke),
  };
}

export function quota(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig, backedUpStores: number): StudioQuota {
  const q = studioQuota(cfg, llmctlDemand(cfg, { resourceProfile: ctx.profile, gpu: ctx.gpu }), ctx.gpu.enabled ? ctx.gpu.limit : 0, backedUpStores);
  new k8s.core.v1.ResourceQuota(
    QUOTA_NAME,
    {
      metadata: { name: QUOTA_NAME, namespace: ctx.namespace, labels: standardLabels(QUOTA_NAME, ctx.instance, "policy") },
      spec: { hard: { pods: String(q.pods), "count/jobs.batch": String(q.jobs), [`requests.${ctx.gpu.resourceName}`]: String(q.gpus) } },
    },
    childOpts(ctx),
  );
  return q;
}
