/**
 * Section: llmctl's ResourceQuota. The studio creates executor Jobs at run time (admission: platform/jobAdmission.ts
 * decides what they may be); the quota bounds how many: pods, Jobs, GPUs. It counts objects, not CPU or memory: a
 * requests/limits quota refuses every pod that sets none, and the studio's executor Jobs are the seed's to size.
 */
import * as k8s from "@pulumi/kubernetes";
import { standardLabels } from "../../lib/labels";
import { childOpts, type SuiteContext } from "../context";
import type { LlmctlConfig } from "./config";
import { runningMcpServers } from "./decisions";
import type { LlmctlImage } from "./images";

export const QUOTA_NAME = "llmctl-quota";
/** A CronJob keeps this many finished Jobs (platform/backups: 3 successful, 3 failed). */
const CRONJOB_HISTORY = 6;

export interface StudioQuota {
  readonly pods: number;
  readonly jobs: number;
  readonly gpus: number;
}

/**
 * The counts: the studio's own pods at their most (HPA maxima), one more per Deployment and StatefulSet for a
 * rollout's surge, the backup and drill pods (one of each per store at once), the smoke Job, and
 * llmctlExecutorJobsMax executor pods; Jobs: the executors' (kept until their TTL: twice as many), the backup
 * CronJobs' history, the smoke Job; GPUs: the executors' and the smoke Job's.
 */
export function studioQuota(cfg: LlmctlConfig, gpuPerJob: number, backedUpStores: number): StudioQuota {
  const most = (c: { replicas: number; maxReplicas: number }) => Math.max(c.replicas, c.maxReplicas);
  const deployments = [most(cfg.backend), most(cfg.frontend), cfg.celery.workerReplicas, 1, ...runningMcpServers(cfg).map(() => 1)];
  const statefulSets = 3;
  const own = deployments.reduce((a, b) => a + b, 0) + statefulSets;
  const surge = deployments.length + statefulSets;
  const smoke = cfg.executor.smokeTest ? 1 : 0;
  return {
    pods: own + surge + 2 * backedUpStores + smoke + cfg.executor.jobsMax,
    jobs: 2 * cfg.executor.jobsMax + 3 * backedUpStores * CRONJOB_HISTORY + smoke,
    gpus: gpuPerJob * (cfg.executor.jobsMax + smoke),
  };
}

export function quota(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig, backedUpStores: number): StudioQuota {
  const q = studioQuota(cfg, ctx.gpu.enabled ? ctx.gpu.limit : 0, backedUpStores);
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
