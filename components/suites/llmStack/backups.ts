/**
 * Section: the LLM stack's backups (platform/backups): its PostgreSQL (R2R's documents, LiteLLM's keys and spend),
 * Qdrant (the embeddings OpenWebUI and R2R search), and OpenWebUI's data claim (its SQLite database of users and
 * chats, and the uploaded files). Its Redis is not backed up: it holds LiteLLM's response cache and OpenWebUI's
 * websocket fan-out, nothing that is not made again. The models' weight claims are downloaded or copied again.
 */
import { selectorLabels } from "../../lib/labels";
import type { BackedUpStore } from "../../platform/backups/jobs";
import { claimBackup, postgresBackup, qdrantBackup } from "../../platform/backups/stores";
import type { BackupTarget } from "../../platform/backups/target";
import { serviceHost } from "../../platform/exposure";
import { workloadPods } from "../../platform/flows";
import { type SuiteContext, suiteBackups } from "../context";
import type { LlmStackImage } from "./images";
import { APP_UID } from "./apps";
import { INSTANCE, KEYS, NAMES, PORTS, POSTGRES } from "./names";

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
    [NAMES.qdrant]: backUp(
      qdrantBackup(NAMES.qdrant, {
        image: ctx.images.qdrant,
        curlImage: ctx.images["wait-for"],
        url: `http://${serviceHost(NAMES.qdrant, ns)}:${PORTS.qdrant}`,
        apiKey: { name: NAMES.stackSecret, key: KEYS.qdrantApiKey },
        pods: pods(NAMES.qdrant),
        port: PORTS.qdrant,
        uid: APP_UID,
        what: "Qdrant's collections (a snapshot of each)",
      }),
    ),
    [NAMES.openwebuiData]: backUp(
      claimBackup(NAMES.openwebuiData, {
        image: ctx.images["llm-stack-openwebui"],
        claim: NAMES.openwebuiData,
        uid: APP_UID,
        besidePods: selectorLabels(NAMES.openwebui, INSTANCE),
        owner: `deployment/${NAMES.openwebui}`,
        sqlite: true,
        what: "OpenWebUI's data claim (its SQLite database of users and chats, uploads)",
      }),
    ),
  };
}
