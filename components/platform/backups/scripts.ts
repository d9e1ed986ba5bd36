/**
 * The shell of the backups, kept here so the tests run it for real (tests/unit/backups.test.ts against a local S3
 * server that checks signatures; the software tier against MinIO with the real PostgreSQL and Redis).
 *
 * Layout in the target bucket: `<BACKUP_PREFIX><stamp>/<file>` for every file a dump wrote, then
 * `<BACKUP_PREFIX><stamp>/COMPLETE` (the files' sha256 sums) last: a backup without COMPLETE is an interrupted one,
 * which neither a drill nor a restore uses, and the next prune deletes. BACKUP_PREFIX is
 * `<stack>/<namespace>/<store>/`, so stores and stacks sharing a bucket never prune each other.
 *
 * The transfer runs in the platform's curl image (/bin/sh, BusyBox); the dump and the check run in the store's own
 * image, with its own client (pg_dump, redis-cli, tar), writing to or reading from an emptyDir the two share.
 */
import { S3_SHELL_FUNCTION } from "../../lib/s3Shell";

/**
 * `s3_list PREFIX FILE`: every key under PREFIX into FILE, one per line, over all ListObjectsV2 pages. Query values are
 * written encoded (s3Shell.ts: curl signs the query as written); continuation tokens are base64.
 */
const LIST_FUNCTIONS = `
${S3_SHELL_FUNCTION}
enc() { printf %s "$1" | sed -e 's/%/%25/g' -e 's/+/%2B/g' -e 's|/|%2F|g' -e 's/=/%3D/g'; }
s3_list() {
  : > "$2"; token=""
  while :; do
    q="list-type=2&prefix=$(enc "$1")"; [ -z "$token" ] || q="$q&continuation-token=$(enc "$token")"
    S3_OUT="$2.page"
    code=$(s3 GET "$S3_BUCKET?$q")
    [ "$code" = 200 ] || { echo "listing s3://$S3_BUCKET/$1: HTTP $code"; cat "$S3_OUT" 2>/dev/null | head -c 300; rm -f "$S3_OUT"; return 1; }
    s3_keys >> "$2"
    token=$(tr -d '\\r\\n' < "$S3_OUT" | sed -n 's|.*<NextContinuationToken>\\([^<]*\\)</NextContinuationToken>.*|\\1|p')
    rm -f "$S3_OUT"
    [ -n "$token" ] || break
  done
}
# The stamps of complete backups under $BACKUP_PREFIX, newest first (stamps sort by time).
complete_stamps() { sed -n "s|^$BACKUP_PREFIX\\([^/]*\\)/COMPLETE\\$|\\1|p" "$1" | sort -r; }
`.trim();

/**
 * The target's keys and place from its Secret (backup-target) mounted at $BACKUP_TARGET_DIR: files, not env (nothing
 * secret in the pod's spec). Without the directory (the tests), the caller's env is used as it is.
 */
export const TARGET_FROM_FILES = `
if [ -n "\${BACKUP_TARGET_DIR:-}" ]; then
  for k in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION S3_ENDPOINT_URL S3_BUCKET; do
    [ -r "$BACKUP_TARGET_DIR/$k" ] || { echo "the backup target has no $k in $BACKUP_TARGET_DIR"; exit 1; }
    export "$k=$(cat "$BACKUP_TARGET_DIR/$k")"
  done
fi
`.trim();

/**
 * Upload what the dump wrote to $BACKUP_DIR under a new stamp, COMPLETE last, then keep the newest $RETENTION
 * complete backups: older ones, and interrupted ones older than this, are deleted. Any failure fails the Job.
 */
