/**
 * Datastore blocks built on StatefulService: Postgres, Redis and ChromaDB, each with a probe that proves
 * the server answers, a non-root user matching the image, and writable scratch paths under a read-only root.
 */
import type * as pulumi from "@pulumi/pulumi";
import { execProbes, httpProbes } from "../lib/probes";
import type { ResourceProfile } from "../lib/resources";
import { emptyDir } from "./pod";
import { StatefulService, type StorageArgs } from "./statefulService";

interface DatastoreArgs {
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  readonly image: pulumi.Input<string>;
  readonly profile: ResourceProfile;
  readonly storage: Omit<StorageArgs, "mountPath" | "subPath">;
  readonly imagePullSecrets?: readonly string[];
}

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;
export const CHROMA_PORT = 8000;

export interface PostgresArgs extends DatastoreArgs {
  readonly database: string;
  readonly user: string;
  /** The Secret and key holding the password (generated; never typed in). */
  readonly passwordSecret: { readonly name: pulumi.Input<string>; readonly key: string };
  /** Checksum of the password Secret, so a rotated password restarts the server. */
  readonly passwordChecksum?: pulumi.Input<string>;
}

/** PostgreSQL (official image; UID 999 is its postgres user). */
export function postgres(name: string, args: PostgresArgs, opts: pulumi.ComponentResourceOptions): StatefulService {
  const identifier = /^[a-z_][a-z0-9_]{0,62}$/;
  if (!identifier.test(args.database)) throw new Error(`Postgres ${name}: database must be a lower-case identifier (got ${args.database})`);
  if (!identifier.test(args.user)) throw new Error(`Postgres ${name}: user must be a lower-case identifier (got ${args.user})`);
  return new StatefulService(
    name,
    {
      namespace: args.namespace,
      instance: args.instance,
      component: "database",
      profile: args.profile,
      uid: 999,
      imagePullSecrets: args.imagePullSecrets,
      port: { port: POSTGRES_PORT, name: "postgres" },
      // PGDATA must be a sub-directory: the volume root holds lost+found and belongs to root.
      storage: { ...args.storage, mountPath: "/var/lib/postgresql/data" },
      volumes: [emptyDir("run"), emptyDir("tmp")],
      checksums: args.passwordChecksum ? { secret: args.passwordChecksum } : undefined,
      container: {
        image: args.image,
        size: "medium",
        env: {
          POSTGRES_DB: args.database,
          POSTGRES_USER: args.user,
          POSTGRES_PASSWORD: { secretKeyRef: { name: args.passwordSecret.name, key: args.passwordSecret.key } },
          PGDATA: "/var/lib/postgresql/data/pgdata",
        },
        volumeMounts: [
          { name: "run", mountPath: "/var/run/postgresql" },
          { name: "tmp", mountPath: "/tmp" },
        ],
        probes: execProbes(["pg_isready", "-h", "127.0.0.1", "-U", args.user, "-d", args.database]),
      },
    },
    opts,
  );
}

/** Redis with append-only persistence (official image; UID 999). */
export function redis(name: string, args: DatastoreArgs, opts: pulumi.ComponentResourceOptions): StatefulService {
  return new StatefulService(
    name,
    {
      namespace: args.namespace,
      instance: args.instance,
      component: "cache",
      profile: args.profile,
      uid: 999,
      imagePullSecrets: args.imagePullSecrets,
      port: { port: REDIS_PORT, name: "redis" },
      storage: { ...args.storage, mountPath: "/data" },
      container: {
        image: args.image,
        size: "small",
        args: ["redis-server", "--appendonly", args.storage.persistence ? "yes" : "no", "--dir", "/data"],
        probes: execProbes(["redis-cli", "ping"]),
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
      namespace: args.namespace,
      instance: args.instance,
      component: "vector-store",
      profile: args.profile,
      imagePullSecrets: args.imagePullSecrets,
      port: { port: CHROMA_PORT, name: "http" },
      storage: { ...args.storage, mountPath: "/data" },
      volumes: [emptyDir("tmp")],
      container: {
        image: args.image,
        size: "medium",
        env: { IS_PERSISTENT: "TRUE", PERSIST_DIRECTORY: "/data", ANONYMIZED_TELEMETRY: "FALSE" },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        probes: httpProbes("http", "/api/v2/heartbeat"),
      },
    },
    opts,
  );
}
