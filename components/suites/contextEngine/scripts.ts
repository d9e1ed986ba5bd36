/**
 * The shell the context engine's init container and backup CronJobs run (curl image, /bin/sh): kept here as
 * constants so tests run them for real (tests/unit/contextEngine.test.ts, the bucket copies against a local S3
 * server that checks signatures).
 */
import { S3_SHELL_FUNCTION } from "../../lib/s3Shell";

/** Snapshot the collection through Qdrant's API (with its key), download it to the claim, delete the copy Qdrant keeps. */
const TAKE_SNAPSHOT = `
api="$QDRANT_URL/collections/$COLLECTION_NAME/snapshots"
name=$(curl -fsS -X POST -H "api-key: $QDRANT_API_KEY" "$api" | sed -n 's/.*"name":"\\([^"]*\\)".*/\\1/p')
[ -n "$name" ] || { echo "no snapshot name in Qdrant's answer"; exit 1; }
curl -fsS -H "api-key: $QDRANT_API_KEY" -o "$BACKUP_DIR/$name" "$api/$name"
curl -fsS -X DELETE -H "api-key: $QDRANT_API_KEY" "$api/$name" >/dev/null
echo "saved $BACKUP_DIR/$name"
`.trim();

/** Keep the newest $RETENTION files of the claim (by modification time). */
const PRUNE_CLAIM = `ls -1t "$BACKUP_DIR" | tail -n +$((RETENTION + 1)) | while read -r old; do rm -f "$BACKUP_DIR/$old"; echo "pruned $old"; done`;

/**
 * The bucket side, with the s3 function: \`bucket_snapshots\` writes the snapshot names under $SNAPSHOT_PREFIX to
 * $BACKUP_DIR/.bucket, newest first by the store's LastModified (names are Qdrant's, so their format is not relied
 * on). One ListObjectsV2 page (1000 keys) is enough: the prune keeps at most 365. The listings are dot files on the
 * claim (the root file system is read-only), which \`ls -1t\` above never sees.
 */
const BUCKET_FUNCTIONS = `
${S3_SHELL_FUNCTION}
bucket_snapshots() {
  S3_OUT="$BACKUP_DIR/.listing"
  code=$(s3 GET "$S3_BUCKET?list-type=2&prefix=$(printf %s "$SNAPSHOT_PREFIX" | sed 's|/|%2F|g')")
  [ "$code" = 200 ] || { echo "listing s3://$S3_BUCKET/$SNAPSHOT_PREFIX: HTTP $code"; return 1; }
  tr -d '\\r\\n' < "$S3_OUT" | sed 's/<Contents>/\\n/g' \\
    | sed -n 's|^[[:space:]]*<Key>[^<]*/\\([^</]*\\)</Key>[[:space:]]*<LastModified>\\([^<]*\\)<.*|\\2 \\1|p' \\
    | sort -r | cut -d' ' -f2 > "$BACKUP_DIR/.bucket"
  rm -f "$S3_OUT"
}
`.trim();

/** Copy the snapshot just saved to the bucket, then keep the newest $RETENTION there too; any failure fails the job. */
const COPY_TO_BUCKET = `
S3_OUT=/dev/null
code=$(s3 PUT "$S3_BUCKET/$SNAPSHOT_PREFIX$name" -T "$BACKUP_DIR/$name")
[ "$code" = 200 ] || { echo "copying $name to s3://$S3_BUCKET/$SNAPSHOT_PREFIX: HTTP $code"; exit 1; }
echo "copied to s3://$S3_BUCKET/$SNAPSHOT_PREFIX$name"
bucket_snapshots
tail -n +$((RETENTION + 1)) "$BACKUP_DIR/.bucket" | while read -r old; do
  S3_OUT=/dev/null
  code=$(s3 DELETE "$S3_BUCKET/$SNAPSHOT_PREFIX$old")
  case "$code" in 200|204) echo "pruned s3://$S3_BUCKET/$SNAPSHOT_PREFIX$old" ;; *) echo "pruning $old: HTTP $code"; exit 1 ;; esac
done
rm -f "$BACKUP_DIR/.bucket"
`.trim();

/**
 * Snapshot the collection and keep the newest $RETENTION files on the snapshot claim. Used as is when the platform
 * has no object store.
 */
export const SNAPSHOT_SCRIPT = ["set -eu", TAKE_SNAPSHOT, PRUNE_CLAIM].join("\n");

/**
 * With the platform's object store: the same, plus a copy of each snapshot to $S3_BUCKET under $SNAPSHOT_PREFIX,
 * pruned to the same retention (the claim stays: it is the fast local copy, the bucket the off-cluster one).
 */
export const SNAPSHOT_TO_BUCKET_SCRIPT = ["set -eu", BUCKET_FUNCTIONS, TAKE_SNAPSHOT, COPY_TO_BUCKET, PRUNE_CLAIM].join("\n");

/**
 * Restore: upload a snapshot from the snapshot claim into Qdrant (the collection is replaced). $SNAPSHOT names
 * the file; empty means the newest.
 */
const RESTORE_FROM_CLAIM = `
name="\${SNAPSHOT:-$(ls -1t "$BACKUP_DIR" | head -n 1)}"
[ -n "$name" ] && [ -f "$BACKUP_DIR/$name" ] || { echo "no snapshot \${name:-at all} in $BACKUP_DIR"; exit 1; }
curl -fsS -X POST -H "api-key: $QDRANT_API_KEY" -F "snapshot=@$BACKUP_DIR/$name" "$QDRANT_URL/collections/$COLLECTION_NAME/snapshots/upload?priority=snapshot" >/dev/null
echo "restored $COLLECTION_NAME from $name"
`.trim();

export const RESTORE_SCRIPT = ["set -eu", RESTORE_FROM_CLAIM].join("\n");

/**
 * With FROM_BUCKET=1 (the claim lost with its node or cluster): fetch $SNAPSHOT, or the newest snapshot in the
 * bucket, onto the claim first (under a temporary name, so a broken download never looks like a snapshot), then
 * restore as from the claim.
 */
const FETCH_FROM_BUCKET = `
if [ "\${FROM_BUCKET:-}" = 1 ]; then
  if [ -z "\${SNAPSHOT:-}" ]; then bucket_snapshots; SNAPSHOT=$(head -n 1 "$BACKUP_DIR/.bucket"); rm -f "$BACKUP_DIR/.bucket"; fi
  [ -n "$SNAPSHOT" ] || { echo "no snapshot in s3://$S3_BUCKET/$SNAPSHOT_PREFIX"; exit 1; }
  S3_OUT="$BACKUP_DIR/.$SNAPSHOT.part"
  code=$(s3 GET "$S3_BUCKET/$SNAPSHOT_PREFIX$SNAPSHOT")
  [ "$code" = 200 ] || { rm -f "$S3_OUT"; echo "fetching s3://$S3_BUCKET/$SNAPSHOT_PREFIX$SNAPSHOT: HTTP $code"; exit 1; }
  mv "$S3_OUT" "$BACKUP_DIR/$SNAPSHOT"
  echo "fetched $SNAPSHOT from s3://$S3_BUCKET/$SNAPSHOT_PREFIX"
fi
`.trim();

/** The restore with the platform's object store: from the claim, or with FROM_BUCKET=1 from the bucket. */
export const RESTORE_FROM_BUCKET_SCRIPT = ["set -eu", BUCKET_FUNCTIONS, FETCH_FROM_BUCKET, RESTORE_FROM_CLAIM].join("\n");