export const UPLOAD_SCRIPT = `
set -eu
${TARGET_FROM_FILES}
${LIST_FUNCTIONS}
cd "$BACKUP_DIR"
files=$(ls -A)
[ -n "$files" ] || { echo "the dump wrote nothing to $BACKUP_DIR"; exit 1; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
for f in $files; do
  S3_OUT=/dev/null
  code=$(s3 PUT "$S3_BUCKET/$BACKUP_PREFIX$stamp/$f" -T "$f")
  [ "$code" = 200 ] || { echo "uploading $f: HTTP $code"; exit 1; }
  echo "uploaded $f ($(wc -c < "$f") bytes)"
done
sha256sum $files > "$BACKUP_DIR/COMPLETE"
S3_OUT=/dev/null
code=$(s3 PUT "$S3_BUCKET/$BACKUP_PREFIX$stamp/COMPLETE" -T "$BACKUP_DIR/COMPLETE")
[ "$code" = 200 ] || { echo "uploading COMPLETE: HTTP $code"; exit 1; }
echo "backup $stamp complete: s3://$S3_BUCKET/$BACKUP_PREFIX$stamp/"
s3_list "$BACKUP_PREFIX" "$BACKUP_DIR/.keys"
complete_stamps "$BACKUP_DIR/.keys" | head -n "$RETENTION" > "$BACKUP_DIR/.kept"
oldest=$(tail -n 1 "$BACKUP_DIR/.kept")
sed -n "s|^$BACKUP_PREFIX\\([^/]*\\)/.*|\\1 &|p" "$BACKUP_DIR/.keys" | while read -r s key; do
  grep -qx "$s" "$BACKUP_DIR/.kept" && continue
  # Newer than the oldest kept and not complete: another run's, still uploading (never ours: ours is complete).
  [ "$(printf '%s\\n%s\\n' "$s" "$oldest" | sort | head -n 1)" = "$s" ] || continue
  S3_OUT=/dev/null
  code=$(s3 DELETE "$S3_BUCKET/$key")
  case "$code" in 200|204) echo "pruned $key" ;; *) echo "pruning $key: HTTP $code"; exit 1 ;; esac
done
`.trim();

/**
 * Fetch the newest complete backup (or $BACKUP_STAMP) into $RESTORE_DIR and check every file against COMPLETE's
 * sums; the stamp goes to $RESTORE_DIR/.stamp.
 */
export const FETCH_SCRIPT = `
set -eu
${TARGET_FROM_FILES}
${LIST_FUNCTIONS}
s3_list "$BACKUP_PREFIX" "$RESTORE_DIR/.keys"
stamp="\${BACKUP_STAMP:-$(complete_stamps "$RESTORE_DIR/.keys" | head -n 1)}"
[ -n "$stamp" ] || { echo "no complete backup under s3://$S3_BUCKET/$BACKUP_PREFIX"; exit 1; }
grep -qx "$BACKUP_PREFIX$stamp/COMPLETE" "$RESTORE_DIR/.keys" || { echo "backup $stamp is not complete (no COMPLETE)"; exit 1; }
grep "^$BACKUP_PREFIX$stamp/" "$RESTORE_DIR/.keys" | while read -r key; do
  S3_OUT="$RESTORE_DIR/\${key##*/}"
  code=$(s3 GET "$S3_BUCKET/$key")
  [ "$code" = 200 ] || { echo "fetching $key: HTTP $code"; exit 1; }
done
rm -f "$RESTORE_DIR/.keys"
cd "$RESTORE_DIR" && sha256sum -c COMPLETE
echo "$stamp" > "$RESTORE_DIR/.stamp"
echo "fetched backup $stamp of s3://$S3_BUCKET/$BACKUP_PREFIX"
`.trim();

/** A drill's last lines: its verdict on the backup it restored, from $fail (0: every check passed). */
const DRILL_VERDICT = `
[ "$fail" = 0 ] && echo "drill passed: backup $(cat "$RESTORE_DIR/.stamp") restores" || echo "drill FAILED: backup $(cat "$RESTORE_DIR/.stamp")"
exit "$fail"
`.trim();

/**
 * PostgreSQL (the server's image): the roles, without passwords (every password comes from its Secret at the
 * server's start, sync-passwords; none is copied into the bucket), and every database with its table count, which
 * the drill checks. PGHOST/PGUSER and PGPASSWORD (or PGPASSWORD_FILE, a mounted Secret): the server's superuser.
 */
