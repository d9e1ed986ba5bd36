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

/**
 * MLflow's admin login follows its Secret (an init container before the server, MLflow's image): the basic-auth app
 * creates the admin with MLFLOW_AUTH_ADMIN_PASSWORD only when the user is absent (mlflow/server/auth/__init__.py,
 * create_admin_user), so a new generated password (a rotation, or kept data under new credentials) would lock the
 * operator out. This sets it on the existing admin through the auth store's own update_user (its hashing), at every
 * start. The password is never printed.
 */
export const MLFLOW_ADMIN_SYNC_SCRIPT = `
import os
from mlflow.server.auth.config import read_auth_config
from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore

config = read_auth_config()
store = SqlAlchemyStore()
store.init_db(config.database_uri)
user, password = config.admin_username, os.environ["MLFLOW_AUTH_ADMIN_PASSWORD"]
if not store.has_user(user, use_primary=True):
    print(f"no user {user} yet: the server creates it with its Secret's password")
elif store.authenticate_user(user, password, use_primary=True):
    print(f"{user}'s password already is its Secret's")
else:
    store.update_user(user, password=password)
    print(f"{user}'s password set from its Secret")
`.trim();
