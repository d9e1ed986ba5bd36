/**
 * Section: executor plumbing (the backend's ServiceAccount and Role to run Jobs, the token-less executor
 * account, GPU placement) and the optional smoke Job that proves an executor pod can run (on a GPU node
 * when GPUs are on).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import { resources } from "../../lib/resources";
import { ExecutorPlumbing } from "../../platform/executor";
import { jobAdmission } from "../../platform/jobAdmission";
import { type GpuPlacement, gpuPlacement } from "../../platform/gpu";
import { buildPodSpec } from "../../workloads/pod";
import { childOpts, type SuiteContext, workloadOpts } from "../context";
import type { LlmctlConfig } from "./config";
import type { LlmctlImage } from "./images";
import { MCP_SERVERS } from "./mcp";
import { NAMES, SIZES } from "./names";

/** Creates the plumbing and the admission of the studio's Jobs; returns it (pods that run as its accounts are created after it). */
export function executorPlumbing(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig): ExecutorPlumbing {
  // llmctl runs at Pod Security baseline (the studio builds executor Jobs without a securityContext): the rest holds.
  jobAdmission(
    {
      namespace: ctx.namespaceName,
      instance: ctx.instance,
      creators: [NAMES.controllerServiceAccount],
      executorServiceAccount: NAMES.executorServiceAccount,
      workloadNames: [NAMES.backend, NAMES.frontend, NAMES.worker, NAMES.beat, NAMES.redis, NAMES.postgres, NAMES.chroma, ...MCP_SERVERS.map((m) => m.name)],
      secrets: cfg.executor.secrets,
      secretsKey: "llmctlExecutorSecrets",
      restricted: false,
      hostPaths: cfg.executor.liveCodeHostPath ? [cfg.executor.liveCodeHostPath] : [],
    },
    childOpts(ctx),
  );
  return new ExecutorPlumbing(
    NAMES.executor,
    {
      namespace: ctx.namespace,
      instance: ctx.instance,
      controllerServiceAccount: NAMES.controllerServiceAccount,
      executorServiceAccount: NAMES.executorServiceAccount,
      gpu: ctx.gpu,
      imagePullSecrets: ctx.imagePullSecrets,
    },
    childOpts(ctx),
  );
}

export function smokeJob(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig, plumbing: pulumi.Resource): void {
  const labels = standardLabels(NAMES.smokeJob, ctx.instance, "executor");
  new k8s.batch.v1.Job(
    NAMES.smokeJob,
    {
      metadata: { name: NAMES.smokeJob, namespace: ctx.namespace, labels },
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: cfg.executor.jobTtlSeconds,
        template: { metadata: { labels }, spec: smokePodSpec(ctx, gpuPlacement(ctx.gpu)) },
      },
    },
    workloadOpts(ctx, [plumbing]),
  );
}

function smokePodSpec(ctx: SuiteContext<LlmctlImage>, placement: GpuPlacement): pulumi.Output<k8s.types.input.core.v1.PodSpec> {
  const base = resources(ctx.profile, SIZES.smoke);
  return buildPodSpec({
    profile: ctx.profile,
    restartPolicy: "Never",
    serviceAccountName: NAMES.executorServiceAccount,
    imagePullSecrets: ctx.imagePullSecrets,
    nodeSelector: placement.nodeSelector,
    tolerations: placement.tolerations,
    runtimeClassName: placement.runtimeClassName,
    containers: [
      {
        name: "smoke",
        image: ctx.images["llmctl-executor-frontier"],
        command: ["python", "-c", "import platform; print('llmctl executor smoke: ok', platform.python_version())"],
        size: SIZES.smoke,
        // The GPU limit (when on) proves the pod lands on a GPU node with the device plugin.
        resourcesOverride: { requests: base.requests, limits: { ...base.limits, ...(placement.limits ?? {}) } },
      },
    ],
  });
}
