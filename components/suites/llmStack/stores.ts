/** Section: Postgres, Redis (password required) and Qdrant (API key required), each with its data volume. */
import { httpProbes } from "../../lib/probes";
import { postgres, redis } from "../../workloads/datastores";
import { emptyDir } from "../../workloads/pod";
import { WebService } from "../../workloads/webService";
import { dataVolume, type SuiteContext, workloadOpts } from "../context";
import type { LlmStackConfig } from "./config";
import type { LlmStackImage } from "./images";
import { KEYS, NAMES, PORTS, POSTGRES, SEED_RESOURCES } from "./names";
import type { StackSecrets } from "./secrets";

export function stores(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig, secrets: StackSecrets): void {
  const common = { namespace: ctx.namespace, instance: ctx.instance, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets };
  const storage = (size: string) => ({ persistence: ctx.persistence, size, storageClass: ctx.storageClass });
  postgres(
    NAMES.postgres,
    {
      ...common,
      image: ctx.images.pgvector,
      storage: storage(cfg.storage.postgres),
      database: POSTGRES.database,
      user: POSTGRES.user,
      passwordSecret: { name: NAMES.stackSecret, key: POSTGRES.passwordKey },
      passwordChecksum: secrets.stack.checksum,
    },
    workloadOpts(ctx, [secrets.stack]),
  );
  redis(
    NAMES.redis,
    { ...common, image: ctx.images.redis, storage: storage(cfg.storage.redis), size: "small", auth: { configSecret: NAMES.redisConfig, checksum: secrets.redisConfig.checksum } },
    workloadOpts(ctx, [secrets.redisConfig]),
  );
  // The seed's Deployment (not a StatefulSet); Recreate, so two pods never share the volume.
  new WebService(
    NAMES.qdrant,
    {
      ...common,
      component: "vector-store",
      uid: 1000,
      strategy: "Recreate",
      port: { port: PORTS.qdrant, name: "http" },
      extraPorts: [{ port: PORTS.qdrantGrpc, name: "grpc" }],
      volumes: [dataVolume(ctx, { claim: NAMES.qdrantData, volume: "storage", size: cfg.storage.qdrant }), emptyDir("snapshots"), emptyDir("tmp")],
      checksums: { secret: secrets.stack.checksum },
      container: {
        image: ctx.images.qdrant,
        size: "medium",
        resourcesOverride: SEED_RESOURCES.qdrant,
        env: {
          QDRANT__SERVICE__HTTP_PORT: String(PORTS.qdrant),
          QDRANT__SERVICE__GRPC_PORT: String(PORTS.qdrantGrpc),
          QDRANT__SERVICE__API_KEY: { secretKeyRef: { name: NAMES.stackSecret, key: KEYS.qdrantApiKey } },
          QDRANT__STORAGE__STORAGE_PATH: "/qdrant/storage",
          QDRANT__STORAGE__SNAPSHOTS_PATH: "/qdrant/snapshots",
        },
        volumeMounts: [
          { name: "storage", mountPath: "/qdrant/storage" },
          { name: "snapshots", mountPath: "/qdrant/snapshots" },
          { name: "tmp", mountPath: "/tmp" },
        ],
        // Qdrant's health endpoints answer without the API key.
        probes: httpProbes("http", "/readyz"),
      },
    },
    workloadOpts(ctx, [secrets.stack]),
  );
}
