/**
 * An object store's buckets, mirrored to the backup target with MinIO's client (`mc mirror`: new and changed
 * objects, multipart for large ones, nothing deleted at the target), only when the target is outside the store
 * (backupS3Endpoint): a copy of MinIO inside the same MinIO protects nothing. Three CronJobs, like a store's:
 * - `backup-<name>`: every bucket mirrored to `<bucket>/<prefix><bucket>/` of the target;
 * - `drill-<name>`: a scratch MinIO beside the check (loopback only, a key made in the pod), every bucket mirrored
 *   back into it from the target, then compared object by object (`mc diff`) and counted;
 * - `restore-<name>`: suspended; the target's copy mirrored back into the live store.
 * The mirror is the latest state, not a point in time: an object overwritten in MinIO is overwritten at the target
 * at the next run (keep versioning on the target bucket for history; docs/operations.md).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { emptyDir, type EnvMap } from "../../workloads/pod";
import { allowFlow, type PodGroup } from "../flows";
import { type BackedUpStore, cronJob, type NamespaceBackupsArgs, type Step, TARGET_DIR, TARGET_MOUNT, TARGET_VOLUME } from "./jobs";
import { TARGET_FROM_FILES } from "./scripts";

export interface BucketMirror {
  /** Names the CronJobs and the prefix at the target. */
  readonly name: string;
  readonly what: string;
  /** The mc image (its /bin/sh and mc). */
  readonly clientImage: pulumi.Input<string>;
  /** The store's image, for the drill's scratch server. */
  readonly serverImage: pulumi.Input<string>;
  readonly uid: number;
  /** The drill's scratch space: the store's own size (every bucket is restored into it). */
  readonly space: string;
  readonly source: {
    readonly url: string;
    /** The store's Secret and its two keys, mounted as files for mc. */
    readonly secret: string;
    readonly accessKey: string;
    readonly secretKey: string;
    readonly buckets: readonly string[];
    readonly pods: PodGroup;
    readonly port: number;
    /** How the operator makes the store's buckets and users again (a store that lost its volume lost both). */
    readonly setup: string;
  };
}

const SOURCE_DIR = "/etc/mirror-source";

/** mc's config in a writable directory; `src` the live store, `dst` the target (their keys from mounted files). */
const ALIASES = `
${TARGET_FROM_FILES}
export MC_CONFIG_DIR=/tmp/mc
mc alias set dst "$S3_ENDPOINT_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >/dev/null
`.trim();
const SOURCE_ALIAS = `mc alias set src "$SOURCE_URL" "$(cat "$SOURCE_DIR/accesskey")" "$(cat "$SOURCE_DIR/secretkey")" >/dev/null`;

/** Every bucket in $BUCKETS mirrored to the target; a bucket that does not exist yet is skipped with a line. */
export const MIRROR_SCRIPT = `
set -eu
${ALIASES}
${SOURCE_ALIAS}
for b in $BUCKETS; do
  mc ls "src/$b" >/dev/null 2>&1 || { echo "$b: no such bucket yet, skipped"; continue; }
  mc mirror --overwrite --quiet "src/$b" "dst/$S3_BUCKET/$BACKUP_PREFIX$b" >/dev/null
  n=$(mc ls --recursive "dst/$S3_BUCKET/$BACKUP_PREFIX$b" 2>/dev/null | wc -l)
  # What the drill expects back (an empty bucket leaves no prefix at the target, so absence alone says nothing).
  echo "$n" | mc pipe "dst/$S3_BUCKET/$BACKUP_PREFIX.counts/$b" >/dev/null
  echo "$b: $n objects at the target"
done
`.trim();

/** The scratch MinIO of the drill: a key made in the pod (shared with the check through $SCRATCH), loopback only. */
const SCRATCH = { SCRATCH: "/scratch", SCRATCH_ADDRESS: "127.0.0.1:9000" };
export const SCRATCH_MINIO_SCRIPT = `
set -eu
umask 077
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > "$SCRATCH/.key"
MINIO_ROOT_USER=drill MINIO_ROOT_PASSWORD="$(cat "$SCRATCH/.key")" exec minio server --quiet --address "$SCRATCH_ADDRESS" "$SCRATCH/data"
`.trim();

/** The drill: each bucket mirrored from the target into the scratch MinIO, then compared with the target's copy. */
export const MIRROR_DRILL_SCRIPT = `
set -eu
${ALIASES}
i=0
until [ -s "$SCRATCH/.key" ] && mc alias set scratch "http://$SCRATCH_ADDRESS" drill "$(cat "$SCRATCH/.key")" >/dev/null 2>&1 && mc ls scratch >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 120 ] || { echo "drill FAILED: the scratch MinIO did not start"; exit 1; }; sleep 1
done
fail=0; total=0
for b in $BUCKETS; do
  want=$(mc cat "dst/$S3_BUCKET/$BACKUP_PREFIX.counts/$b" 2>/dev/null) || { echo "$b: not at the target"; fail=1; continue; }
  [ "$want" -gt 0 ] || { echo "$b: empty when mirrored"; continue; }
  mc mb --ignore-existing "scratch/$b" >/dev/null
  mc mirror --quiet "dst/$S3_BUCKET/$BACKUP_PREFIX$b" "scratch/$b" >/dev/null
  got=$(mc ls --recursive "scratch/$b" | wc -l)
  differ=$(mc diff "dst/$S3_BUCKET/$BACKUP_PREFIX$b" "scratch/$b" | wc -l)
  if [ "$got" -ne "$want" ] || [ "$differ" -ne 0 ]; then echo "$b: $got of $want objects restored, $differ differ"; fail=1; else echo "$b: $got objects restored and identical"; fi
  total=$((total + got))
done
[ "$fail" -eq 0 ] || { echo "drill FAILED"; exit 1; }
echo "drill passed: $total objects"
`.trim();

