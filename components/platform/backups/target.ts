/**
 * Where backups go. An S3 bucket outside the cluster (backupS3*: the backups survive the cluster they protect), or
 * else the platform's object store (the mlops suite's MinIO, bucket platform-backups: off the datastores' volumes,
 * not off the cluster). Each namespace that backs something up keeps the target's keys in a Secret of its own
 * (`backup-target`), and declares the flow from its backup pods to the target.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { checksum } from "../../lib/checksum";
import { standardLabels } from "../../lib/labels";
import { allowFlow, type NetworkConfig, type PodGroup } from "../flows";
import type { ObjectStore, ObjectStoreGrant } from "../objectStore";

export interface ExternalBucket {
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKey: pulumi.Output<string>;
  readonly secretKey: pulumi.Output<string>;
}

/** The stack's backup config (config/backups.ts). */
export interface BackupSettings {
  readonly schedule: string;
  readonly drillSchedule: string;
  readonly retention: number;
  readonly external?: ExternalBucket;
}

/** The bucket the platform's object store keeps backups in when no external one is configured. */
export const BACKUP_BUCKET = "platform-backups";
/** The object store's user every backup and drill pod uses: platform-backups, read-write (a drill reads, a prune deletes). */
export const BACKUP_GRANT: ObjectStoreGrant = { user: "backups", buckets: [BACKUP_BUCKET], access: "readwrite", holder: "every namespace's backup, drill and restore pods (Secret backup-target)" };
export const BACKUP_TARGET_SECRET = "backup-target";
/** Every backup and drill pod carries it: the flows to the target and to the stores select on it. */
export const BACKUP_POD_LABEL = "llm-platform/backup";

export interface BackupTarget {
  readonly settings: BackupSettings;
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKey: pulumi.Input<string>;
  readonly secretKey: pulumi.Output<string>;
  /** The object store's pods when the target is in the cluster; absent for an external endpoint (internet egress). */
  readonly store?: { readonly pods: PodGroup; readonly port: number; readonly provider: string };
  /** Says where, for outputs and docs: s3://bucket at endpoint. */
  readonly location: string;
}

/** The external bucket when configured, else the platform's object store, else none (nothing is backed up: preview warns). */
export function backupTarget(settings: BackupSettings, objectStore: ObjectStore | undefined): BackupTarget | undefined {
  const ext = settings.external;
  if (ext) return { settings, ...ext, location: `s3://${ext.bucket} at ${ext.endpoint}` };
  if (!objectStore) return undefined;
  return {
    settings,
    endpoint: objectStore.endpoint,
    bucket: BACKUP_BUCKET,
    region: objectStore.region,
    ...objectStore.keys(BACKUP_GRANT.user),
    store: { pods: objectStore.pods, port: objectStore.port, provider: objectStore.provider },
    location: `s3://${BACKUP_BUCKET} in the platform's object store (${objectStore.provider})`,
  };
}

/** The backup and drill pods of one namespace. */
export function backupPods(namespace: string, own: pulumi.Input<string> | undefined): PodGroup {
  // Named after the namespace: the target's side of the flow is one policy per backing-up namespace in the store's namespace.
  return { name: `${namespace}-backups`, namespace, own, selector: { matchLabels: { [BACKUP_POD_LABEL]: "true" } } };
}

/**
 * The namespace's `backup-target` Secret (the AWS SDK's names, S3_ENDPOINT_URL, S3_BUCKET) and the flow from its
 * backup pods to the target: the object store's pods, or the internet on the endpoint's port.
 */
export function useBackupTarget(
  name: string,
  args: { namespace: pulumi.Input<string>; namespaceName: string; instance: string; target: BackupTarget; network: NetworkConfig },
  opts: pulumi.CustomResourceOptions,
): { secret: k8s.core.v1.Secret; checksum: pulumi.Output<string> } {
  const t = args.target;
  const pods = backupPods(args.namespaceName, args.namespace);
  const flow = { name: `${pods.name}-to-target`, from: { pods }, why: `backups of ${args.instance} go to ${t.location}` };
  if (t.store) allowFlow({ ...flow, to: { pods: t.store.pods }, ports: [{ port: t.store.port }] }, args.instance, opts);
  else allowFlow({ ...flow, to: { external: args.network.internet }, ports: [{ port: Number(new URL(t.endpoint).port || 443) }] }, args.instance, opts);
  const stringData = { AWS_ACCESS_KEY_ID: t.accessKey, AWS_SECRET_ACCESS_KEY: t.secretKey, AWS_REGION: t.region, S3_ENDPOINT_URL: t.endpoint, S3_BUCKET: t.bucket };
  const secret = new k8s.core.v1.Secret(
    `${name}-backup-target`,
    { metadata: { name: BACKUP_TARGET_SECRET, namespace: args.namespace, labels: standardLabels(BACKUP_TARGET_SECRET, args.instance, "backup") }, type: "Opaque", stringData },
    opts,
  );
  return { secret, checksum: checksum(stringData) };
}