export const PG_DUMP_SCRIPT = `
set -eu
[ -z "\${PGPASSWORD_FILE:-}" ] || { PGPASSWORD=$(cat "$PGPASSWORD_FILE"); export PGPASSWORD; }
cd "$BACKUP_DIR"
pg_dumpall --globals-only --no-role-passwords -f globals.sql
: > tables.txt
for db in $(psql -d postgres -Atc "select datname from pg_database where datallowconn and not datistemplate order by 1"); do
  pg_dump -Fc -d "$db" -f "$db.dump"
  echo "$db $(psql -d "$db" -Atc "select count(*) from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')")" >> tables.txt
done
echo "dumped: $(cut -d' ' -f1 tables.txt | tr '\\n' ' ')"
`.trim();

/**
 * The drill: a scratch PostgreSQL in $SCRATCH (no network), the roles and every database restored, each database's
 * table count compared with the backup's.
 */
export const PG_DRILL_SCRIPT = `
set -eu
export PGDATA="$SCRATCH/pgdata" PGHOST="$SCRATCH" PGUSER=drill
initdb -D "$PGDATA" -U drill --auth=trust >/dev/null
pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$SCRATCH" -w -l "$SCRATCH/server.log" start >/dev/null
psql -d postgres -q -v ON_ERROR_STOP=0 -f "$RESTORE_DIR/globals.sql" >/dev/null 2>&1 || true
fail=0
while read -r db want; do
  [ "$db" = postgres ] || createdb "$db"
  pg_restore --exit-on-error --no-owner --role=drill -d "$db" "$RESTORE_DIR/$db.dump" || { echo "$db: pg_restore failed"; fail=1; continue; }
  got=$(psql -d "$db" -Atc "select count(*) from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')")
  if [ "$got" = "$want" ]; then echo "$db: $got tables restored, as backed up"; else echo "$db: $got tables restored, $want backed up"; fail=1; fi
done < "$RESTORE_DIR/tables.txt"
pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
${DRILL_VERDICT}
`.trim();

/**
 * Restore into the live server (a suspended CronJob, restore-<store>, run by hand): the roles that are missing, then
 * each database dropped object by object and restored (--clean --if-exists), created first when it is gone. Stop
 * the applications that write to it first (docs/operations.md).
 */
export const PG_RESTORE_SCRIPT = `
set -eu
[ -z "\${PGPASSWORD_FILE:-}" ] || { PGPASSWORD=$(cat "$PGPASSWORD_FILE"); export PGPASSWORD; }
psql -d postgres -q -v ON_ERROR_STOP=0 -f "$RESTORE_DIR/globals.sql" 2>&1 | grep -v 'already exists' || true
while read -r db want; do
  [ -n "$(psql -d postgres -Atc "select 1 from pg_database where datname = '$db'")" ] || createdb "$db"
  pg_restore --clean --if-exists --exit-on-error -d "$db" "$RESTORE_DIR/$db.dump"
  echo "$db: restored from backup $(cat "$RESTORE_DIR/.stamp") ($want tables)"
done < "$RESTORE_DIR/tables.txt"
`.trim();

/** Redis (the server's image): an RDB over the replication protocol, and the number of keys it holds. */
export const REDIS_DUMP_SCRIPT = `
set -eu
export REDISCLI_AUTH="$(sed -n 's/^requirepass //p' "$REDIS_CONF")"
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --rdb "$BACKUP_DIR/dump.rdb" >/dev/null
keys=$(redis-check-rdb "$BACKUP_DIR/dump.rdb" | sed -n 's/.* \\([0-9][0-9]*\\) keys read.*/\\1/p')
echo "\${keys:-0}" > "$BACKUP_DIR/keys.txt"
echo "dumped $(cat "$BACKUP_DIR/keys.txt") keys"
`.trim();

