/**
 * Section: the MLOps suite's backups (platform/backups): its PostgreSQL (MLflow's runs and registry, the seed's
 * mlops database). MinIO's buckets (MLflow's artifacts, the other suites' objects) are the object store itself:
 * copying them into the same MinIO protects nothing, so they are mirrored only to an external bucket (backupS3*).
 */
import type { BackedUpStore } from "../../platform/backups/jobs";
import { postgresBackup } from "../../platform/backups/stores";
import type { BackupTarget } from "../../platform/backups/target";
import { ownStore, type SuiteContext, suiteBackups } from "../context";
import type { MlopsImage } from "./images";
import type { MlopsConfig } from "./config";
import { MINIO_UID, minioEndpoint } from "./minio";
import { KEYS, NAMES, PORTS, POSTGRES_ADMIN } from "./names";
import { mirrorGrant, userSecretName } from "./users";

const MIRROR = "minio-buckets";
/** The setup Job runs again when it is gone: what a MinIO that lost its volume (and its buckets and users) needs first. */
const setupAgain = (ns: string) => `make them again with \`kubectl -n ${ns} delete job ${NAMES.buckets}\` and \`pulumi up\``;

export function mlopsBackups(ctx: SuiteContext<MlopsImage>, cfg: MlopsConfig, buckets: readonly string[], target: BackupTarget | undefined): Record<string, BackedUpStore> | undefined {
  const backUp = suiteBackups(ctx, target);
  if (!backUp) return undefined;
  const ns = ctx.namespaceName;
  return {
    [NAMES.postgres]: backUp(
      postgresBackup(NAMES.postgres, {
        ...ownStore(ctx, NAMES.postgres, NAMES.postgresExternal),
        image: ctx.images.postgres,
        user: POSTGRES_ADMIN.user,
        password: { name: NAMES.postgresCredentials, key: KEYS.postgresPassword },
        what: "MLOps' PostgreSQL (MLflow's tracking and registry data, every database, the roles)",
      }),
    ),
    // MinIO's buckets only to an external target (in MinIO itself a copy protects nothing).
    ...(target && !target.store
      ? {
          [MIRROR]: backUp.mirror({
            name: MIRROR,
            what: `MinIO's buckets (${buckets.join(", ")}), mirrored`,
            clientImage: ctx.images.mc,
            serverImage: ctx.images.minio,
            uid: MINIO_UID,
            space: cfg.storage.minio,
            source: { url: minioEndpoint(ns), secret: userSecretName(mirrorGrant(buckets).user), accessKey: KEYS.accessKey, secretKey: KEYS.secretKey, buckets, pods: ownStore(ctx, NAMES.minio).pods, port: PORTS.minioApi, setup: setupAgain(ns) },
          }),
        }
      : {}),
  };
}
