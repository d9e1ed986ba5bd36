/**
 * A POSIX shell function for S3-compatible stores, for jobs that run the platform's curl image: SigV4-signed
 * requests with curl's --aws-sigv4 (curl >= 7.75), no SDK or `mc` binary needed. Tests run the scripts that
 * use it for real against a local S3 server that checks signatures (tests/unit/mlops.test.ts).
 */

/**
 * `s3 METHOD PATH [curl args...]` prints the HTTP status of a signed request to $S3_ENDPOINT_URL/PATH, with
 * $AWS_ACCESS_KEY_ID / $AWS_SECRET_ACCESS_KEY / $AWS_REGION; the body goes to $S3_OUT (default: discarded).
 * The payload is declared unsigned (x-amz-content-sha256), as S3 allows over a connection the store trusts.
 * Query values must be written URI-encoded (`prefix=qdrant%2F`, not `prefix=qdrant/`): curl 7.x signs the query as
 * written, while the store canonicalizes it encoded, so a raw '/' there fails with 403 SignatureDoesNotMatch
 * (tests/helpers/s3server.ts verifies signatures the store's way).
 */
export const S3_SHELL_FUNCTION = `
s3() {
  m=$1; p=$2; shift 2
  if [ "$m" = HEAD ]; then set -- --head "$@"; else set -- -X "$m" "$@"; fi
  curl -sS -o "\${S3_OUT:-/dev/null}" -w '%{http_code}' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \\
    --aws-sigv4 "aws:amz:\${AWS_REGION:-us-east-1}:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$@" "$S3_ENDPOINT_URL/$p"
}
# The object keys of a ListObjectsV2 answer in $S3_OUT, one per line.
s3_keys() { sed 's/<Key>/\\n<Key>/g' "$S3_OUT" | sed -n 's/^<Key>\\([^<]*\\)<\\/Key>.*/\\1/p'; }
`.trim();
