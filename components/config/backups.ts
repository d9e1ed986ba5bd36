/**
 * The backup slice: when every datastore's backup runs, how many are kept, when each is restored into a scratch
 * instance and checked (the drill), and where they go: an S3 bucket outside the cluster when backupS3Endpoint is
 * set, otherwise the platform's own object store (bucket platform-backups) when a suite provides one.
 */
import type { BackupSettings } from "../platform/backups/target";
import type { Reader } from "./reader";
import type { KeySpec } from "./schema";

const group = "Backups";
/** An S3 bucket name (lower case, digits, '.', '-'; 3-63). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const BACKUP_SCHEMA = {
  backupSchedule: { type: "string", group, default: "30 2 * * *", description: "Cron schedule of every datastore's backup CronJob (backup-<store>)." },
  backupDrillSchedule: {
    type: "string",
    group,
    default: "30 4 * * 0",
    description: "Cron schedule of the restore drills (drill-<store>): the newest backup restored into a scratch instance in the Job's pod and checked against what the backup recorded.",
  },
  backupRetention: { type: "integer", group, default: 7, description: "Backups kept per datastore (the oldest complete ones beyond this are deleted after each backup); 1-365." },
  backupS3Endpoint: {
    type: "string",
    group,
    default: "",
    description: "S3 endpoint (https://...) of a bucket outside the cluster for the backups. Empty: the platform's object store (MinIO, bucket platform-backups), which does not survive the cluster; MinIO's own buckets are backed up only to an endpoint set here.",
  },
  backupS3Bucket: { type: "string", group, default: "", description: "The bucket at backupS3Endpoint (it must exist)." },
  backupS3Region: { type: "string", group, default: "us-east-1", description: "Region the requests to backupS3Endpoint are signed for." },
  backupS3AccessKeyId: { type: "string", group, default: "", secret: true, description: "Access key id for backupS3Bucket (set with --secret)." },
  backupS3SecretAccessKey: { type: "string", group, default: "", secret: true, description: "Secret access key for backupS3Bucket (set with --secret)." },
} as const satisfies Record<string, KeySpec>;

export type BackupSchema = typeof BACKUP_SCHEMA;

export function parseBackups(r: Reader<BackupSchema>): BackupSettings {
  const schedule = r.cron("backupSchedule", "30 2 * * *");
  const drillSchedule = r.cron("backupDrillSchedule", "30 4 * * 0");
  const retention = r.intInRange("backupRetention", 1, 365);
  const endpoint = r.url("backupS3Endpoint", { originOnly: true });
  const bucket = r.get("backupS3Bucket");
  const region = r.matching("backupS3Region", /^[a-z0-9-]+$/, "a region name such as us-east-1");
  const accessKey = r.secret("backupS3AccessKeyId");
  const secretKey = r.secret("backupS3SecretAccessKey");
  if (!endpoint) {
    for (const key of ["backupS3Bucket", "backupS3AccessKeyId", "backupS3SecretAccessKey"] as const) {
      if (r.get(key) !== "") r.problem(key, "is set without backupS3Endpoint: set the endpoint too, or unset it");
    }
    return { schedule, drillSchedule, retention };
  }
  if (!BUCKET.test(bucket)) r.problem("backupS3Bucket", `is required with backupS3Endpoint: an S3 bucket name (got ${JSON.stringify(bucket)})`);
  if (!accessKey) r.problem("backupS3AccessKeyId", "is required with backupS3Endpoint (set it with --secret)");
  if (!secretKey) r.problem("backupS3SecretAccessKey", "is required with backupS3Endpoint (set it with --secret)");
  // The dumps leave the cluster: over TLS only.
  if (!endpoint.startsWith("https:")) r.problem("backupS3Endpoint", `must be an https:// endpoint: the backups leave the cluster (got ${JSON.stringify(endpoint)})`);
  return { schedule, drillSchedule, retention, ...(accessKey && secretKey && BUCKET.test(bucket) ? { external: { endpoint, bucket, region, accessKey, secretKey } } : {}) };
}
