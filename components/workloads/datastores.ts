/**
 * Datastore blocks built on StatefulService: Postgres, Redis and ChromaDB, each with a probe that proves
 * the server answers, a non-root user matching the image, and writable scratch paths under a read-only root.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { execProbes, httpProbes } from "../lib/probes";
import type { ResourceProfile, Size } from "../lib/resources";
import { emptyDir } from "./pod";
import { DATA_VOLUME, StatefulService, type StorageArgs } from "./statefulService";

interface DatastoreArgs {
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  readonly image: pulumi.Input<string>;
  readonly profile: ResourceProfile;
  readonly storage: Omit<StorageArgs, "mountPath" | "subPath">;
  readonly imagePullSecrets?: readonly string[];
  /** Container size; each datastore has a default. */
  readonly size?: Size;
  /** Exact requests/limits where a seed or config gives them (instead of `size`). */
  readonly resourcesOverride?: k8s.types.input.core.v1.ResourceRequirements;
}

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;
const POSTGRES_PASSWORD_DIR = "/etc/postgres-password";
const POSTGRES_INIT_DIR = "/etc/postgres-init";
const POSTGRES_DATA_MOUNT = "/var/lib/postgresql/data";
const PGDATA = `${POSTGRES_DATA_MOUNT}/pgdata`;

export interface RedisArgs extends DatastoreArgs {
  /**
   * The Secret holding `redis.conf` (`requirepass <password>`). A config file keeps the password off the command
   * line (`ps`, /proc/<pid>/cmdline) and out of the environment.
   */
  readonly auth: { readonly configSecret: pulumi.Input<string>; readonly checksum?: pulumi.Input<string> };
}

/** Ping with the password from the mounted redis.conf. */
export const REDIS_PROBE = `REDISCLI_AUTH="$(sed -n 's/^requirepass //p' /etc/redis/redis.conf)" redis-cli ping | grep -q PONG`;
export const CHROMA_PORT = 8000;

export interface PostgresArgs extends DatastoreArgs {
  readonly database: string;
  readonly user: string;
  /** The Secret and key holding the password (generated; never typed in). */
  readonly passwordSecret: { readonly name: pulumi.Input<string>; readonly key: string };
  /** Checksum of the password Secret, so a rotated password restarts the server. */
  readonly passwordChecksum?: pulumi.Input<string>;
  /**
   * Server settings from a ConfigMap: each parameter's value is the ConfigMap key PG_<PARAMETER> (upper case),
   * passed as `-c parameter=value`, so a change rolls the server.
   */
  readonly settings?: { readonly configMap: pulumi.Input<string>; readonly parameters: readonly string[]; readonly checksum?: pulumi.Input<string> };
  /**
   * Scripts the image runs once on an empty data directory (/docker-entrypoint-initdb.d), with Secret files under
   * /etc/postgres-init; `roles`: the roles they create with a password from one of those keys, which every later
   * start sets again from the Secret (POSTGRES_PASSWORD_SYNC_SCRIPT).
   */
  readonly init?: {
    readonly configMap: pulumi.Input<string>;
    readonly secret: { readonly name: pulumi.Input<string>; readonly keys: readonly string[] };
    readonly roles?: readonly { readonly role: string; readonly key: string }[];
  };
  /** The seed's Service names, when it names them. */
  readonly serviceNames?: { readonly headless: string; readonly client: string };
}

