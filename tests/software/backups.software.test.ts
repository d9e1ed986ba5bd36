/**
 * Backups for real: each rendered backup-<store> CronJob pod (the store's client dumps, the curl image's script
 * uploads) against the real server and MinIO as the target (tests/software/minio.ts), then the store wiped, then
 * the rendered restore-<store> pod (fetch, restore) and the data read back; and the rendered drill-<store> pod (the
 * newest backup restored into a scratch instance and checked). Stand-ins as in stores.software.test.ts: Debian's
 * PostgreSQL 15 and Redis 7.0 clients and servers for the images'.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { S3_SHELL_FUNCTION } from "../../components/lib/s3Shell";
import { renderStack, type Recorded } from "../helpers/harness";
import { runShell } from "../helpers/s3server";
import { runCronJobPod, runJobPod } from "./cronJobPod";
import { type LocalMinio, localMinio, toolDir } from "./minio";
import { localContainer, type LocalContainer } from "./pod";
import { listening, type LocalPostgres, startPostgres } from "./postgres";

const MINIO = "minio.mlops.svc.cluster.local";
const MC = toolDir("mc");
let res: Recorded[];
let minio: LocalMinio;

/** The keys under a prefix of the backup bucket, with the target's own keys (the backup-target Secret's). */
async function bucketKeys(prefix: string): Promise<string[]> {
  const keys = { AWS_ACCESS_KEY_ID: minio.c.env.MINIO_ROOT_USER, AWS_SECRET_ACCESS_KEY: minio.c.env.MINIO_ROOT_PASSWORD, AWS_REGION: "us-east-1", S3_ENDPOINT_URL: minio.endpoint };
  const run = await runShell(`set -eu\n${S3_SHELL_FUNCTION}\nS3_OUT=/tmp/sw-backup-list.xml\ns3 GET "platform-backups?list-type=2&prefix=$(printf %s "${prefix}" | sed 's|/|%2F|g')" >/dev/null\ns3_keys`, keys);
  return run.output.split("\n").filter(Boolean);
}

