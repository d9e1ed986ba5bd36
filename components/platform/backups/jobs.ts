/**
 * Scheduled backups and restore drills of the datastores a namespace owns. Per store two CronJobs:
 * - `backup-<store>`: the store's own client dumps it (an init container with the store's image) into an emptyDir,
 *   the curl image uploads the files and prunes to the retention (scripts.ts, UPLOAD_SCRIPT);
 * - `drill-<store>`: the curl image fetches the newest complete backup and checks its sums, then the store's image
 *   restores it into a scratch instance inside the pod and checks it against what the backup recorded (table, key
 *   or file counts). A failed drill is a failed Job: `kubectl get jobs` and the Job alerts see it.
 * `kubectl -n <ns> create job --from=cronjob/drill-<store> drill-<store>-now` runs one at once (the outputs list it).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import { CRONJOB_RUN_POLICY } from "../../workloads/cronJob";
import type { ResourceProfile, Size } from "../../lib/resources";
import { buildPodSpec, emptyDir, type EnvMap, type Volume, type VolumeMount } from "../../workloads/pod";
import { allowFlow, type NetworkConfig, type PodGroup } from "../flows";
import { type BucketMirror, bucketMirror } from "./mirror";
import { FETCH_SCRIPT, UPLOAD_SCRIPT } from "./scripts";
import { BACKUP_POD_LABEL, BACKUP_TARGET_SECRET, type BackupTarget, useBackupTarget } from "./target";

/** One datastore's backup: how its image dumps it, and how the same image checks a restored copy. */
export interface StoreBackup {
  /** Names the CronJobs (backup-<name>, drill-<name>) and the store's prefix in the bucket. */
  readonly name: string;
  /** What is backed up, for the outputs and docs. */
  readonly what: string;
  /** The store's image (its client dumps and restores). */
  readonly image: pulumi.Input<string>;
  /** The pod's user: the store's, so its files and its clients' expectations match. */
  readonly uid: number;
  readonly dump: { readonly script: string; readonly image?: pulumi.Input<string>; readonly env?: EnvMap; readonly volumes?: Volume[]; readonly mounts?: VolumeMount[]; readonly size?: Size };
  /**
   * `server`: a scratch server the check restores into over its API, run beside it as a native sidecar (it starts
   * after the fetch and stops when the check is done), with /scratch as its storage.
   */
  readonly drill: { readonly script: string; readonly image?: pulumi.Input<string>; readonly env?: EnvMap; readonly size?: Size; readonly server?: { readonly env: EnvMap; readonly size?: Size } };
  /**
   * Restore into the live store: a suspended CronJob (restore-<name>) run by hand. `stop`: the workload to scale to
   * zero first (a claim cannot be rewritten under its server), as `<kind>/<name>`.
   */
  readonly restore: { readonly script: string; readonly image?: pulumi.Input<string>; readonly env?: EnvMap; readonly volumes?: Volume[]; readonly mounts?: VolumeMount[]; readonly stop?: string };
  /** The emptyDir the dump and the restored copy live in. @default 10Gi */
  readonly space?: string;
  /** The store's pods and port when the dump talks to the server (a flow from the backup pods). */
  readonly reach?: { readonly pods: PodGroup; readonly port: number };
  /** Labels of the pods mounting a ReadWriteOnce claim the dump reads: the backup pod runs on their node. */
  readonly besidePods?: Readonly<Record<string, string>>;
}

export interface NamespaceBackupsArgs {
  readonly namespace: pulumi.Input<string>;
  readonly namespaceName: string;
  readonly instance: string;
  readonly target: BackupTarget;
  readonly network: NetworkConfig;
  readonly profile: ResourceProfile;
  readonly imagePullSecrets: readonly string[];
  /** The curl image (the platform's wait-for) that moves the files. */
  readonly curlImage: pulumi.Input<string>;
}

/** What `backups(...)` set up, for the outputs: where each store's backups go and the commands to run one now. */
export interface BackedUpStore {
  readonly what: string;
  readonly location: string;
  readonly backupNow: string;
  readonly drillNow: string;
  /** The newest backup back into the live store (BACKUP_STAMP set on the CronJob picks another). */
  readonly restore: string;
}

const DIRS = { backup: "/backup", restore: "/restore", scratch: "/scratch" } as const;

