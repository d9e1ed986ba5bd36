/**
 * The pods the llm-stack suite runs, from the same sizes the sections build them with (the seed's table,
 * the resource profile for Postgres and the stores), for the capacity check before anything is created.
 */
import type { PlatformConfig } from "../../config/platform";
import type { WorkloadDemand } from "../../lib/capacity";
import { workloadDemand } from "../../lib/demand";
import { resources } from "../../lib/resources";
import { GATE_SIZE } from "../../workloads/waitFor";
import { modelFetchDemand } from "../../workloads/modelFetch";
import type { LlmStackConfig } from "./config";
import { modelWorkload } from "./models";
import { modelResources } from "./modelServers";
import { NAMES, SEED_RESOURCES } from "./names";

export function llmStackDemand(cfg: LlmStackConfig, platform: PlatformConfig): WorkloadDemand[] {
  const ns = cfg.namespace;
  const gate = resources(platform.resourceProfile, GATE_SIZE);
  const d = (workload: string, kind: string, containers: Parameters<typeof workloadDemand>[0]["containers"], initContainers: Parameters<typeof workloadDemand>[0]["initContainers"] = [], pods = 1) =>
    workloadDemand({ namespace: ns, workload, kind, containers, initContainers, pods, gpuResourceName: platform.gpu.resourceName });
  return [
    d(NAMES.postgres, "StatefulSet", [resources(platform.resourceProfile, "medium")]),
    d(NAMES.redis, "StatefulSet", [resources(platform.resourceProfile, "small")]),
    d(NAMES.qdrant, "Deployment", [SEED_RESOURCES.qdrant]),
    d(NAMES.litellm, "Deployment", [SEED_RESOURCES.litellm], [gate], cfg.replicas.litellm),
    d(NAMES.r2r, "Deployment", [SEED_RESOURCES.r2r], [gate], cfg.replicas.r2r),
    d(NAMES.openwebui, "Deployment", [SEED_RESOURCES.openwebui], [gate]),
    d(NAMES.reactClient, "Deployment", [SEED_RESOURCES.reactClient], [], cfg.replicas.reactClient),
    // LiteLLM's database and keys Jobs (each counted once).
    d(NAMES.gatewayDb, "Job", [resources(platform.resourceProfile, "tiny")]),
    d(NAMES.gatewayKeys, "Job", [resources(platform.resourceProfile, "tiny")]),
    // Each local model's server (its download or copy runs before it, smaller), with its GPUs.
    ...cfg.localModels.flatMap((m) => {
      // llama.cpp: its download Job (with a claim) and the server's wait; vLLM: the copy from the object store.
      const fetch = m.server === "llamacpp" ? modelFetchDemand(ns, modelWorkload(m), platform.resourceProfile, platform.persistence) : { init: resources(platform.resourceProfile, "small"), jobs: [] };
      return [d(modelWorkload(m), "Deployment", [modelResources(m, platform.gpu.resourceName)], [fetch.init]), ...fetch.jobs];
    }),
  ];
}