beforeAll(async () => {
  ({ resources: res } = await renderStack("dev"));
  minio = localMinio(res);
  await minio.start();
  // The buckets and users, by the rendered setup pod (mc): platform-backups, and the user `backups` the backup-target
  // Secrets hold, which the backup pods below use.
  const made = runJobPod(res, "batch/v1:Job", "minio-create-buckets", { hosts: [MINIO], path: [MC] });
  expect(made.output).toContain("user backups: policy llm-platform-backups");
  expect(made.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await minio?.stop();
});

describe("llmctl's PostgreSQL: backup, wipe, restore, drill", () => {
  const hosts = ["llmctl-postgres.llmctl.svc.cluster.local", MINIO];
  let pg: LocalPostgres;
  const password = () => pg.c.env.POSTGRES_PASSWORD ?? fs.readFileSync(pg.c.env.POSTGRES_PASSWORD_FILE, "utf8");

  afterAll(() => pg?.stop());

  test("the backup pod dumps every database and uploads it under the store's prefix, COMPLETE last", async () => {
    pg = await startPostgres(res, "llmctl-postgres");
    const made = pg.psql("llmctl", password(), "llmctl", "create table notes (id int primary key, body text); insert into notes values (1, 'kept'), (2, 'also kept');");
    expect(made.status).toBe(0);
    const run = runCronJobPod(res, "backup-llmctl-postgres", { hosts });
    expect(run.output).toMatch(/backup \d{8}T\d{6}Z complete/);
    expect(run.code).toBe(0);
    const keys = await bucketKeys("dev/llmctl/llmctl-postgres/");
    expect(keys.map((k) => k.split("/").pop()).sort()).toEqual(["COMPLETE", "globals.sql", "llmctl.dump", "postgres.dump", "tables.txt"]);
  }, 120_000);

  test("wiped (a new, empty data directory), the restore pod brings the rows back", async () => {
    pg.stop();
    pg = await startPostgres(res, "llmctl-postgres");
    expect(pg.psql("llmctl", password(), "llmctl", "select count(*) from notes").status).not.toBe(0);
    const run = runCronJobPod(res, "restore-llmctl-postgres", { hosts });
    expect(run.output).toMatch(/llmctl: restored from backup/);
    expect(run.code).toBe(0);
    expect(pg.psql("llmctl", password(), "llmctl", "select body from notes order by id").stdout.trim().split("\n")).toEqual(["kept", "also kept"]);
  }, 120_000);

  test("the drill restores the newest backup into a scratch server in its pod and checks every database", () => {
    const run = runCronJobPod(res, "drill-llmctl-postgres", { hosts, user: "postgres" });
    expect(run.output).toMatch(/llmctl: 1 tables restored, as backed up/);
    expect(run.output).toMatch(/drill passed/);
    expect(run.code).toBe(0);
  }, 120_000);
});

describe("llmctl's Redis: backup, wipe, restore into its claim, drill", () => {
  const hosts = ["llmctl-redis.llmctl.svc.cluster.local", MINIO];
  let server: ChildProcess | undefined;
  let redis: LocalContainer;
  let data = "";
  let password = "";
  beforeAll(() => {
    redis = localContainer(res, "apps/v1:StatefulSet", "llmctl-redis");
    data = redis.local("/data");
    password = fs.readFileSync(redis.args[0], "utf8").match(/^requirepass (.*)$/m)?.[1] ?? "";
  });
  const cli = (...args: string[]) => spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", ...args], { encoding: "utf8", env: { ...process.env, REDISCLI_AUTH: password } }).stdout.trim();
  const start = async () => {
    // As rendered (append-only on, its data directory the claim), on loopback.
    server = spawn("redis-server", [...redis.args.map((a) => (a === "/data" ? data : a)), "--bind", "127.0.0.1"], { stdio: "ignore" });
    await listening(6379);
    await new Promise((r) => setTimeout(r, 300));
  };
  const stopServer = async () => {
    cli("shutdown");
    await new Promise((r) => server?.on("exit", r));
  };
  afterAll(async () => {
    if (server && server.exitCode === null) await stopServer();
  });

  test("backed up, wiped, restored: the keys are back, loaded from the AOF the server reads with append-only on", async () => {
    fs.mkdirSync(data, { recursive: true });
    await start();
    cli("set", "celery-task", "queued");
    cli("hset", "studio:settings", "theme", "dark");
    const backup = runCronJobPod(res, "backup-llmctl-redis", { hosts });
    expect(backup.output).toMatch(/dumped 2 keys/);
    expect(backup.code).toBe(0);
    await stopServer();
    fs.rmSync(data, { recursive: true, force: true });
    fs.mkdirSync(data);
    const restore = runCronJobPod(res, "restore-llmctl-redis", { hosts, env: { DATA_DIR: data } });
    expect(restore.output).toMatch(/2 keys, in the AOF/);
    expect(restore.code).toBe(0);
    await start();
    expect(cli("get", "celery-task")).toBe("queued");
    expect(cli("hget", "studio:settings", "theme")).toBe("dark");
  }, 120_000);

  test("the drill loads the newest backup into a scratch Redis on a socket and counts its keys", () => {
    const run = runCronJobPod(res, "drill-llmctl-redis", { hosts, user: "redis" });
    expect(run.output).toMatch(/drill passed: backup \d{8}T\d{6}Z loads, 2 of 2 keys/);
    expect(run.code).toBe(0);
  }, 60_000);
});

describe("the studio's data claim: backup, wipe, restore, drill", () => {
  const hosts = [MINIO];

  test("the files come back as they were, and the drill counts them", () => {
    const pod = runCronJobPod(res, "backup-llmctl-studio-data", { hosts, root: seeded() });
    expect(pod.output).toMatch(/archived 3 files/);
    expect(pod.code).toBe(0);
    const claim = path.join(pod.root, "data");
    fs.rmSync(claim, { recursive: true, force: true });
    fs.mkdirSync(claim);
    const restore = runCronJobPod(res, "restore-llmctl-studio-data", { hosts, root: pod.root });
    expect(restore.code).toBe(0);
    expect(fs.readFileSync(path.join(claim, "credentials", "github.json"), "utf8")).toBe('{"token":"t"}');
    expect(fs.readdirSync(path.join(claim, "uploads")).sort()).toEqual(["a.txt", "b.txt"]);
    const drill = runCronJobPod(res, "drill-llmctl-studio-data", { hosts });
    expect(drill.output).toMatch(/drill passed: backup \d{8}T\d{6}Z unpacks, 3 files/);
    expect(drill.code).toBe(0);
  }, 60_000);

  /** A pod root whose claim mount (/data) holds the studio's files. */
  function seeded(): string {
    const root = fs.mkdtempSync("/tmp/sw-studio-data-");
    fs.mkdirSync(path.join(root, "data", "credentials"), { recursive: true });
    fs.mkdirSync(path.join(root, "data", "uploads"));
    fs.writeFileSync(path.join(root, "data", "credentials", "github.json"), '{"token":"t"}');
    fs.writeFileSync(path.join(root, "data", "uploads", "a.txt"), "a");
    fs.writeFileSync(path.join(root, "data", "uploads", "b.txt"), "b");
    return root;
  }
});
