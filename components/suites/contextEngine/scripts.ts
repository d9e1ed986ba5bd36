/**
 * The shell the context engine's init container and backup CronJob run (curl image, /bin/sh): kept here as
 * constants so tests run them for real (tests/unit/contextEngine.test.ts).
 */

/**
 * Download the model once: skip when the file exists (and matches the checksum when one is given); download to a
 * temporary name and rename, so an interrupted download never leaves a half file under the final name.
 */
export const MODEL_DOWNLOAD_SCRIPT = `
set -eu
target="$MODELS_DIR/$LLAMACPP_MODEL_NAME"
verify() { [ -z "\${LLAMACPP_MODEL_SHA256:-}" ] || echo "$LLAMACPP_MODEL_SHA256  $1" | sha256sum -c - >/dev/null; }
if [ -f "$target" ] && verify "$target"; then echo "model $target present"; exit 0; fi
curl -fsSL --retry 5 --retry-delay 5 -o "$target.part" "$LLAMACPP_MODEL_URL"
if ! verify "$target.part"; then echo "checksum mismatch for $LLAMACPP_MODEL_URL"; rm -f "$target.part"; exit 1; fi
mv "$target.part" "$target"
echo "downloaded $target"
`.trim();

/**
 * Snapshot the collection through Qdrant's API (with its key), download it to the snapshot claim, delete the
 * copy Qdrant keeps, and prune all but the newest $RETENTION files.
 */
export const SNAPSHOT_SCRIPT = `
set -eu
api="$QDRANT_URL/collections/$COLLECTION_NAME/snapshots"
name=$(curl -fsS -X POST -H "api-key: $QDRANT_API_KEY" "$api" | sed -n 's/.*"name":"\\([^"]*\\)".*/\\1/p')
[ -n "$name" ] || { echo "no snapshot name in Qdrant's answer"; exit 1; }
curl -fsS -H "api-key: $QDRANT_API_KEY" -o "$BACKUP_DIR/$name" "$api/$name"
curl -fsS -X DELETE -H "api-key: $QDRANT_API_KEY" "$api/$name" >/dev/null
echo "saved $BACKUP_DIR/$name"
ls -1t "$BACKUP_DIR" | tail -n +$((RETENTION + 1)) | while read -r old; do rm -f "$BACKUP_DIR/$old"; echo "pruned $old"; done
`.trim();

/**
 * Restore: upload a snapshot from the snapshot claim into Qdrant (the collection is replaced). $SNAPSHOT names
 * the file; empty means the newest.
 */
export const RESTORE_SCRIPT = `
set -eu
name="\${SNAPSHOT:-$(ls -1t "$BACKUP_DIR" | head -n 1)}"
[ -n "$name" ] && [ -f "$BACKUP_DIR/$name" ] || { echo "no snapshot \${name:-at all} in $BACKUP_DIR"; exit 1; }
curl -fsS -X POST -H "api-key: $QDRANT_API_KEY" -F "snapshot=@$BACKUP_DIR/$name" "$QDRANT_URL/collections/$COLLECTION_NAME/snapshots/upload?priority=snapshot" >/dev/null
echo "restored $COLLECTION_NAME from $name"
`.trim();