/**
 * The target's copy of each bucket in $BUCKETS mirrored back into the live store. The source's keys are a user that
 * may read and write the buckets but not make them: a store that lost its buckets lost its users too (MinIO keeps
 * them on the same volume), so its own setup ($SETUP) runs first and makes both.
 */
export const MIRROR_RESTORE_SCRIPT = `
set -eu
${ALIASES}
${SOURCE_ALIAS}
for b in $BUCKETS; do
  mc ls "src/$b" >/dev/null 2>&1 || { echo "$b: the store has no such bucket, or these keys cannot open it: $SETUP, then run this again"; exit 1; }
  n=$(mc cat "dst/$S3_BUCKET/$BACKUP_PREFIX.counts/$b" 2>/dev/null) || { echo "$b: never mirrored, nothing to restore"; continue; }
  [ "$n" -gt 0 ] || { echo "$b: empty when mirrored"; continue; }
  mc mirror --overwrite --quiet "dst/$S3_BUCKET/$BACKUP_PREFIX$b" "src/$b" >/dev/null
  echo "$b: $(mc ls --recursive "src/$b" | wc -l) objects after the restore"
done
`.trim();

export function bucketMirror(args: NamespaceBackupsArgs, targetSecret: k8s.core.v1.Secret, opts: pulumi.CustomResourceOptions, m: BucketMirror): BackedUpStore {
  const ns = args.namespaceName;
  const clients: PodGroup = { name: `backup-${m.name}`, namespace: ns, own: args.namespace, selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [`backup-${m.name}`, `restore-${m.name}`] }] } };
  allowFlow({ name: `backup-${m.name}`, from: { pods: clients }, to: { pods: m.source.pods }, ports: [{ port: m.source.port }], why: `backup-${m.name} mirrors ${m.what} to the backup target, restore-${m.name} mirrors it back` }, args.instance, opts);
  const prefix = `${pulumi.getStack()}/${ns}/${m.name}/`;
  // Each step gets the env its script reads, nothing more (a mirror has no retention: the target keeps the latest).
  const where = { BACKUP_PREFIX: prefix, BUCKETS: m.source.buckets.join(" ") };
  const live = { ...where, SOURCE_URL: m.source.url, SOURCE_DIR };
  const source = { name: "source", secret: { secretName: m.source.secret, items: [{ key: m.source.accessKey, path: "accesskey" }, { key: m.source.secretKey, path: "secretkey" }], defaultMode: 0o440 } };
  const sourceMount = { name: "source", mountPath: SOURCE_DIR, readOnly: true };
  const mc = (name: string, script: string, env: EnvMap, extra: Step["volumeMounts"] = []): Step => ({
    name,
    image: m.clientImage,
    size: "small",
    command: ["/bin/sh", "-c", script],
    // mc keeps its aliases under $HOME/.mc (MC_CONFIG_DIR, set by the scripts, points it at /tmp/mc).
    env: { BACKUP_TARGET_DIR: TARGET_DIR, HOME: "/tmp", ...env },
    volumeMounts: [TARGET_MOUNT, { name: "tmp", mountPath: "/tmp" }, ...(extra ?? [])],
  });
  // The mirror and the restore are one step each: the first step is the check that the target is there.
  const reachable = mc("target", `set -eu\n${ALIASES}\nmc ls "dst/$S3_BUCKET" >/dev/null && echo "target s3://$S3_BUCKET reachable"`, {});
  cronJob(args, m.uid, targetSecret, opts, {
    name: `backup-${m.name}`,
    schedule: args.target.settings.schedule,
    volumes: [emptyDir("tmp", "64Mi"), TARGET_VOLUME, source],
    first: reachable,
    then: mc("mirror", MIRROR_SCRIPT, live, [sourceMount]),
  });
  cronJob(args, m.uid, targetSecret, opts, {
    name: `drill-${m.name}`,
    schedule: args.target.settings.drillSchedule,
    volumes: [emptyDir("tmp", "64Mi"), emptyDir("scratch", m.space), TARGET_VOLUME],
    first: reachable,
    server: { name: "scratch-server", image: m.serverImage, size: "small", restartPolicy: "Always", command: ["/bin/sh", "-c", SCRATCH_MINIO_SCRIPT], env: { HOME: "/tmp", ...SCRATCH }, volumeMounts: [{ name: "scratch", mountPath: "/scratch" }, { name: "tmp", mountPath: "/tmp" }] },
    then: mc("verify", MIRROR_DRILL_SCRIPT, { ...where, ...SCRATCH }, [{ name: "scratch", mountPath: "/scratch", readOnly: true }]),
  });
  cronJob(args, m.uid, targetSecret, opts, {
    name: `restore-${m.name}`,
    schedule: args.target.settings.drillSchedule,
    suspend: true,
    volumes: [emptyDir("tmp", "64Mi"), TARGET_VOLUME, source],
    first: reachable,
    then: mc("restore", MIRROR_RESTORE_SCRIPT, { ...live, SETUP: m.source.setup }, [sourceMount]),
  });
  return {
    what: m.what,
    location: `${args.target.location}, prefix ${prefix}<bucket>/`,
    backupNow: `kubectl -n ${ns} create job --from=cronjob/backup-${m.name} backup-${m.name}-now`,
    drillNow: `kubectl -n ${ns} create job --from=cronjob/drill-${m.name} drill-${m.name}-now`,
    restore: `kubectl -n ${ns} create job --from=cronjob/restore-${m.name} restore-${m.name}-now`,
  };
}
