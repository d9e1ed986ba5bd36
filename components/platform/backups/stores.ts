/** The backups of each kind of datastore (jobs.ts runs them): PostgreSQL, Redis, and a claim's files. */
import type * as pulumi from "@pulumi/pulumi";
import type { PodGroup } from "../flows";
import type { StoreBackup } from "./jobs";
import {
  CLAIM_DRILL_SCRIPT,
  CLAIM_DUMP_SCRIPT,
  CLAIM_RESTORE_SCRIPT,
  PG_DRILL_SCRIPT,
  PG_DUMP_SCRIPT,
  PG_RESTORE_SCRIPT,
  REDIS_DRILL_SCRIPT,
  REDIS_DUMP_SCRIPT,
  REDIS_RESTORE_SCRIPT,
} from "./scripts";

const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;

/**
 * A PostgreSQL server: every database and the roles, dumped by its own image's pg_dump over its Service as its
 * superuser (the user the image created). `uid`: the image's postgres user (999 in the official and harbor-db images).
 */
export function postgresBackup(
  name: string,
  a: { readonly image: pulumi.Input<string>; readonly host: string; readonly user: string; readonly password: { readonly name: string; readonly key: string }; readonly pods: PodGroup; readonly what: string; readonly uid?: number },
): StoreBackup {
  const env = { PGHOST: a.host, PGPORT: String(POSTGRES_PORT), PGUSER: a.user, PGPASSWORD: { secretKeyRef: { name: a.password.name, key: a.password.key } } };
  return {
    name,
    what: a.what,
    image: a.image,
    uid: a.uid ?? 999,
    dump: { script: PG_DUMP_SCRIPT, env, size: "medium" },
    drill: { script: PG_DRILL_SCRIPT, size: "medium" },
    restore: { script: PG_RESTORE_SCRIPT, env },
    reach: { pods: a.pods, port: POSTGRES_PORT },
  };
}

/**
 * A Redis server: an RDB taken over its Service with the password from its redis.conf Secret (never in the env).
 * `statefulSet`: its StatefulSet, whose claim (data-<name>-0) a restore rewrites while it is scaled to zero.
 */
export function redisBackup(
  name: string,
  a: { readonly image: pulumi.Input<string>; readonly host: string; readonly configSecret: string; readonly pods: PodGroup; readonly what: string; readonly statefulSet: string },
): StoreBackup {
  return {
    name,
    what: a.what,
    image: a.image,
    uid: 999,
    dump: {
      script: REDIS_DUMP_SCRIPT,
      env: { REDIS_HOST: a.host, REDIS_PORT: String(REDIS_PORT), REDIS_CONF: "/etc/redis/redis.conf" },
      volumes: [{ name: "redis-conf", secret: { secretName: a.configSecret, items: [{ key: "redis.conf", path: "redis.conf" }], defaultMode: 0o440 } }],
      mounts: [{ name: "redis-conf", mountPath: "/etc/redis", readOnly: true }],
    },
    drill: { script: REDIS_DRILL_SCRIPT },
    restore: {
      script: REDIS_RESTORE_SCRIPT,
      env: { DATA_DIR: "/data" },
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: `data-${a.statefulSet}-0` } }],
      mounts: [{ name: "data", mountPath: "/data" }],
      stop: `statefulset/${a.statefulSet}`,
    },
    reach: { pods: a.pods, port: REDIS_PORT },
  };
}

/**
 * A claim's files, archived by the curl image (BusyBox tar) from a read-only mount, on the node of the pods that
 * mount it (a ReadWriteOnce claim is attachable to one node). `uid`: the owner of the files.
 */
export function claimBackup(
  name: string,
  a: {
    readonly image: pulumi.Input<string>;
    readonly claim: string;
    readonly uid: number;
    readonly besidePods: Readonly<Record<string, string>>;
    readonly what: string;
    readonly space?: string;
    /** The workload that mounts it, `<kind>/<name>`: scaled to zero while a restore rewrites the claim. */
    readonly owner: string;
  },
): StoreBackup {
  return {
    name,
    what: a.what,
    image: a.image,
    uid: a.uid,
    dump: {
      script: CLAIM_DUMP_SCRIPT,
      env: { DATA_DIR: "/data" },
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: a.claim, readOnly: true } }],
      mounts: [{ name: "data", mountPath: "/data", readOnly: true }],
    },
    drill: { script: CLAIM_DRILL_SCRIPT },
    restore: {
      script: CLAIM_RESTORE_SCRIPT,
      env: { DATA_DIR: "/data" },
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: a.claim } }],
      mounts: [{ name: "data", mountPath: "/data" }],
      stop: a.owner,
    },
    besidePods: a.besidePods,
    ...(a.space ? { space: a.space } : {}),
  };
}