/** The drill: the RDB checked, loaded by a scratch Redis on a socket in $SCRATCH, and its keys counted. */
export const REDIS_DRILL_SCRIPT = `
set -eu
redis-check-rdb "$RESTORE_DIR/dump.rdb" >/dev/null || { echo "drill FAILED: dump.rdb does not check"; exit 1; }
cp "$RESTORE_DIR/dump.rdb" "$SCRATCH/dump.rdb"
redis-server --port 0 --unixsocket "$SCRATCH/redis.sock" --dir "$SCRATCH" --dbfilename dump.rdb --save '' --appendonly no --daemonize yes --logfile "$SCRATCH/redis.log"
i=0; until redis-cli -s "$SCRATCH/redis.sock" ping 2>/dev/null | grep -q PONG; do i=$((i + 1)); [ "$i" -lt 300 ] || { echo "drill FAILED: the scratch Redis did not load the dump"; tail -5 "$SCRATCH/redis.log"; exit 1; }; sleep 0.2; done
got=$(redis-cli -s "$SCRATCH/redis.sock" dbsize)
want=$(cat "$RESTORE_DIR/keys.txt")
redis-cli -s "$SCRATCH/redis.sock" shutdown nosave >/dev/null 2>&1 || true
# Keys whose TTL ran out since the backup are not loaded: fewer is possible, none of many is not.
if [ "$got" -gt "$want" ] || { [ "$want" -gt 0 ] && [ "$got" -eq 0 ]; }; then echo "drill FAILED: $got keys loaded, $want backed up"; exit 1; fi
echo "drill passed: backup $(cat "$RESTORE_DIR/.stamp") loads, $got of $want keys (the rest expired)"
`.trim();

/** Restore into a claim (mounted read-write at $DATA_DIR, its workload scaled to zero first): emptied, then unpacked. */
export const CLAIM_RESTORE_SCRIPT = `
set -eu
find "$DATA_DIR" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
tar -xzf "$RESTORE_DIR/data.tar.gz" -C "$DATA_DIR"
echo "$DATA_DIR restored from backup $(cat "$RESTORE_DIR/.stamp")"
`.trim();

/**
 * Restore Redis into its claim ($DATA_DIR, the StatefulSet scaled to zero first). The server runs with append-only
 * persistence, and Redis loads only the AOF when that is on: a Redis on a socket loads the RDB into an emptied data
 * directory with AOF off, then turns AOF on (which writes the AOF from what it loaded) and shuts down, leaving what
 * the server loads at its next start.
 */
export const REDIS_RESTORE_SCRIPT = `
set -eu
find "$DATA_DIR" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
cp "$RESTORE_DIR/dump.rdb" "$DATA_DIR/dump.rdb"
sock="$DATA_DIR/restore.sock"
redis-server --port 0 --unixsocket "$sock" --dir "$DATA_DIR" --dbfilename dump.rdb --appendonly no --save '' --daemonize yes --logfile "$DATA_DIR/restore.log"
i=0; until redis-cli -s "$sock" ping 2>/dev/null | grep -q PONG; do i=$((i + 1)); [ "$i" -lt 600 ] || { tail -5 "$DATA_DIR/restore.log"; exit 1; }; sleep 0.2; done
redis-cli -s "$sock" config set appendonly yes >/dev/null
i=0; until redis-cli -s "$sock" info persistence | grep -q '^aof_rewrite_in_progress:0' && redis-cli -s "$sock" info persistence | grep -q '^aof_rewrite_scheduled:0' && [ -d "$DATA_DIR/appendonlydir" ]; do i=$((i + 1)); [ "$i" -lt 600 ] || { echo "the AOF was not written"; exit 1; }; sleep 0.2; done
keys=$(redis-cli -s "$sock" dbsize)
redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1 || true
rm -f "$DATA_DIR/restore.log"
echo "$DATA_DIR restored from backup $(cat "$RESTORE_DIR/.stamp"): $keys keys, in the AOF Redis loads at its start"
`.trim();

/** A claim (read-only mount at $DATA_DIR): a gzip tar and the number of files in it. */
export const CLAIM_DUMP_SCRIPT = `
set -eu
tar -czf "$BACKUP_DIR/data.tar.gz" -C "$DATA_DIR" .
tar -tzf "$BACKUP_DIR/data.tar.gz" | grep -vc '/$' > "$BACKUP_DIR/files.txt" || true
echo "archived $(cat "$BACKUP_DIR/files.txt") files of $DATA_DIR"
`.trim();