export const TARGET_DIR = "/etc/backup-target";

/**
 * Where this store's backups are, for the curl containers; the target's keys are files of the mounted backup-target
 * Secret (TARGET_VOLUME), read by the scripts, so nothing secret is in the pod's env.
 */
function transferEnv(prefix: string): EnvMap {
  return { BACKUP_TARGET_DIR: TARGET_DIR, BACKUP_PREFIX: prefix };
}
export const TARGET_VOLUME: Volume = { name: "backup-target", secret: { secretName: BACKUP_TARGET_SECRET, defaultMode: 0o440 } };
export const TARGET_MOUNT: VolumeMount = { name: "backup-target", mountPath: TARGET_DIR, readOnly: true };

/** Backups of the stores of one namespace: its backup-target Secret and flow once, then two CronJobs per store. */
export function namespaceBackups(args: NamespaceBackupsArgs, opts: pulumi.CustomResourceOptions): NamespaceBackUp {
  const { secret } = useBackupTarget(args.instance, { namespace: args.namespace, namespaceName: args.namespaceName, instance: args.instance, target: args.target, network: args.network }, opts);
  const backUp = (store: StoreBackup): BackedUpStore => {
    if (store.reach) {
      // Only the dump and the restore talk to the live server; the drill restores into its own pod.
      const clients: PodGroup = { name: `backup-${store.name}`, namespace: args.namespaceName, own: args.namespace, selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [`backup-${store.name}`, `restore-${store.name}`] }] } };
      allowFlow({ name: `backup-${store.name}`, from: { pods: clients }, to: { pods: store.reach.pods }, ports: [{ port: store.reach.port }], why: `backup-${store.name} dumps ${store.what}, restore-${store.name} restores it` }, args.instance, opts);
    }
    const prefix = `${pulumi.getStack()}/${args.namespaceName}/${store.name}/`;
    const transfer = transferEnv(prefix);
    const space = store.space ?? "10Gi";
    cronJob(args, store.uid, secret, opts, {
      name: `backup-${store.name}`,
      schedule: args.target.settings.schedule,
      volumes: [emptyDir("backup", space), emptyDir("tmp", "64Mi"), TARGET_VOLUME, ...(store.dump.volumes ?? [])],
      first: { name: "dump", image: store.dump.image ?? store.image, size: store.dump.size ?? "small", command: ["/bin/sh", "-c", store.dump.script], env: { ...store.dump.env, BACKUP_DIR: DIRS.backup }, volumeMounts: [{ name: "backup", mountPath: DIRS.backup }, { name: "tmp", mountPath: "/tmp" }, ...(store.dump.mounts ?? [])] },
      then: { name: "upload", image: args.curlImage, size: "tiny", command: ["/bin/sh", "-c", UPLOAD_SCRIPT], env: { ...transfer, BACKUP_DIR: DIRS.backup, RETENTION: String(args.target.settings.retention) }, volumeMounts: [{ name: "backup", mountPath: DIRS.backup }, TARGET_MOUNT] },
      besidePods: store.besidePods,
    });
    cronJob(args, store.uid, secret, opts, {
      name: `drill-${store.name}`,
      schedule: args.target.settings.drillSchedule,
      volumes: [emptyDir("restore", space), emptyDir("scratch", space), emptyDir("tmp", "64Mi"), TARGET_VOLUME],
      first: { name: "fetch", image: args.curlImage, size: "tiny", command: ["/bin/sh", "-c", FETCH_SCRIPT], env: { ...transfer, RESTORE_DIR: DIRS.restore, BACKUP_STAMP: "" }, volumeMounts: [{ name: "restore", mountPath: DIRS.restore }, TARGET_MOUNT] },
      ...(store.drill.server
        ? { server: { name: "scratch-server", image: store.image, size: store.drill.server.size ?? "small", restartPolicy: "Always" as const, env: store.drill.server.env, volumeMounts: [{ name: "scratch", mountPath: DIRS.scratch }, { name: "tmp", mountPath: "/tmp" }] } }
        : {}),
      then: {
        name: "verify",
        image: store.drill.image ?? store.image,
        size: store.drill.size ?? "small",
        command: ["/bin/sh", "-c", store.drill.script],
        // The scratch copy is the check's own, or, with a scratch server, the server's (the check talks to its API).
        env: { ...store.drill.env, RESTORE_DIR: DIRS.restore, ...(store.drill.server ? {} : { SCRATCH: DIRS.scratch }) },
        volumeMounts: [{ name: "restore", mountPath: DIRS.restore, readOnly: true }, ...(store.drill.server ? [] : [{ name: "scratch", mountPath: DIRS.scratch }]), { name: "tmp", mountPath: "/tmp" }],
      },
    });
    cronJob(args, store.uid, secret, opts, {
      name: `restore-${store.name}`,
      schedule: args.target.settings.drillSchedule,
      suspend: true,
      volumes: [emptyDir("restore", space), emptyDir("tmp", "64Mi"), TARGET_VOLUME, ...(store.restore.volumes ?? [])],
      first: { name: "fetch", image: args.curlImage, size: "tiny", command: ["/bin/sh", "-c", FETCH_SCRIPT], env: { ...transfer, RESTORE_DIR: DIRS.restore, BACKUP_STAMP: "" }, volumeMounts: [{ name: "restore", mountPath: DIRS.restore }, TARGET_MOUNT] },
      then: {
        name: "restore",
        image: store.restore.image ?? store.image,
        size: store.dump.size ?? "small",
        command: ["/bin/sh", "-c", store.restore.script],
        env: { ...store.restore.env, RESTORE_DIR: DIRS.restore },
        volumeMounts: [{ name: "restore", mountPath: DIRS.restore, readOnly: true }, { name: "tmp", mountPath: "/tmp" }, ...(store.restore.mounts ?? [])],
      },
    });
    const ns = args.namespaceName;
    const run = `kubectl -n ${ns} create job --from=cronjob/restore-${store.name} restore-${store.name}-now`;
    const stop = store.restore.stop;
    return {
      what: store.what,
      location: `${args.target.location}, prefix ${prefix}`,
      backupNow: `kubectl -n ${ns} create job --from=cronjob/backup-${store.name} backup-${store.name}-now`,
      drillNow: `kubectl -n ${ns} create job --from=cronjob/drill-${store.name} drill-${store.name}-now`,
      restore: stop
        ? `kubectl -n ${ns} scale ${stop} --replicas=0 && ${run} && kubectl -n ${ns} wait --for=condition=complete --timeout=3h job/restore-${store.name}-now && kubectl -n ${ns} scale ${stop} --replicas=1`
        : run,
    };
  };
  return Object.assign(backUp, { mirror: (m: BucketMirror) => bucketMirror(args, secret, opts, m) });
}

