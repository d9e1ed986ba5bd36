/**
 * The software tier: the real datastore programs, installed from Debian's packages (tests/software/run.sh),
 * run on loopback with exactly the rendered command line, env and mounted files (tests/software/pod.ts), and
 * their consumers' credentials from the rendered Secrets. Stand-ins, said once: Debian's redis-server 7.0 for
 * the image's 7.4.2 and PostgreSQL 15 for the image's 16.6; the image's docker-entrypoint.sh is not in any
 * package, so its first-start steps for Postgres (initdb with the user and password file, the database, the
 * init scripts, then the server with the rendered args) are done here as that script does them.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REDIS_PROBE } from "../../components/workloads/datastores";
import { at, k8sName, renderStack, type Recorded } from "../helpers/harness";
import { localContainer, type LocalContainer } from "./pod";
import { listening, type LocalPostgres, startPostgres } from "./postgres";

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGTERM");
});

function secretValue(res: readonly Recorded[], ns: string, name: string, key: string): string {
  const s = res.find((r) => r.type === "kubernetes:core/v1:Secret" && k8sName(r) === name && at(r.inputs, "metadata.namespace") === ns);
  const v = (s?.inputs.stringData as Record<string, string> | undefined)?.[key];
  if (v === undefined) throw new Error(`no key ${key} in Secret ${ns}/${name}`);
  return v;
}

const redisCli = (port: number, args: string[], password?: string) =>
  spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", env: { ...process.env, ...(password ? { REDISCLI_AUTH: password } : {}) } });

let res: Recorded[];
beforeAll(async () => {
  ({ resources: res } = await renderStack("dev"));
});

describe.each([
  ["llmctl's Redis", "llmctl-redis", "llmctl", "llmctl-studio-secrets", "LLMCTL_REDIS_PASSWORD"],
  ["the LLM stack's Redis", "redis", "llm-stack", undefined, undefined],
])("%s, as rendered", (_what, workload, ns, consumerSecret, consumerKey) => {
  let c: LocalContainer;
  const port = 6379;
  beforeAll(async () => {
    c = localContainer(res, "apps/v1:StatefulSet", workload);
    fs.mkdirSync(c.local("/data"), { recursive: true });
    // The image's entrypoint prepends redis-server to a first argument ending in .conf; loopback only on this host.
    expect(c.args[0]).toMatch(/redis\.conf$/);
    const child = spawn("redis-server", [...c.args, "--bind", "127.0.0.1", "--dir", c.local("/data")], { stdio: "ignore" });
    children.push(child);
    await listening(port);
  });
  afterAll(async () => {
    redisCli(port, ["shutdown", "nosave"], fs.readFileSync(c.args[0], "utf8").match(/^requirepass (.*)$/m)?.[1]);
    await new Promise((r) => setTimeout(r, 300));
  });

  test("opens the Service's port and refuses a client without the password", () => {
    expect(redisCli(port, ["ping"]).stdout).toMatch(/NOAUTH/);
  });

  test("the probe, run as rendered against the mounted redis.conf, passes", () => {
    const probe = spawnSync("sh", ["-c", REDIS_PROBE.replace("/etc/redis/redis.conf", c.args[0])], { encoding: "utf8" });
    expect(probe.status).toBe(0);
  });

  test("the consumers' credential from their own Secret works", () => {
    const password = consumerSecret ? secretValue(res, ns, consumerSecret, consumerKey!) : fs.readFileSync(c.args[0], "utf8").match(/^requirepass (.*)$/m)![1];
    expect(redisCli(port, ["ping"], password).stdout.trim()).toBe("PONG");
    if (workload === "llmctl-redis") {
      // Celery's broker URL, as the studio reads it: redis://:<password>@<host>:<port>/<db>.
      const url = new URL(secretValue(res, ns, "llmctl-studio-broker", "CELERY_BROKER_URL"));
      expect(url.port).toBe(String(port));
      expect(redisCli(port, ["-n", url.pathname.slice(1), "ping"], decodeURIComponent(url.password)).stdout.trim()).toBe("PONG");
    }
  });
});

describe.each([
  ["llmctl's Postgres", "llmctl-postgres", "llmctl", "llmctl-studio-secrets", "LLMCTL_POSTGRES_PASSWORD", undefined],
  ["the LLM stack's Postgres", "postgres", "llm-stack", undefined, undefined, undefined],
  ["the MLOps PostgreSQL, with MLflow's database from its init script", "postgresql", "mlops", undefined, undefined, "mlflow"],
])("%s, as rendered", (_what, workload, ns, consumerSecret, consumerKey, initUser) => {
  let pg: LocalPostgres;
  let c: LocalContainer;
  const psql = (user: string, password: string | undefined, db: string, sql: string) => pg.psql(user, password, db, sql);
  beforeAll(async () => {
    pg = await startPostgres(res, workload);
    c = pg.c;
  });
  afterAll(() => pg?.stop());

  test("refuses a wrong password and accepts the generated one from the password file", () => {
    expect(psql(c.env.POSTGRES_USER, "not-the-password", c.env.POSTGRES_DB, "select 1").status).not.toBe(0);
    const password = fs.readFileSync(c.env.POSTGRES_PASSWORD_FILE, "utf8").trim();
    expect(psql(c.env.POSTGRES_USER, password, c.env.POSTGRES_DB, "select current_database()").stdout.trim()).toBe(c.env.POSTGRES_DB);
  });

  test("runs with the rendered settings", () => {
    const password = fs.readFileSync(c.env.POSTGRES_PASSWORD_FILE, "utf8").trim();
    const maxConnections = c.args[c.args.findIndex((a) => a.startsWith("max_connections="))]?.split("=")[1];
    if (maxConnections) expect(psql(c.env.POSTGRES_USER, password, c.env.POSTGRES_DB, "show max_connections").stdout.trim()).toBe(maxConnections);
  });

  test("the consumer's credential from its own Secret opens its database", () => {
    if (workload === "postgres") {
      // R2R's database login, resolved from its own container's env as the kubelet would.
      const r2r = localContainer(res, "apps/v1:Deployment", "r2r").env;
      expect(r2r.R2R_POSTGRES_PORT).toBe(String(pg.port));
      expect(psql(r2r.R2R_POSTGRES_USER, r2r.R2R_POSTGRES_PASSWORD, r2r.R2R_POSTGRES_DBNAME, "select current_database()").stdout.trim()).toBe(r2r.R2R_POSTGRES_DBNAME);
    }
    if (consumerSecret) {
      expect(psql(c.env.POSTGRES_USER, secretValue(res, ns, consumerSecret, consumerKey!), c.env.POSTGRES_DB, "select 1").stdout.trim()).toBe("1");
    }
    if (initUser) {
      // MLflow's own login, made by the init script from the generated password in the Secret it mounts.
      const file = fs.readdirSync(c.local("/etc/postgres-init"))[0];
      const password = fs.readFileSync(path.join(c.local("/etc/postgres-init"), file), "utf8").trim();
      expect(psql(initUser, password, initUser, "select current_user").stdout.trim()).toBe(initUser);
      expect(psql(initUser, "wrong", initUser, "select 1").status).not.toBe(0);
    }
  });

  test("kept data, new generated passwords: the sync-passwords init container sets them at the next start, and the old ones stop working", async () => {
    // As after a destroy that kept the claim but not the Secret, or a rotation: other values in the same files.
    const userFile = c.env.POSTGRES_PASSWORD_FILE;
    const oldUser = fs.readFileSync(userFile, "utf8").trim();
    const roleFile = initUser ? path.join(c.local("/etc/postgres-init"), fs.readdirSync(c.local("/etc/postgres-init"))[0]) : undefined;
    const oldRole = roleFile ? fs.readFileSync(roleFile, "utf8").trim() : undefined;
    expect(psql(c.env.POSTGRES_USER, oldUser, c.env.POSTGRES_DB, "create table kept(x int); insert into kept values (42)").status).toBe(0);
    pg.stop();
    fs.writeFileSync(userFile, "a-new-generated-password-with-'quote");
    if (roleFile) fs.writeFileSync(roleFile, "another-new-password-0123456789");
    const sync = pg.runInit("sync-passwords");
    expect(sync).toMatchObject({ status: 0, output: expect.stringContaining(`passwords set from their Secrets: ${c.env.POSTGRES_USER}${initUser ? ` ${initUser}` : ""}`) });
    expect(sync.output).not.toContain("a-new-generated-password");
    await pg.start();
    expect(psql(c.env.POSTGRES_USER, "a-new-generated-password-with-'quote", c.env.POSTGRES_DB, "select x from kept").stdout.trim()).toBe("42");
    expect(psql(c.env.POSTGRES_USER, oldUser, c.env.POSTGRES_DB, "select 1").status).not.toBe(0);
    if (initUser && oldRole) {
      expect(psql(initUser, "another-new-password-0123456789", initUser, "select current_user").stdout.trim()).toBe(initUser);
      expect(psql(initUser, oldRole, initUser, "select 1").status).not.toBe(0);
    }
  }, 60_000);
});