/** The drill: the archive unpacked into $SCRATCH and its files counted. */
export const CLAIM_DRILL_SCRIPT = `
set -eu
mkdir -p "$SCRATCH/data"
tar -xzf "$RESTORE_DIR/data.tar.gz" -C "$SCRATCH/data"
got=$(find "$SCRATCH/data" -type f | wc -l | tr -d ' ')
want=$(cat "$RESTORE_DIR/files.txt")
[ "$got" = "$want" ] || { echo "drill FAILED: $got files unpacked, $want backed up"; exit 1; }
echo "drill passed: backup $(cat "$RESTORE_DIR/.stamp") unpacks, $got files"
`.trim();

/** Copy every SQLite database under $1 into $2 (same relative paths) with SQLite's online backup: consistent while in use. */
const SQLITE_COPY = `
sqlite_copy() {
  (cd "$1" && find . -name '*.db' -type f) | while read -r db; do
    mkdir -p "$2/$(dirname "$db")"
    python3 -c 'import sqlite3, sys
src = sqlite3.connect(sys.argv[1])
dst = sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close()
src.close()' "$1/$db" "$2/$db"
  done
}
count() { tar -tzf "$1" | grep -vc '/$' || true; }
`.trim();

/**
 * A claim holding SQLite databases in use (OpenWebUI's webui.db), in the application's image (python3): the databases
 * copied with SQLite's online backup (databases.tar.gz), every other file archived (data.tar.gz); a tar of a live
 * database file can catch it mid-write.
 */
export const SQLITE_CLAIM_DUMP_SCRIPT = `
set -eu
${SQLITE_COPY}
mkdir -p "$BACKUP_DIR/.sqlite"
sqlite_copy "$DATA_DIR" "$BACKUP_DIR/.sqlite"
tar -czf "$BACKUP_DIR/databases.tar.gz" -C "$BACKUP_DIR/.sqlite" .
rm -rf "$BACKUP_DIR/.sqlite"
tar -czf "$BACKUP_DIR/data.tar.gz" --exclude='*.db' --exclude='*.db-wal' --exclude='*.db-shm' --exclude='*.db-journal' -C "$DATA_DIR" .
echo $(( $(count "$BACKUP_DIR/data.tar.gz") + $(count "$BACKUP_DIR/databases.tar.gz") )) > "$BACKUP_DIR/files.txt"
echo "archived $(cat "$BACKUP_DIR/files.txt") files of $DATA_DIR, $(count "$BACKUP_DIR/databases.tar.gz") of them SQLite databases"
`.trim();

/** The drill: both archives unpacked into $SCRATCH, the files counted, every database's integrity_check "ok". */
export const SQLITE_CLAIM_DRILL_SCRIPT = `
set -eu
mkdir -p "$SCRATCH/data"
tar -xzf "$RESTORE_DIR/data.tar.gz" -C "$SCRATCH/data"
tar -xzf "$RESTORE_DIR/databases.tar.gz" -C "$SCRATCH/data"
got=$(find "$SCRATCH/data" -type f | wc -l | tr -d ' ')
want=$(cat "$RESTORE_DIR/files.txt")
[ "$got" = "$want" ] || { echo "drill FAILED: $got files unpacked, $want backed up"; exit 1; }
for db in $(cd "$SCRATCH/data" && find . -name '*.db' -type f); do
  check=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])' "$SCRATCH/data/$db")
  [ "$check" = ok ] || { echo "drill FAILED: $db: $check"; exit 1; }
  echo "$db: integrity ok"
done
echo "drill passed: backup $(cat "$RESTORE_DIR/.stamp") unpacks, $got files"
`.trim();

/** Restore into the claim ($DATA_DIR, its application scaled to zero first): emptied, then both archives unpacked. */
export const SQLITE_CLAIM_RESTORE_SCRIPT = `
set -eu
find "$DATA_DIR" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
tar -xzf "$RESTORE_DIR/data.tar.gz" -C "$DATA_DIR"
tar -xzf "$RESTORE_DIR/databases.tar.gz" -C "$DATA_DIR"
echo "$DATA_DIR restored from backup $(cat "$RESTORE_DIR/.stamp")"
`.trim();

/**
 * Qdrant (the curl image, over its API with its key): every collection's snapshot and exact point count. Per
 * collection, so a restore needs no restart: each snapshot is uploaded into the running server.
 */