/** Backs up one store of the namespace; `mirror` mirrors an object store's buckets to the (external) target. */
export type NamespaceBackUp = ((store: StoreBackup) => BackedUpStore) & { readonly mirror: (m: BucketMirror) => BackedUpStore };

export type Step = Parameters<typeof buildPodSpec>[0]["containers"][number];

/** One backup, drill or restore CronJob: its first step (an init container), an optional native sidecar, then its check. */
export function cronJob(
  args: NamespaceBackupsArgs,
  uid: number,
  targetSecret: k8s.core.v1.Secret,
  opts: pulumi.CustomResourceOptions,
  job: { name: string; schedule: string; suspend?: boolean; volumes: Volume[]; first: Step; server?: Step; then: Step; besidePods?: Readonly<Record<string, string>> },
): k8s.batch.v1.CronJob {
  const labels = { ...standardLabels(job.name, args.instance, "backup"), [BACKUP_POD_LABEL]: "true" };
  return new k8s.batch.v1.CronJob(
    job.name,
    {
      metadata: { name: job.name, namespace: args.namespace, labels },
      spec: {
        schedule: job.schedule,
        suspend: job.suspend ?? false,
        ...CRONJOB_RUN_POLICY,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 3 * 3600,
            template: {
              metadata: { labels },
              spec: buildPodSpec({
                profile: args.profile,
                uid,
                // Each attempt a new pod: a retried dump starts from an empty directory.
                restartPolicy: "Never",
                imagePullSecrets: args.imagePullSecrets,
                volumes: job.volumes,
                initContainers: [job.first, ...(job.server ? [job.server] : [])],
                containers: [job.then],
                besidePods: job.besidePods,
              }),
            },
          },
        },
      },
    },
    { ...opts, dependsOn: [targetSecret] },
  );
}
