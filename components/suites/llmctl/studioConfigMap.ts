/**
 * Section: the studio ConfigMap and what every studio process shares (envFrom, scratch and live-code
 * volumes, checksums that roll pods when config changes).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { checksum } from "../../lib/checksum";
import { standardLabels } from "../../lib/labels";
import { gpuPlacement } from "../../platform/gpu";
import { CHROMA_PORT, POSTGRES_PORT, REDIS_PORT } from "../../workloads/datastores";
import { emptyDir, type Volume, type VolumeMount } from "../../workloads/pod";
import { childOpts, type SuiteContext } from "../context";
import type { LlmctlConfig } from "./config";
import type { Datastores } from "./datastores";
import { mcpEndpoints } from "./decisions";
import type { LlmctlImage } from "./images";
import { LIVE_CODE_MOUNT, NAMES, POSTGRES, REDIS_AUTH } from "./names";
import type { StudioSecrets } from "./secrets";
import { studioConfigData } from "./studioConfig";

export interface StudioShared {
  /** ConfigMap, studio Secret, optional MCP Secret: what studio pods read at start. */
  readonly envFrom: k8s.types.input.core.v1.EnvFromSource[];
  /** The objects behind envFrom: a studio pod is created after them (config level of the create chain). */
  readonly configObjects: readonly pulumi.Resource[];
  /** checksum/* annotations: a change of the ConfigMap or a Secret rolls the studio pods. */
  readonly checksums: Record<string, pulumi.Input<string>>;
  readonly tmp: Volume;
  readonly tmpMount: VolumeMount;
  /** The live-code hostPath (dev only), empty when off. */
  readonly liveCodeVolumes: Volume[];
  readonly liveCodeMounts: VolumeMount[];
}

export function studioConfigMap(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig, secrets: StudioSecrets, stores: Datastores): StudioShared {
  const liveCode = cfg.executor.liveCodeHostPath;
  const data = studioConfigData({
    namespace: ctx.namespaceName,
    postgres: { host: stores.hosts.postgres, port: POSTGRES_PORT, database: POSTGRES.database, user: POSTGRES.user },
    chroma: { host: stores.hosts.chroma, port: CHROMA_PORT },
    redis: { host: stores.hosts.redis, port: REDIS_PORT },
    mcpWait: cfg.mcpWait,
    mcpEndpoints: Object.values(mcpEndpoints(cfg)),
    executor: {
      frontierImage: ctx.images["llmctl-executor-frontier"],
      vllmImage: ctx.images["llmctl-executor-vllm"],
      serviceAccount: NAMES.executorServiceAccount,
      gpuLimit: ctx.gpu.enabled ? ctx.gpu.limit : 0,
      gpuResourceName: ctx.gpu.resourceName,
      jobTtlSeconds: cfg.executor.jobTtlSeconds,
      imagePullSecrets: ctx.imagePullSecrets,
      liveCodeHostPath: liveCode,
      placement: gpuPlacement(ctx.gpu),
    },
  });
  const configMap = new k8s.core.v1.ConfigMap(
    NAMES.configMap,
    { metadata: { name: NAMES.configMap, namespace: ctx.namespace, labels: standardLabels(NAMES.configMap, ctx.instance, "config") }, data },
    childOpts(ctx),
  );
  return {
    envFrom: [
      { configMapRef: { name: NAMES.configMap } },
      { secretRef: { name: NAMES.studioSecret } },
      { secretRef: { name: REDIS_AUTH.brokerSecret } },
      { secretRef: { name: NAMES.mcpSecret, optional: true } },
    ],
    configObjects: [configMap, secrets.studio, secrets.broker, ...(secrets.mcp ? [secrets.mcp] : [])],
    checksums: {
      config: checksum(data),
      secret: secrets.studio.checksum,
      broker: secrets.broker.checksum,
      ...(secrets.mcp ? { "mcp-secret": secrets.mcp.checksum } : {}),
    },
    tmp: emptyDir("tmp"),
    tmpMount: { name: "tmp", mountPath: "/tmp" },
    liveCodeVolumes: liveCode ? [{ name: "live-code", hostPath: { path: liveCode, type: "Directory" } }] : [],
    liveCodeMounts: liveCode ? [{ name: "live-code", mountPath: LIVE_CODE_MOUNT }] : [],
  };
}
