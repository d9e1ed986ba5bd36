/**
 * Section: the seed's PostgreSQL (StatefulSet `postgresql`, headless Service `postgresql`, ClusterIP
 * `postgresql-external`, claim `postgresql-storage`, Secret `postgresql-credentials`, ConfigMaps
 * `postgresql-config` and `postgresql-init-scripts`), holding MLflow's database under its own user.
 */
import * as k8s from "@pulumi/kubernetes";
import { checksum } from "../../lib/checksum";
import { standardLabels } from "../../lib/labels";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { postgres } from "../../workloads/datastores";
import type { StatefulService } from "../../workloads/statefulService";
import { childOpts, suiteClaim, type SuiteContext, workloadOpts } from "../context";
import type { MlopsConfig } from "./config";
import type { MlopsImage } from "./images";
import { KEYS, NAMES, POSTGRES_ADMIN, sized, MLFLOW_DB } from "./names";
import { POSTGRES_INIT_SCRIPT } from "./scripts";

type Ctx = SuiteContext<MlopsImage>;

/** Server settings in postgresql-config (keys PG_<PARAMETER>). */
export const POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  max_connections: "100",
  // password_encryption is left at PostgreSQL 16's default, scram-sha-256 (never MD5); the image's entrypoint makes it the pg_hba method for host connections.
  log_connections: "on",
};

export interface Postgresql {
  readonly credentials: GeneratedSecret;
  readonly server: StatefulService;
}

export function postgresql(ctx: Ctx, cfg: MlopsConfig): Postgresql {
  const labels = (name: string) => standardLabels(name, ctx.instance, "config");
  // The admin's and MLflow's passwords, both generated.
  const credentials = new GeneratedSecret(
    NAMES.postgresCredentials,
    { namespace: ctx.namespace, secretName: NAMES.postgresCredentials, instance: ctx.instance, generate: { [KEYS.postgresPassword]: { length: 32 }, [KEYS.mlflowDbPassword]: { length: 32 } } },
    childOpts(ctx),
  );
  const settings = Object.fromEntries(Object.entries(POSTGRES_SETTINGS).map(([k, v]) => [`PG_${k.toUpperCase()}`, v]));
  const config = new k8s.core.v1.ConfigMap(NAMES.postgresConfig, { metadata: { name: NAMES.postgresConfig, namespace: ctx.namespace, labels: labels(NAMES.postgresConfig) }, data: settings }, childOpts(ctx));
  const init = new k8s.core.v1.ConfigMap(
    NAMES.postgresInit,
    { metadata: { name: NAMES.postgresInit, namespace: ctx.namespace, labels: labels(NAMES.postgresInit) }, data: { "10-mlflow.sh": POSTGRES_INIT_SCRIPT } },
    childOpts(ctx),
  );
  const claimName = ctx.persistence ? suiteClaim(ctx, NAMES.postgresStorage, cfg.storage.postgres) : undefined;
  const server = postgres(
    NAMES.postgres,
    {
      namespace: ctx.namespace,
      instance: ctx.instance,
      image: ctx.images.postgres,
      profile: ctx.profile,
      resourcesOverride: sized(cfg.sizes.postgres, ctx.profile),
      imagePullSecrets: ctx.imagePullSecrets,
      storage: { persistence: ctx.persistence, size: cfg.storage.postgres, volumeName: NAMES.postgresStorage, claimName },
      database: POSTGRES_ADMIN.database,
      user: POSTGRES_ADMIN.user,
      passwordSecret: { name: NAMES.postgresCredentials, key: KEYS.postgresPassword },
      passwordChecksum: credentials.checksum,
      settings: { configMap: NAMES.postgresConfig, parameters: Object.keys(POSTGRES_SETTINGS), checksum: checksum(settings) },
      // MLflow's role: created by the init script, its password set again from the Secret at every start.
      init: { configMap: NAMES.postgresInit, secret: { name: NAMES.postgresCredentials, keys: [KEYS.mlflowDbPassword] }, roles: [{ role: MLFLOW_DB.user, key: KEYS.mlflowDbPassword }] },
      serviceNames: { headless: NAMES.postgres, client: NAMES.postgresExternal },
    },
    workloadOpts(ctx, [credentials, config, init]),
  );
  return { credentials, server };
}
