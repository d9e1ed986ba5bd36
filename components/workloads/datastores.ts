/**
 * Datastore blocks built on StatefulService: Postgres, Redis and ChromaDB, each with a probe that proves
 * the server answers, a non-root user matching the image, and writable scratch paths under a read-only root.
 */
import type * as pulumi from "@pulumi/pulumi";
import { execProbes, httpProbes } from "../lib/probes";
import type { ResourceProfile, Size } from "../lib/resources";
import { emptyDir } from "./pod";
import { StatefulService, type StorageArgs } from "./statefulService";

interface DatastoreArgs {
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  readonly image: pulumi.Input<string>;
  readonly profile: ResourceProfile;
  readonly storage: Omit<StorageArgs, "mountPath" | "subPath">;
  readonly imagePullSecrets?: readonly string[];
  /** Container size; each datastore has a default. */
  readonly size?: Size;
}

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;
const POSTGRES_PASSWORD_DIR = "/etc/postgres-password";

export interface RedisArgs extends DatastoreArgs {
  /**
   * The Secret holding `redis.conf` (`requirepass <password>`) and the key holding the bare password (for the
   * probe's redis-cli). A config file keeps the password off the command line (`ps`, /proc/<pid>/cmdline).
   */
  readonly auth: { readonly configSecret: pulumi.Input<string>; readonly passwordSecret: pulumi.Input<string>; readonly passwordKey: string; readonly checksum?: pulumi.Input<string> };
}
export const CHROMA_PORT = 8000;

export interface PostgresArgs extends DatastoreArgs {
  readonly database: string;
  readonly user: string;
  /** The Secret and key holding the password (generated; never typed in). */
  readonly passwordSecret: { readonly name: pulumi.Input<string>; readonly key: string };
  /** Checksum of the password Secret, so a rotated password restarts the server. */
  readonly passwordChecksum?: pulumi.Input<string>;
}

/** What every datastore's StatefulService shares: placement, labels, pull secrets, its one port and its volume. */
function base(args: DatastoreArgs, component: string, port: { port: number; name: string }, mountPath: string) {
  return {
    namespace: args.namespace,
    instance: args.instance,
    component,
    profile: args.profile,
    imagePullSecrets: args.imagePullSecrets,
    port,
    storage: { ...args.storage, mountPath },
  };
}

/** PostgreSQL (official image; UID 999 is its postgres user). */
export function postgres(name: string, args: PostgresArgs, opts: pulumi.ComponentResourceOptions): StatefulService {
  const identifier = /^[a-z_][a-z0-9_]{0,62}$/;
  if (!identifier.test(args.database)) throw new Error(`Postgres ${name}: database must be a lower-case identifier (got ${args.database})`);
  if (!identifier.test(args.user)) throw new Error(`Postgres ${name}: user must be a lower-case identifier (got ${args.user})`);
  return new StatefulService(
    name,
    {
      // PGDATA must be a sub-directory: the volume root holds lost+found and belongs to root.
      ...base(args, "database", { port: POSTGRES_PORT, name: "postgres" }, "/var/lib/postgresql/data"),
      uid: 999,
      volumes: [
        emptyDir("run"),
        emptyDir("tmp"),
        // The password as a file (the image's POSTGRES_PASSWORD_FILE), not an environment variable every
        // process of the container (and `kubectl describe`'s env listing) would see.
        { name: "password", secret: { secretName: args.passwordSecret.name, items: [{ key: args.passwordSecret.key, path: "password" }], defaultMode: 0o440 } },
      ],
      checksums: args.passwordChecksum ? { secret: args.passwordChecksum } : undefined,
      container: {
        image: args.image,
        size: args.size ?? "medium",
        env: {
          POSTGRES_DB: args.database,
          POSTGRES_USER: args.user,
          POSTGRES_PASSWORD_FILE: `${POSTGRES_PASSWORD_DIR}/password`,
          PGDATA: "/var/lib/postgresql/data/pgdata",
        },
        volumeMounts: [
          { name: "run", mountPath: "/var/run/postgresql" },
          { name: "tmp", mountPath: "/tmp" },
          { name: "password", mountPath: POSTGRES_PASSWORD_DIR, readOnly: true },
        ],
        probes: execProbes(["pg_isready", "-h", "127.0.0.1", "-U", args.user, "-d", args.database]),
      },
    },
    opts,
  );
}

/** Redis with append-only persistence and a password (official image; UID 999). */
export function redis(name: string, args: RedisArgs, opts: pulumi.ComponentResourceOptions): StatefulService {
  return new StatefulService(
    name,
    {
      ...base(args, "cache", { port: REDIS_PORT, name: "redis" }, "/data"),
      uid: 999,
      volumes: [{ name: "config", secret: { secretName: args.auth.configSecret, defaultMode: 0o440 } }],
      checksums: args.auth.checksum ? { auth: args.auth.checksum } : undefined,
      container: {
        image: args.image,
        size: args.size ?? "small",
        // The image's entrypoint runs redis-server for a first argument ending in .conf.
        args: ["/etc/redis/redis.conf", "--appendonly", args.storage.persistence ? "yes" : "no", "--dir", "/data"],
        env: { REDISCLI_AUTH: { secretKeyRef: { name: args.auth.passwordSecret, key: args.auth.passwordKey } } },
        volumeMounts: [{ name: "config", mountPath: "/etc/redis", readOnly: true }],
        // redis-cli takes the password from REDISCLI_AUTH; a NOAUTH reply is not PONG.
        probes: execProbes(["sh", "-c", "redis-cli ping | grep -q PONG"]),
      },
    },
    opts,
  );
}

/** ChromaDB (1.x image: data under /data, health on /api/v2/heartbeat). */
export function chroma(name: string, args: DatastoreArgs, opts: pulumi.ComponentResourceOptions): StatefulService {
  return new StatefulService(
    name,
    {
      ...base(args, "vector-store", { port: CHROMA_PORT, name: "http" }, "/data"),
      volumes: [emptyDir("tmp")],
      container: {
        image: args.image,
        size: args.size ?? "medium",
        env: { IS_PERSISTENT: "TRUE", PERSIST_DIRECTORY: "/data", ANONYMIZED_TELEMETRY: "FALSE" },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        probes: httpProbes("http", "/api/v2/heartbeat"),
      },
    },
    opts,
  );
}
