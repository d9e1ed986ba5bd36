/** The shell the mlops suite's jobs run (curl image, /bin/sh), kept here so tests run them for real. */
import { S3_SHELL_FUNCTION } from "../../lib/s3Shell";
import { KEYS, MLFLOW_DB } from "./names";

/**
 * Create every bucket in $BUCKETS, idempotently: a bucket that exists already (409) is fine, and each bucket must
 * then answer HEAD with these keys, so a bucket owned by someone else, or wrong keys, fail the Job.
 */
export const BUCKETS_SCRIPT = `
set -eu
${S3_SHELL_FUNCTION}
until curl -s -o /dev/null --connect-timeout 2 "$S3_ENDPOINT_URL/"; do echo "waiting for $S3_ENDPOINT_URL"; sleep 2; done
for b in $BUCKETS; do
  code=$(s3 PUT "$b")
  case "$code" in 200|409) ;; *) echo "creating bucket $b: HTTP $code"; exit 1 ;; esac
  code=$(s3 HEAD "$b")
  [ "$code" = 200 ] || { echo "bucket $b is not usable with these keys: HTTP $code"; exit 1; }
  echo "bucket $b ready"
done
`.trim();

/**
 * The MLflow database and its own user, created once by the postgres image's entrypoint on an empty data
 * directory. psql reads the password from the mounted Secret file itself (\set with backquotes) and quotes it
 * (:'pw'): it is never on a command line or in the environment.
 */
export const POSTGRES_INIT_SCRIPT = `#!/bin/sh
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v db=${MLFLOW_DB.database} -v usr=${MLFLOW_DB.user} <<'SQL'
\\set pw \`cat /etc/postgres-init/${KEYS.mlflowDbPassword}\`
CREATE USER :"usr" WITH PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"usr";
SQL
`;
