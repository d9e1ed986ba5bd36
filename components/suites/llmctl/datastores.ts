/** Section: Postgres, Redis, ChromaDB and the shared studio data volume. */
import { serviceHost } from "../../platform/exposure";
import { chroma, postgres, redis } from "../../workloads/datastores";
import type { Volume } from "../../workloads/pod";
import type { StatefulService } from "../../workloads/statefulService";
import { dataVolume, type SuiteContext, workloadOpts } from "../context";
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
    // Shared studio data (integration-managed credential files read by the Google MCP servers). Without persistence
    // the credentials cannot be shared; the Google MCP servers fall back to llmctl-mcp-secrets.
    dataVolume: dataVolume(ctx, { claim: NAMES.dataClaim, volume: "studio-data", size: cfg.storage.data, accessMode: cfg.storage.dataAccessMode }),
  };
}

