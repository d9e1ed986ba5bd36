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
import { ownStore, type SuiteContext, suiteBackups } from "../context";
import type { LlmStackImage } from "./images";
import { APP_UID } from "./apps";
import { INSTANCE, KEYS, NAMES, PORTS, POSTGRES } from "./names";

export function stackBackups(ctx: SuiteContext<LlmStackImage>, target: BackupTarget | undefined): Record<string, BackedUpStore> | undefined {
  const backUp = suiteBackups(ctx, target);
  if (!backUp) return undefined;
  const qdrant = ownStore(ctx, NAMES.qdrant);
  return {
    [NAMES.postgres]: backUp(
      postgresBackup(NAMES.postgres, {
        ...ownStore(ctx, NAMES.postgres),
        image: ctx.images.pgvector,
        user: POSTGRES.user,
        password: { name: NAMES.stackSecret, key: POSTGRES.passwordKey },
        what: "the LLM stack's PostgreSQL (R2R's and LiteLLM's databases, the roles)",
      }),
    ),
    [NAMES.qdrant]: backUp(
      qdrantBackup(NAMES.qdrant, {
        image: ctx.images.qdrant,
        curlImage: ctx.images["wait-for"],
        url: `http://${qdrant.host}:${PORTS.qdrant}`,
        apiKey: { name: NAMES.stackSecret, key: KEYS.qdrantApiKey },
        pods: qdrant.pods,
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
