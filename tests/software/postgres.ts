/**
 * PostgreSQL as a rendered container runs it: Debian's PostgreSQL 15 for the image's 16.6, and the first-start
 * steps of the image's docker-entrypoint.sh (in no package) done as that script does them: initdb with the user
 * and the password file, the database, the init scripts from /docker-entrypoint-initdb.d, then the server with
 * the rendered args on 127.0.0.1. PostgreSQL refuses to run as root: the image's uid 999 is the postgres user here.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import type { Recorded } from "../helpers/harness";
import { localContainer, type LocalContainer } from "./pod";
import { waitUntil } from "./processes";

/** PostgreSQL's binaries (Debian's layout). */
const PG_BIN = fs.existsSync("/usr/lib/postgresql/15/bin") ? "/usr/lib/postgresql/15/bin" : path.dirname(execFileSync("sh", ["-c", "command -v postgres"], { encoding: "utf8" }).trim());
const asPostgres = (cmd: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync("runuser", ["-u", "postgres", "--", "env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args], { encoding: "utf8" });

/** Resolves once 127.0.0.1:port accepts a connection (or rejects after `ms`). */
export function listening(port: number, ms = 20_000): Promise<void> {
  const connects = () =>
    new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
  return waitUntil(connects, { ms, what: `nothing listens on 127.0.0.1:${port}`, every: 100 });
}

export interface LocalPostgres {
  readonly c: LocalContainer;
  readonly port: number;
  /** psql over TCP as `user` with `password` (exit status and output). */
  psql(user: string, password: string | undefined, db: string, sql: string): { status: number | null; stdout: string; stderr: string };
  stop(): void;
  /** Starts the stopped server again with the same settings. */
  start(): Promise<void>;
  /** Runs one of the pod's init containers as the image's postgres user on the server's data (its mounts are the server's). */
  runInit(name: string, env?: Record<string, string>): { status: number | null; output: string };
}

/** The StatefulSet `workload`'s Postgres, initialised and started as its image would, on 127.0.0.1:5432. */
export async function startPostgres(res: readonly Recorded[], workload: string): Promise<LocalPostgres> {
  const port = 5432;
  const c = localContainer(res, "apps/v1:StatefulSet", workload);
  const data = c.local(c.env.PGDATA);
  const run = c.local("/var/run/postgresql");
  fs.mkdirSync(run, { recursive: true });
  execFileSync("chown", ["-R", "postgres:postgres", c.root]);
  const must = (what: string, r: ReturnType<typeof asPostgres>) => {
    if (r.status !== 0) throw new Error(`${workload}: ${what} failed: ${r.stderr}`);
  };
  must("initdb", asPostgres(`${PG_BIN}/initdb`, ["-D", data, "-U", c.env.POSTGRES_USER, `--pwfile=${c.env.POSTGRES_PASSWORD_FILE}`, "--auth-local=trust", "--auth-host=scram-sha-256"]));
  fs.appendFileSync(path.join(data, "pg_hba.conf"), "host all all all scram-sha-256\n");
  const start = (extra: string[]) => asPostgres(`${PG_BIN}/pg_ctl`, ["-D", data, "-w", "-o", extra.join(" "), "start", "-l", path.join(c.root, "pg.log")]);
  must("the first start", start([`-c listen_addresses=''`, `-c unix_socket_directories=${run}`]));
  const local = (sql: string, db = "postgres") => asPostgres("psql", ["-h", run, "-U", c.env.POSTGRES_USER, "-d", db, "-v", "ON_ERROR_STOP=1", "-tAc", sql]);
  if (c.env.POSTGRES_DB !== "postgres") must("CREATE DATABASE", local(`CREATE DATABASE "${c.env.POSTGRES_DB}"`));
  const scripts = c.local("/docker-entrypoint-initdb.d");
  const password = fs.readFileSync(c.env.POSTGRES_PASSWORD_FILE, "utf8").trim();
  for (const f of fs.existsSync(scripts) ? fs.readdirSync(scripts).sort() : []) {
    const file = path.join(scripts, f);
    const env = { ...c.env, POSTGRES_PASSWORD: password, PGHOST: run, PGUSER: c.env.POSTGRES_USER, PGDATABASE: c.env.POSTGRES_DB };
    // .sh scripts are run (executable) or sourced by bash; the script's own paths point into the mounts.
    const script = fs.readFileSync(file, "utf8").replaceAll("/etc/postgres-init", c.local("/etc/postgres-init"));
    must(`init script ${f}`, f.endsWith(".sh") ? asPostgres("bash", ["-c", script], env) : asPostgres("psql", ["-h", run, "-U", c.env.POSTGRES_USER, "-d", c.env.POSTGRES_DB, "-v", "ON_ERROR_STOP=1", "-f", file]));
  }
  must("the first stop", asPostgres(`${PG_BIN}/pg_ctl`, ["-D", data, "-w", "stop"]));
  // The server with the rendered args ($(PG_*) substituted), on loopback. No args: the image's CMD, `postgres`.
  const line = c.args.length > 0 ? c.args : ["postgres"];
  if (line[0] !== "postgres") throw new Error(`${workload} runs ${line[0]}, not postgres`);
  const serve = async () => {
    must("the server", start([...line.slice(1).map((a) => (a === "-c" ? a : `'${a}'`)), `-c listen_addresses=127.0.0.1`, `-c unix_socket_directories=${run}`]));
    await listening(port);
  };
  await serve();
  return {
    c,
    port,
    psql: (user, pw, db, sql) =>
      spawnSync("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", db, "-tAc", sql], { encoding: "utf8", env: { ...process.env, PGPASSWORD: pw ?? "", PGCONNECT_TIMEOUT: "5" } }),
    stop: () => void asPostgres(`${PG_BIN}/pg_ctl`, ["-D", data, "-w", "-m", "fast", "stop"]),
    start: serve,
    runInit: (name, env = {}) => {
      const init = localContainer(res, "apps/v1:StatefulSet", workload, name);
      if (init.command[0] !== "/bin/sh" || init.command[1] !== "-c") throw new Error(`${workload}: ${name} runs ${init.command[0]}, not a shell script`);
      // The init container mounts the server's volumes at the same paths: its paths are the server's here, also inside
      // values such as SYNC_ROLES' "<role>=<file>"; PGDATA is where this server keeps its data.
      const mounts = ["/etc/postgres-password", "/etc/postgres-init"];
      const rendered = Object.fromEntries(
        Object.entries(init.env).map(([k, v]) => [k, mounts.reduce((acc, m) => acc.split(`${init.root}${m}`).join(c.local(m)).split(`=${m}/`).join(`=${c.local(m)}/`), v)]),
      );
      const r = asPostgres("sh", ["-c", init.command[2]], { PATH: `${PG_BIN}:${process.env.PATH ?? ""}`, ...rendered, PGDATA: data, ...env });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    },
  };
}
