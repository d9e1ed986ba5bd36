/** The shell the mlops suite's jobs run (curl image, /bin/sh), kept here so tests run them for real. */
import { KEYS, MLFLOW_DB } from "./names";

/**
 * minio-create-buckets, with MinIO's client (mc) and the root keys mounted as files (ROOT_DIR; the secret key on
 * stdin, never on a command line): waits for MinIO, creates every bucket in $BUCKETS (kept when it exists), then
 * for each consumer directory under USERS_DIR (accesskey, secretkey, policy.json) creates or updates the policy
 * $POLICY_PREFIX<user>, adds the user or sets its secret key (a rotation), and attaches the policy (mc treats an
 * attached one as done). A user that carries a $POLICY_PREFIX policy but has no directory any more (its consumer was
 * turned off) is removed with its policy; users an operator made by hand carry no such policy and are left alone.
 * Wrong root keys fail at once, naming the cause; an unreachable MinIO is waited for (the Job's deadline bounds it).
 */
export const STORE_SETUP_SCRIPT = `
set -eu
export MC_CONFIG_DIR=/tmp/mc
tries=0
until mc alias set store "$S3_ENDPOINT_URL" "$(cat "$ROOT_DIR/accesskey")" <"$ROOT_DIR/secretkey" >/tmp/alias.log 2>&1; do
  case "$(cat /tmp/alias.log)" in
    *"Access Key Id"*|*"signature"*|*"Signature"*|*"Access Denied"*) echo "MinIO refused the root keys in $ROOT_DIR: $(cat /tmp/alias.log)"; exit 1 ;;
  esac
  tries=$((tries + 1))
  [ $((tries % 15)) -ne 1 ] || echo "waiting for $S3_ENDPOINT_URL"
  sleep 2
done
for b in $BUCKETS; do
  mc mb --ignore-existing "store/$b" >/dev/null
  echo "bucket $b ready"
done
wanted=" "
for dir in "$USERS_DIR"/*/; do
  [ -f "$dir/accesskey" ] || continue
  user=$(cat "$dir/accesskey")
  mc admin policy create store "$POLICY_PREFIX$user" "$dir/policy.json" >/dev/null
  mc admin user add store "$user" <"$dir/secretkey" >/dev/null
  mc admin policy attach store "$POLICY_PREFIX$user" --user "$user" >/dev/null
  wanted="$wanted$user "
  echo "user $user: policy $POLICY_PREFIX$user"
done
mc admin user list --json store >/tmp/users.json
q='"'
while read -r line; do
  case "$line" in *"\${q}policyName\${q}:\${q}$POLICY_PREFIX"*) ;; *) continue ;; esac
  user=\${line#*\${q}accessKey\${q}:\${q}}
  user=\${user%%\${q}*}
  case "$wanted" in *" $user "*) continue ;; esac
  mc admin user remove store "$user" >/dev/null
  mc admin policy remove store "$POLICY_PREFIX$user" >/dev/null
  echo "user $user: removed (no consumer has it now)"
done </tmp/users.json
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
