/**
 * Contracts of the datastore images several suites share (components/lib/contracts.ts), read at their pinned
 * tags; the suites' catalogues list them beside their references.
 */
import { type ContainerView, flagValue, type ImageContract } from "../lib/contracts";

/**
 * library/postgres 16.6 (docker-library/postgres 16/bookworm at 960ebdf1..607fdbda): docker-entrypoint.sh,
 * CMD postgres; file_env reads each of these or its _FILE twin (the value is exported into the server's own
 * environment, entrypoint:9-25); init scripts run only on an empty data directory; uid 999.
 */
/**
 * The environment libpq reads (PostgreSQL's client library, "Environment Variables" of its manual), so every client
 * in a PostgreSQL image (psql, pg_dump, pg_restore, pg_isready) takes its server and login from these.
 */
export const LIBPQ_ENV = ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGPASSFILE"];

export const POSTGRES_CONTRACT: ImageContract = {
  source: { repo: "docker-library/postgres", ref: "16.6 (16/bookworm)", files: ["16/bookworm/Dockerfile", "16/bookworm/docker-entrypoint.sh"] },
  runs: ["docker-entrypoint.sh", "postgres"],
  env: [
    "POSTGRES_PASSWORD",
    "POSTGRES_PASSWORD_FILE",
    "POSTGRES_USER",
    "POSTGRES_USER_FILE",
    "POSTGRES_DB",
    "POSTGRES_DB_FILE",
    "POSTGRES_INITDB_ARGS",
    "POSTGRES_INITDB_WALDIR",
    "POSTGRES_HOST_AUTH_METHOD",
    "PGDATA",
    ...LIBPQ_ENV,
  ],
  listens: (c: ContainerView) => [Number(c.args.map((a) => /^port=(\d+)$/.exec(a)?.[1]).find(Boolean) ?? c.env.PGPORT ?? 5432)],
  user: 999,
  writes: ["$PGDATA", "/var/run/postgresql", "/tmp"],
};

/**
 * library/redis 7.4.2 (docker-library/redis docker-entrypoint.sh template, unchanged since 76c393fd): a first
 * argument ending in .conf gets redis-server prepended; the server reads no env; port from `port`/--port.
 */
export const REDIS_CONTRACT: ImageContract = {
  source: { repo: "docker-library/redis", ref: "7.4.2", files: ["docker-entrypoint.sh", "7.4/debian/Dockerfile (image history of redis:7.4.2)"] },
  runs: ["docker-entrypoint.sh", "redis-server"],
  env: [],
  listens: (c) => [Number(flagValue(c.args, "--port") ?? 6379)],
  user: 999,
  writes: ["/data"],
};

/**
 * qdrant/qdrant v1.12.5-unprivileged (qdrant/qdrant v1.12.5: Dockerfile, config/config.yaml, src/settings.rs):
 * every config key as QDRANT__<SECTION>__<KEY>; HTTP 6333 and gRPC 6334 unless set; /healthz, /livez and
 * /readyz answer without the API key; uid 1000.
 */
export const QDRANT_CONTRACT: ImageContract = {
  source: { repo: "qdrant/qdrant", ref: "v1.12.5", files: ["Dockerfile", "config/config.yaml", "src/settings.rs", "src/actix/api/service_api.rs", "src/actix/mod.rs"] },
  runs: ["./entrypoint.sh"],
  env: ["RUN_MODE", "QDRANT_INIT_FILE_PATH", "TZ"],
  envPrefixes: ["QDRANT__"],
  listens: (c) => [Number(c.env.QDRANT__SERVICE__HTTP_PORT ?? 6333), Number(c.env.QDRANT__SERVICE__GRPC_PORT ?? 6334)],
  httpPaths: ["/healthz", "/livez", "/readyz", "/metrics", "/"],
  user: 1000,
  writes: ["/qdrant/storage", "/qdrant/snapshots"],
};