export const QDRANT_DUMP_SCRIPT = `
set -eu
[ -z "\${QDRANT_API_KEY_FILE:-}" ] || QDRANT_API_KEY=$(cat "$QDRANT_API_KEY_FILE")
h="api-key: $QDRANT_API_KEY"
list=$(curl -fsS -H "$h" "$QDRANT_URL/collections")
{ printf '%s' "$list" | tr -d '\\n'; echo; } | sed 's/"name":"/\\n/g' | sed -n '2,$s/^\\([^"]*\\)".*/\\1/p' > "$BACKUP_DIR/.names"
: > "$BACKUP_DIR/collections.txt"
while read -r c; do
  n=$(curl -fsS -X POST -H "$h" -H 'content-type: application/json' -d '{"exact":true}' "$QDRANT_URL/collections/$c/points/count" | sed -n 's/.*"count":\\([0-9]*\\).*/\\1/p')
  name=$(curl -fsS -X POST -H "$h" "$QDRANT_URL/collections/$c/snapshots?wait=true" | sed -n 's/.*"name":"\\([^"]*\\)".*/\\1/p')
  [ -n "$name" ] || { echo "$c: no snapshot name in Qdrant's answer"; exit 1; }
  curl -fsS -H "$h" -o "$BACKUP_DIR/$c.snapshot" "$QDRANT_URL/collections/$c/snapshots/$name"
  curl -fsS -X DELETE -H "$h" "$QDRANT_URL/collections/$c/snapshots/$name" >/dev/null
  echo "$c $n" >> "$BACKUP_DIR/collections.txt"
done < "$BACKUP_DIR/.names"
rm -f "$BACKUP_DIR/.names"
echo "snapshots of $(wc -l < "$BACKUP_DIR/collections.txt") collections: $(cut -d' ' -f1 "$BACKUP_DIR/collections.txt" | tr '\\n' ' ')"
`.trim();

/** Upload each collection's snapshot from $RESTORE_DIR into the Qdrant at $QDRANT_URL (the collection is replaced). */
const QDRANT_UPLOAD = `
upload_all() {
  while read -r c n; do
    curl -fsS -X POST \${QDRANT_API_KEY:+-H "api-key: $QDRANT_API_KEY"} -F "snapshot=@$RESTORE_DIR/$c.snapshot" "$QDRANT_URL/collections/$c/snapshots/upload?priority=snapshot&wait=true" >/dev/null
    echo "$c: restored ($n points backed up)"
  done < "$RESTORE_DIR/collections.txt"
}
`.trim();

/**
 * The drill (the curl image), beside a scratch Qdrant on 127.0.0.1 (a native sidecar, storage in the pod): every
 * collection uploaded into it, then counted exactly; a collection missing, or empty where the backup had points, fails.
 */
export const QDRANT_DRILL_SCRIPT = `
set -eu
${QDRANT_UPLOAD}
i=0; until curl -fsS -o /dev/null "$QDRANT_URL/readyz"; do i=$((i + 1)); [ "$i" -lt 300 ] || { echo "drill FAILED: the scratch Qdrant did not start"; exit 1; }; sleep 1; done
upload_all
fail=0
while read -r c want; do
  got=$(curl -fsS -X POST -H 'content-type: application/json' -d '{"exact":true}' "$QDRANT_URL/collections/$c/points/count" | sed -n 's/.*"count":\\([0-9]*\\).*/\\1/p')
  if [ -z "$got" ] || { [ "$want" -gt 0 ] && [ "$got" -eq 0 ]; }; then echo "$c: \${got:-no collection}, $want points backed up"; fail=1; else echo "$c: $got points restored ($want counted before the snapshot)"; fi
done < "$RESTORE_DIR/collections.txt"
${DRILL_VERDICT}
`.trim();

/** Restore into the live Qdrant (with its key): each collection replaced by its snapshot while the server runs. */
export const QDRANT_RESTORE_SCRIPT = `
set -eu
[ -z "\${QDRANT_API_KEY_FILE:-}" ] || QDRANT_API_KEY=$(cat "$QDRANT_API_KEY_FILE")
${QDRANT_UPLOAD}
upload_all
echo "restored from backup $(cat "$RESTORE_DIR/.stamp")"
`.trim();