/** The postgres container's args for `settings` (pure, for tests). */
export function postgresSettingsArgs(parameters: readonly string[]): string[] {
  return ["postgres", ...parameters.flatMap((p) => ["-c", `${p}=$(PG_${p.toUpperCase()})`])];
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

/**
 * Run before the server at every start (an init container, same image, same data volume): on an existing data
 * directory, set the user's password (and each `roles` password) from the mounted Secret files, in single-user mode
 * (no network, no login), so a password that changed since the data was created (a rotation, or a stack whose
 * generated values were deleted while its data was kept) still opens it. The image's entrypoint reads
 * POSTGRES_PASSWORD only when it creates the data directory. SYNC_ROLES: "<role>=<password file> ..." for roles an
 * init script created. A failure is printed with the passwords masked.
 */
export const POSTGRES_PASSWORD_SYNC_SCRIPT = `
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then echo "no data directory yet: the entrypoint sets the password when it creates it"; exit 0; fi
sql=""
roles=""
add() {
  [ -s "$2" ] || { echo "no password file $2 for role $1"; exit 1; }
  sql="$sql$(printf "ALTER ROLE \\"%s\\" WITH PASSWORD '%s';" "$1" "$(sed "s/'/''/g" "$2")")
"
  roles="$roles $1"
}
add "$POSTGRES_USER" "$POSTGRES_PASSWORD_FILE"
for r in \${SYNC_ROLES:-}; do add "\${r%%=*}" "\${r#*=}"; done
# One statement per line (single-user mode ends a statement at a newline); no network, no login.
if ! out=$(printf '%s' "$sql" | postgres --single -c exit_on_error=on -D "$PGDATA" template1 2>&1); then
  printf '%s\\n' "$out" | sed "s/PASSWORD '.*/PASSWORD '***'/"
  exit 1
fi
echo "passwords set from their Secrets:$roles"
`.trim();

/** PostgreSQL (official image; UID 999 is its postgres user). */
export function postgres(name: string, args: PostgresArgs, opts: pulumi.ComponentResourceOptions): StatefulService {
  const identifier = /^[a-z_][a-z0-9_]{0,62}$/;
  if (!identifier.test(args.database)) throw new Error(`Postgres ${name}: database must be a lower-case identifier (got ${args.database})`);
  if (!identifier.test(args.user)) throw new Error(`Postgres ${name}: user must be a lower-case identifier (got ${args.user})`);
  return new StatefulService(
    name,
    {
      // PGDATA must be a sub-directory: the volume root holds lost+found and belongs to root.
      ...base(args, "database", { port: POSTGRES_PORT, name: "postgres" }, POSTGRES_DATA_MOUNT),
      uid: 999,
      volumes: [
        emptyDir("run"),
        emptyDir("tmp"),
        // The password as a file (the image's POSTGRES_PASSWORD_FILE): out of the pod spec and `kubectl describe`.
        // The image's entrypoint still exports it into the server's own environment (docker-entrypoint.sh file_env).
        { name: "password", secret: { secretName: args.passwordSecret.name, items: [{ key: args.passwordSecret.key, path: "password" }], defaultMode: 0o440 } },
        ...(args.init
          ? [
              { name: "init-scripts", configMap: { name: args.init.configMap, defaultMode: 0o555 } },
              { name: "init-secrets", secret: { secretName: args.init.secret.name, items: args.init.secret.keys.map((key) => ({ key, path: key })), defaultMode: 0o440 } },
            ]
          : []),
      ],
      serviceNames: args.serviceNames,
      initContainers: [
        {
          name: "sync-passwords",
          image: args.image,
          size: "tiny",
          command: ["/bin/sh", "-c", POSTGRES_PASSWORD_SYNC_SCRIPT],
          env: {
            POSTGRES_USER: args.user,
            POSTGRES_PASSWORD_FILE: `${POSTGRES_PASSWORD_DIR}/password`,
            PGDATA,
            ...(args.init?.roles?.length ? { SYNC_ROLES: args.init.roles.map((r) => `${r.role}=${POSTGRES_INIT_DIR}/${r.key}`).join(" ") } : {}),
          },
          volumeMounts: [
            // The server's own data mount (StatefulService's), so the script sees its data directory.
            { name: args.storage.volumeName ?? DATA_VOLUME, mountPath: POSTGRES_DATA_MOUNT },
            { name: "run", mountPath: "/var/run/postgresql" },
            { name: "tmp", mountPath: "/tmp" },
            { name: "password", mountPath: POSTGRES_PASSWORD_DIR, readOnly: true },
            ...(args.init ? [{ name: "init-secrets", mountPath: POSTGRES_INIT_DIR, readOnly: true }] : []),
          ],
        },
      ],
      checksums: {
        ...(args.passwordChecksum ? { secret: args.passwordChecksum } : {}),
        ...(args.settings?.checksum ? { settings: args.settings.checksum } : {}),
      },
      container: {
        image: args.image,
        size: args.size ?? "medium",
        resourcesOverride: args.resourcesOverride,
        ...(args.settings ? { args: postgresSettingsArgs(args.settings.parameters), envFrom: [{ configMapRef: { name: args.settings.configMap } }] } : {}),
        env: {
          POSTGRES_DB: args.database,
          POSTGRES_USER: args.user,
          POSTGRES_PASSWORD_FILE: `${POSTGRES_PASSWORD_DIR}/password`,
          PGDATA,
        },
        volumeMounts: [
          { name: "run", mountPath: "/var/run/postgresql" },
          { name: "tmp", mountPath: "/tmp" },
          { name: "password", mountPath: POSTGRES_PASSWORD_DIR, readOnly: true },
          ...(args.init
            ? [
                { name: "init-scripts", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
                { name: "init-secrets", mountPath: POSTGRES_INIT_DIR, readOnly: true },
              ]
            : []),
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
        volumeMounts: [{ name: "config", mountPath: "/etc/redis", readOnly: true }],
        // The probe reads the password from the mounted config (no password in the environment); redis-cli
        // takes it from REDISCLI_AUTH, and a NOAUTH reply is not PONG.
        probes: execProbes(["sh", "-c", REDIS_PROBE]),
      },
    },
    opts,
  );
}

/** The port ChromaDB itself listens on behind its authenticating proxy (the Service keeps CHROMA_PORT). */
export const CHROMA_SERVER_PORT = 8001;
/** The header clients send the token in (chromadb's CHROMA_AUTH_TOKEN_TRANSPORT_HEADER). */
export const CHROMA_TOKEN_HEADER = "X-Chroma-Token";

export interface ChromaArgs extends DatastoreArgs {
  /**
   * The Chroma 1.x server has no authentication of its own (its auth hook is a no-op; Chroma's 1.0 migration
   * notes say to put an authenticating proxy in front). The proxy (nginx, unprivileged) takes the Service port,
   * answers 401 without the token, and leaves the health endpoints open for probes.
   */
  readonly auth: { readonly proxyImage: pulumi.Input<string>; readonly configSecret: pulumi.Input<string>; readonly checksum?: pulumi.Input<string> };
}

/** The proxy's nginx.conf: every path but the health checks needs the token; temp files under /tmp. */
export function chromaProxyConfig(token: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(token)) throw new Error("chromaProxyConfig: the token must be letters, digits, '.', '_' or '-' (it is written into nginx.conf)");
  const upstream = `http://127.0.0.1:${CHROMA_SERVER_PORT}`;
  return [
    "worker_processes 1;",
    "pid /tmp/nginx.pid;",
    "error_log /dev/stderr warn;",
    "events { worker_connections 1024; }",
    "http {",
    "  access_log off;",
    "  client_body_temp_path /tmp/client_temp;",
    "  proxy_temp_path /tmp/proxy_temp;",
    "  fastcgi_temp_path /tmp/fastcgi_temp;",
    "  uwsgi_temp_path /tmp/uwsgi_temp;",
    "  scgi_temp_path /tmp/scgi_temp;",
    "  client_max_body_size 0;",
    // The token is a map key: with the default bucket (one cache line, 64 bytes on x86-64) nginx refuses a
    // long key at start ("could not build map_hash"), which the software tier found with the generated token.
    `  map_hash_bucket_size ${Math.max(128, 2 ** Math.ceil(Math.log2(token.length + 32)))};`,
    `  map $http_${CHROMA_TOKEN_HEADER.toLowerCase().replace(/-/g, "_")} $chroma_token_ok { default 0; "${token}" 1; }`,
    "  server {",
    `    listen ${CHROMA_PORT};`,
    `    location = /api/v2/heartbeat { proxy_pass ${upstream}; }`,
    `    location = /api/v2/healthcheck { proxy_pass ${upstream}; }`,
    "    location / {",
    "      if ($chroma_token_ok = 0) { return 401; }",
    `      proxy_pass ${upstream};`,
    "      proxy_http_version 1.1;",
    "      proxy_read_timeout 300s;",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}

/** ChromaDB (1.x image: data under /data, health on /api/v2/heartbeat) behind its token-checking proxy. */
export function chroma(name: string, args: ChromaArgs, opts: pulumi.ComponentResourceOptions): StatefulService {
  return new StatefulService(
    name,
    {
      ...base(args, "vector-store", { port: CHROMA_PORT, name: "http" }, "/data"),
      mainPort: "loopback",
      volumes: [emptyDir("tmp"), emptyDir("proxy-tmp", "64Mi"), { name: "proxy-config", secret: { secretName: args.auth.configSecret, defaultMode: 0o440 } }],
      checksums: args.auth.checksum ? { proxy: args.auth.checksum } : undefined,
      container: {
        image: args.image,
        size: args.size ?? "medium",
        // CHROMA_PORT is the server's own port here, on loopback only (CHROMA_LISTEN_ADDRESS, the frontend config's
        // listen_address through its CHROMA_ env): nothing outside the pod reaches Chroma but through the proxy,
        // whatever the NetworkPolicies say. Its probes go through the proxy's unauthenticated heartbeat. The data
        // path is the image's /config.yaml (persist_path: /data): the 1.x server reads no IS_PERSISTENT or
        // PERSIST_DIRECTORY (0.x names).
        env: { ANONYMIZED_TELEMETRY: "FALSE", CHROMA_PORT: String(CHROMA_SERVER_PORT), CHROMA_LISTEN_ADDRESS: "127.0.0.1" },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        probes: httpProbes(CHROMA_PORT, "/api/v2/heartbeat"),
      },
      sidecars: [
        {
          name: "auth-proxy",
          image: args.auth.proxyImage,
          size: "tiny",
          args: ["nginx", "-c", "/etc/chroma-proxy/nginx.conf", "-g", "daemon off;"],
          ports: { http: CHROMA_PORT },
          volumeMounts: [
            { name: "proxy-tmp", mountPath: "/tmp" },
            { name: "proxy-config", mountPath: "/etc/chroma-proxy", readOnly: true },
          ],
          probes: httpProbes("http", "/api/v2/heartbeat"),
        },
      ],
    },
    opts,
  );
}
