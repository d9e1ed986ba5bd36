/**
 * Section: LiteLLM's database, so it can issue virtual keys and keep spend. It lives in the stack's Postgres as a
 * database and role of its own (litellm), with a generated password: LiteLLM never holds the superuser's. The
 * litellm-database Job creates the role and database when missing and sets the password on every run (so a
 * rotated password applies), as the superuser; LiteLLM then migrates its own schema at start.
 */
import type * as k8s from "@pulumi/kubernetes";
import { checksum } from "../../lib/checksum";
import { serviceHost } from "../../platform/exposure";
import type { ContainerArgs, Volume } from "../../workloads/pod";
import { setupJob } from "../../workloads/setupJob";
import { GATE_SIZE } from "../../workloads/waitFor";
import { type SuiteContext, workloadOpts } from "../context";
import type { LlmStackImage } from "./images";
import { GATEWAY_DB, NAMES, PORTS, POSTGRES } from "./names";
import type { StackSecrets } from "./secrets";

/**
 * Idempotent: the role and database are created only when missing (format()+\gexec, since CREATE DATABASE cannot
 * run in a DO block), the password is set every time, and the database is closed to PUBLIC. Both passwords are
 * read from mounted files (never env), and reach psql through PGPASSWORD and \getenv, never on a command line.
 */
export const GATEWAY_DB_SCRIPT = `
set -eu
PGPASSWORD=$(cat "$ADMIN_PASSWORD_FILE")
LITELLM_DB_PASSWORD=$(cat "$LITELLM_DB_PASSWORD_FILE")
export PGPASSWORD LITELLM_DB_PASSWORD
i=0
until pg_isready -q -h "$DB_HOST" -p "$DB_PORT" -U "$ADMIN_USER"; do
  i=$((i + 1)); [ "$i" -lt 150 ] || { echo "Postgres at $DB_HOST:$DB_PORT did not answer in 300s"; exit 1; }
  sleep 2
done
psql -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U "$ADMIN_USER" -d "$ADMIN_DB" -v role="$LITELLM_DB_USER" -v db="$LITELLM_DB_NAME" <<'SQL'
\\getenv pw LITELLM_DB_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
echo "database $LITELLM_DB_NAME and role $LITELLM_DB_USER in place"
`.trim();

const PASSWORDS_DIR = "/etc/passwords";

/**
 * LiteLLM's gate: its database answers its own role with its password (the litellm-database Job has run, also after
 * a rotation), not just Postgres' port; LiteLLM migrates its schema at start and exits when it cannot.
 */
export const GATEWAY_DB_WAIT_SCRIPT = `
set -eu
PGPASSWORD=$(cat "$LITELLM_DB_PASSWORD_FILE")
export PGPASSWORD
i=0
until psql -qtA -h "$DB_HOST" -p "$DB_PORT" -U "$LITELLM_DB_USER" -d "$LITELLM_DB_NAME" -c 'select 1' >/dev/null 2>&1; do
  i=$((i + 2)); [ "$i" -lt "\${WAIT_SECONDS:-1800}" ] || { echo "database $LITELLM_DB_NAME did not let $LITELLM_DB_USER in within \${WAIT_SECONDS:-1800}s"; exit 1; }
  sleep 2
done
echo "database $LITELLM_DB_NAME answers $LITELLM_DB_USER"
`.trim();

/** LiteLLM's init container running GATEWAY_DB_WAIT_SCRIPT (Postgres' image, for psql), its password as a file. */
export function gatewayDbGate(ctx: SuiteContext<LlmStackImage>): { container: ContainerArgs; volume: Volume } {
  return {
    container: {
      name: "wait-for-database",
      image: ctx.images.pgvector,
      size: GATE_SIZE,
      command: ["/bin/sh", "-c", GATEWAY_DB_WAIT_SCRIPT],
      env: {
        DB_HOST: serviceHost(NAMES.postgres, ctx.namespaceName),
        DB_PORT: String(PORTS.postgres),
        LITELLM_DB_USER: GATEWAY_DB.user,
        LITELLM_DB_NAME: GATEWAY_DB.database,
        LITELLM_DB_PASSWORD_FILE: `${PASSWORDS_DIR}/litellm`,
      },
      volumeMounts: [{ name: "database-password", mountPath: PASSWORDS_DIR, readOnly: true }],
    },
    volume: { name: "database-password", secret: { secretName: NAMES.gatewayDb, items: [{ key: "password", path: "litellm" }] } },
  };
}

/** The litellm-database Job (the role's password is in StackSecrets.gatewayDb). */
export function gatewayDatabase(ctx: SuiteContext<LlmStackImage>, secrets: StackSecrets): k8s.batch.v1.Job {
  const host = serviceHost(NAMES.postgres, ctx.namespaceName);
  const secret = secrets.gatewayDb;
  // A new password (or script) changes the stamp: the Job runs again.
  return setupJob(
    NAMES.gatewayDb,
    {
      namespace: ctx.namespace,
      instance: ctx.instance,
      component: "database-setup",
      profile: ctx.profile,
      imagePullSecrets: ctx.imagePullSecrets,
      stamp: checksum({ script: GATEWAY_DB_SCRIPT, secret: secret.checksum }),
      container: {
        name: "create-database",
        image: ctx.images.pgvector,
        size: "tiny",
        command: ["/bin/sh", "-c", GATEWAY_DB_SCRIPT],
        env: {
          DB_HOST: host,
          DB_PORT: String(PORTS.postgres),
          ADMIN_USER: POSTGRES.user,
          ADMIN_DB: POSTGRES.database,
          ADMIN_PASSWORD_FILE: `${PASSWORDS_DIR}/admin`,
          LITELLM_DB_USER: GATEWAY_DB.user,
          LITELLM_DB_NAME: GATEWAY_DB.database,
          LITELLM_DB_PASSWORD_FILE: `${PASSWORDS_DIR}/litellm`,
        },
        volumeMounts: [{ name: "passwords", mountPath: PASSWORDS_DIR, readOnly: true }],
      },
      volumes: [
        {
          name: "passwords",
          projected: {
            sources: [
              { secret: { name: NAMES.stackSecret, items: [{ key: POSTGRES.passwordKey, path: "admin" }] } },
              { secret: { name: NAMES.gatewayDb, items: [{ key: "password", path: "litellm" }] } },
            ],
          },
        },
      ],
    },
    workloadOpts(ctx, [secret, secrets.stack]),
  );
}

/**
 * LiteLLM's database settings: with a config file and no DATABASE_URL, the proxy builds the URL from these four
 * (proxy_cli.py, construct_database_url_from_env_vars, which also URL-encodes the password).
 */
export function gatewayDbEnv(namespace: string) {
  return {
    DATABASE_HOST: `${serviceHost(NAMES.postgres, namespace)}:${PORTS.postgres}`,
    DATABASE_USERNAME: GATEWAY_DB.user,
    DATABASE_NAME: GATEWAY_DB.database,
    DATABASE_PASSWORD: { secretKeyRef: { name: NAMES.gatewayDb, key: "password" } },
  };
}
