/** The backups of each kind of datastore (jobs.ts runs them): PostgreSQL, Redis, and a claim's files. */
import type * as pulumi from "@pulumi/pulumi";
import type { Volume, VolumeMount } from "../../workloads/pod";
import type { PodGroup } from "../flows";
import type { StoreBackup } from "./jobs";
import {
  CLAIM_DRILL_SCRIPT,
  CLAIM_DUMP_SCRIPT,
  CLAIM_RESTORE_SCRIPT,
  PG_DRILL_SCRIPT,
  PG_DUMP_SCRIPT,
  PG_RESTORE_SCRIPT,
  QDRANT_DRILL_SCRIPT,
  QDRANT_DUMP_SCRIPT,
  QDRANT_RESTORE_SCRIPT,
  REDIS_DRILL_SCRIPT,
  REDIS_DUMP_SCRIPT,
  REDIS_RESTORE_SCRIPT,
  SQLITE_CLAIM_DRILL_SCRIPT,
  SQLITE_CLAIM_DUMP_SCRIPT,
  SQLITE_CLAIM_RESTORE_SCRIPT,
} from "./scripts";

const POSTGRES_PORT = 5432;
const SECRET_DIR = "/etc/backup-store";

/** One key of a store's Secret as a file (SECRET_DIR/<file>) for its client: files, not env, for what is secret. */
function secretFile(ref: { readonly name: string; readonly key: string }, file: string): { volumes: Volume[]; mounts: VolumeMount[] } {
  return {
    volumes: [{ name: "store-secret", secret: { secretName: ref.name, items: [{ key: ref.key, path: file }], defaultMode: 0o440 } }],
    mounts: [{ name: "store-secret", mountPath: SECRET_DIR, readOnly: true }],
  };
}
const REDIS_PORT = 6379;

/**
 * A PostgreSQL server: every database and the roles, dumped by its own image's pg_dump over its Service as its
 * superuser (the user the image created). `uid`: the image's postgres user (999 in the official and harbor-db images).
 */
export function postgresBackup(
  name: string,
  a: { readonly image: pulumi.Input<string>; readonly host: string; readonly user: string; readonly password: { readonly name: string; readonly key: string }; readonly pods: PodGroup; readonly what: string; readonly uid?: number },
): StoreBackup {
  const env = { PGHOST: a.host, PGPORT: String(POSTGRES_PORT), PGUSER: a.user, PGPASSWORD_FILE: `${SECRET_DIR}/password` };
  const password = secretFile(a.password, "password");
  return {
    name,
    what: a.what,
    image: a.image,
    uid: a.uid ?? 999,
    dump: { script: PG_DUMP_SCRIPT, env, size: "medium", ...password },
    drill: { script: PG_DRILL_SCRIPT, size: "medium" },
    restore: { script: PG_RESTORE_SCRIPT, env, ...password },
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
 * A claim's files, archived from a read-only mount by the curl image (BusyBox tar), on the node of the pods that
 * mount it (a ReadWriteOnce claim is attachable to one node). `sqlite`: the claim holds SQLite databases in use; the
 * application's image (python3) copies them with SQLite's online backup and archives the rest, mounting the claim
 * writable (SQLite reads a WAL database only where it can write its -shm file). `uid`: the owner of the files.
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
    readonly sqlite?: boolean;
  },
): StoreBackup {
  const scripts = a.sqlite
    ? { dump: SQLITE_CLAIM_DUMP_SCRIPT, drill: SQLITE_CLAIM_DRILL_SCRIPT, restore: SQLITE_CLAIM_RESTORE_SCRIPT }
    : { dump: CLAIM_DUMP_SCRIPT, drill: CLAIM_DRILL_SCRIPT, restore: CLAIM_RESTORE_SCRIPT };
  const claim = (readOnly: boolean) => ({ volumes: [{ name: "data", persistentVolumeClaim: { claimName: a.claim, ...(readOnly ? { readOnly } : {}) } }], mounts: [{ name: "data", mountPath: "/data", ...(readOnly ? { readOnly } : {}) }] });
  return {
    name,
    what: a.what,
    image: a.image,
    uid: a.uid,
    dump: { script: scripts.dump, env: { DATA_DIR: "/data" }, ...claim(!a.sqlite) },
    drill: { script: scripts.drill },
    restore: { script: scripts.restore, env: { DATA_DIR: "/data" }, ...claim(false), stop: a.owner },
    besidePods: a.besidePods,
    ...(a.space ? { space: a.space } : {}),
  };
}

/**
 * A Qdrant server: each collection's snapshot taken over its API (the curl image, the key from its Secret); the
 * drill restores them into a scratch Qdrant of the same image beside the check, the restore into the live server.
 */
export function qdrantBackup(
  name: string,
  a: { readonly image: pulumi.Input<string>; readonly curlImage: pulumi.Input<string>; readonly url: string; readonly apiKey: { readonly name: string; readonly key: string }; readonly pods: PodGroup; readonly port: number; readonly uid: number; readonly what: string },
): StoreBackup {
  const live = { QDRANT_URL: a.url, QDRANT_API_KEY_FILE: `${SECRET_DIR}/api-key` };
  const key = secretFile(a.apiKey, "api-key");
  return {
    name,
    what: a.what,
    image: a.image,
    uid: a.uid,
    dump: { script: QDRANT_DUMP_SCRIPT, image: a.curlImage, env: live, ...key },
    drill: {
      script: QDRANT_DRILL_SCRIPT,
      image: a.curlImage,
      env: { QDRANT_URL: "http://127.0.0.1:6333" },
      // Loopback only, its storage in the pod's scratch volume, no key (nothing else can reach it).
      server: {
        size: "medium",
        env: {
          QDRANT__SERVICE__HOST: "127.0.0.1",
          QDRANT__SERVICE__HTTP_PORT: "6333",
          QDRANT__SERVICE__GRPC_PORT: "6334",
          QDRANT__STORAGE__STORAGE_PATH: "/scratch/storage",
          QDRANT__STORAGE__SNAPSHOTS_PATH: "/scratch/snapshots",
          QDRANT__TELEMETRY_DISABLED: "true",
        },
      },
    },
    restore: { script: QDRANT_RESTORE_SCRIPT, image: a.curlImage, env: live, ...key },
    reach: { pods: a.pods, port: a.port },
  };
}
