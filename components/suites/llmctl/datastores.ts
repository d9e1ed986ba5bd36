/** Section: Postgres, Redis, ChromaDB and the shared studio data volume. */
import * as k8s from "@pulumi/kubernetes";
import { standardLabels } from "../../lib/labels";
import { serviceHost } from "../../platform/exposure";
import { chroma, postgres, redis } from "../../workloads/datastores";
import { emptyDir, type Volume } from "../../workloads/pod";
import type { StatefulService } from "../../workloads/statefulService";
import { childOpts, type SuiteContext, workloadOpts } from "../context";
import type { LlmctlConfig } from "./config";
import type { LlmctlImage } from "./images";
import { CHROMA_AUTH, NAMES, POSTGRES, REDIS_AUTH, SIZES } from "./names";
import type { StudioSecrets } from "./secrets";

export interface Datastores {
  readonly postgres: StatefulService;
  /** In-cluster host names, from the Service names (nothing waits on the Services). */
  readonly hosts: { readonly postgres: string; readonly redis: string; readonly chroma: string };
  /** The studio data volume: a PVC when persistence is on, else an emptyDir. */
  readonly dataVolume: Volume;
}

export function datastores(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig, secrets: StudioSecrets): Datastores {
  const common = { namespace: ctx.namespace, instance: ctx.instance, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets };
  const storage = (size: string) => ({ persistence: ctx.persistence, size, storageClass: ctx.storageClass });
  const pg = postgres(
    NAMES.postgres,
    {
      ...common,
      image: ctx.images.postgres,
      size: SIZES.postgres,
      storage: storage(cfg.storage.postgres),
      database: POSTGRES.database,
      user: POSTGRES.user,
      passwordSecret: { name: secrets.studio.secretName, key: POSTGRES.passwordKey },
      passwordChecksum: secrets.studio.checksum,
    },
    workloadOpts(ctx),
  );
  redis(
    NAMES.redis,
    {
      ...common,
      image: ctx.images.redis,
      size: SIZES.redis,
      storage: storage(cfg.storage.redis),
      auth: { configSecret: REDIS_AUTH.configSecret, checksum: secrets.redisConfig.checksum },
    },
    workloadOpts(ctx, [secrets.redisConfig]),
  );
  chroma(
    NAMES.chroma,
    {
      ...common,
      image: ctx.images.chromadb,
      size: SIZES.chroma,
      storage: storage(cfg.storage.chroma),
      auth: { proxyImage: ctx.images["chromadb-auth-proxy"], configSecret: CHROMA_AUTH.proxySecret, checksum: secrets.chromaProxy.checksum },
    },
    workloadOpts(ctx, [secrets.chromaProxy]),
  );
  return {
    postgres: pg,
    hosts: {
      postgres: serviceHost(NAMES.postgres, ctx.namespaceName),
      redis: serviceHost(NAMES.redis, ctx.namespaceName),
      chroma: serviceHost(NAMES.chroma, ctx.namespaceName),
    },
    dataVolume: dataVolume(ctx, cfg),
  };
}

/** Shared studio data (integration-managed credential files read by the Google MCP servers). */
function dataVolume(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig): Volume {
  // Without persistence the credentials cannot be shared; the Google MCP servers fall back to llmctl-mcp-secrets.
  if (!ctx.persistence) return emptyDir("studio-data", cfg.storage.data);
  new k8s.core.v1.PersistentVolumeClaim(
    NAMES.dataClaim,
    {
      metadata: { name: NAMES.dataClaim, namespace: ctx.namespace, labels: standardLabels(NAMES.dataClaim, ctx.instance, "storage") },
      spec: {
        accessModes: [cfg.storage.dataAccessMode],
        storageClassName: ctx.storageClass,
        resources: { requests: { storage: cfg.storage.data } },
      },
    },
    // dataProtection: the engine leaves the claim (and the credentials on it) when it deletes it.
    { ...childOpts(ctx), retainOnDelete: ctx.dataProtection },
  );
  // By name, not by the claim's output: the claim binds when its first consumer is scheduled
  // (WaitForFirstConsumer classes), so a consumer must never wait for the claim to be Bound.
  return { name: "studio-data", persistentVolumeClaim: { claimName: NAMES.dataClaim } };
}
