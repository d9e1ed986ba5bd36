/**
 * Section: the studio's backups (platform/backups): its PostgreSQL, its Redis (Celery's broker and results, and the
 * studio's own keys), and the studio's data claim (the credentials and files the backend keeps). ChromaDB's claim is
 * not archived: a copy of its live SQLite files is not consistent, and Chroma 1.x has no snapshot API; its index is
 * rebuilt from the studio's sources.
 */
import { DEFAULT_UID } from "../../lib/security";
import { selectorLabels } from "../../lib/labels";
import type { BackedUpStore } from "../../platform/backups/jobs";
import { claimBackup, postgresBackup, redisBackup } from "../../platform/backups/stores";
import type { BackupTarget } from "../../platform/backups/target";
import { ownStore, type SuiteContext, suiteBackups } from "../context";
import type { LlmctlImage } from "./images";
import { INSTANCE, NAMES, POSTGRES, REDIS_AUTH } from "./names";

export function studioBackups(ctx: SuiteContext<LlmctlImage>, target: BackupTarget | undefined): Record<string, BackedUpStore> | undefined {
  const backUp = suiteBackups(ctx, target);
  if (!backUp) return undefined;
  return {
    [NAMES.postgres]: backUp(
      postgresBackup(NAMES.postgres, {
        ...ownStore(ctx, NAMES.postgres),
        image: ctx.images.postgres,
        user: POSTGRES.user,
        password: { name: NAMES.studioSecret, key: POSTGRES.passwordKey },
        what: "the studio's PostgreSQL (every database, and the roles)",
      }),
    ),
    [NAMES.redis]: backUp(redisBackup(NAMES.redis, { ...ownStore(ctx, NAMES.redis), image: ctx.images.redis, configSecret: REDIS_AUTH.configSecret, what: "the studio's Redis (RDB)", statefulSet: NAMES.redis })),
    [NAMES.dataClaim]: backUp(
      claimBackup(NAMES.dataClaim, { image: ctx.images["wait-for"], claim: NAMES.dataClaim, uid: DEFAULT_UID, besidePods: selectorLabels(NAMES.backend, INSTANCE), owner: `deployment/${NAMES.backend}`, what: "the studio's data claim (the backend's files)" }),
    ),
  };
}
