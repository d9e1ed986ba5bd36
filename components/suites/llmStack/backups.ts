/**
 * Section: the LLM stack's backups (platform/backups): its PostgreSQL (R2R's documents and LiteLLM's keys and spend).
 * Its Redis is not backed up: it holds LiteLLM's response cache and OpenWebUI's websocket fan-out, nothing that is not
 * made again.
 */
import type { BackedUpStore } from "../../platform/backups/jobs";
import { postgresBackup } from "../../platform/backups/stores";
import type { BackupTarget } from "../../platform/backups/target";
import { serviceHost } from "../../platform/exposure";
import { workloadPods } from "../../platform/flows";
import { type SuiteContext, suiteBackups } from "../context";
import type { LlmStackImage } from "./images";
import { INSTANCE, NAMES, POSTGRES } from "./names";

export function stackBackups(ctx: SuiteContext<LlmStackImage>, target: BackupTarget | undefined): Record<string, BackedUpStore> | undefined {
  const backUp = suiteBackups(ctx, target);
  if (!backUp) return undefined;
  const ns = ctx.namespaceName;
  const pods = (name: string) => workloadPods(name, INSTANCE, ns, ctx.namespace);
  return {
    [NAMES.postgres]: backUp(
      postgresBackup(NAMES.postgres, {
        image: ctx.images.pgvector,
        host: serviceHost(NAMES.postgres, ns),
        user: POSTGRES.user,
        password: { name: NAMES.stackSecret, key: POSTGRES.passwordKey },
        pods: pods(NAMES.postgres),
        what: "the LLM stack's PostgreSQL (R2R's and LiteLLM's databases, the roles)",
      }),
    ),
  };
}
