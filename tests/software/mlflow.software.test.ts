/**
 * MLflow for real: PyPI mlflow 3.17.2 (what the mlflow image installs) with the rendered command line and env
 * (basic auth on, as in both stacks), against the MLOps PostgreSQL started as rendered (its init script makes
 * MLflow's database and user) and MinIO as rendered (tests/software/minio.ts), whose buckets and users the rendered
 * minio-create-buckets pod makes with mc: MLflow stores its artifacts with its own user (minio-user-mlflow), not the
 * root keys. The one change: the Service names in the args, env and the mounted basic_auth.ini point at loopback.
 */
import { type ChildProcess, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderStack, type Recorded } from "../helpers/harness";
import { S3_SHELL_FUNCTION } from "../../components/lib/s3Shell";
import { runShell } from "../helpers/s3server";
import { runJobPod } from "./cronJobPod";
import { type LocalMinio, localMinio, toolDir } from "./minio";
import { request } from "./http";
import { localContainer, type LocalContainer, onLoopback, renderedData } from "./pod";
import { type LocalPostgres, startPostgres } from "./postgres";
import { launch, stop, tail, venvBin, waitUntil } from "./processes";

const NS = "mlops";
const MC = toolDir("mc");
/** The status of a listing of a bucket with MinIO's root keys (the operator's view), and the keys in it. */
const listing = async (bucket: string) => {
  const env = localContainer(res, "apps/v1:Deployment", "minio").env;
  const run = await runShell(`set -eu\n${S3_SHELL_FUNCTION}\nS3_OUT=$(mktemp); printf '%s ' "$(s3 GET '${bucket}?list-type=2')"; cat "$S3_OUT"; rm -f "$S3_OUT"`, {
    S3_ENDPOINT_URL: minio.endpoint,
    AWS_ACCESS_KEY_ID: env.MINIO_ROOT_USER,
    AWS_SECRET_ACCESS_KEY: env.MINIO_ROOT_PASSWORD,
    AWS_REGION: "us-east-1",
  });
  return { status: run.output.split(" ")[0], keys: [...run.output.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]) };
};
const SERVICES = ["postgresql-external.mlops.svc.cluster.local", "minio.mlops.svc.cluster.local"];

let res: Recorded[];
let pg: LocalPostgres;
let minio: LocalMinio;
let mlflow: LocalContainer;
let child: ChildProcess;
let admin: string;

const call = (p: string, opts: { host?: string; auth?: string; method?: string; body?: string; type?: string } = {}) =>
  request("127.0.0.1", 5000, p, {
    method: opts.method,
    body: opts.body,
    headers: { host: opts.host ?? "mlflow.mlops.svc.cluster.local:5000", ...(opts.auth ? { authorization: `Basic ${Buffer.from(opts.auth).toString("base64")}` } : {}), ...(opts.body !== undefined ? { "content-type": opts.type ?? "application/json" } : {}) },
  });

beforeAll(async () => {
  ({ resources: res } = await renderStack("dev"));
  pg = await startPostgres(res, "postgresql");
  minio = localMinio(res);
  await minio.start();
  // The bucket and user Job's pod, as rendered: every bucket, MLflow's user among the others.
  const made = runJobPod(res, "batch/v1:Job", "minio-create-buckets", { hosts: SERVICES, path: [MC] });
  expect(made.output).toContain("user mlflow: policy llm-platform-mlflow");
  expect(made.code).toBe(0);
  ({ mlflow, child, admin } = await startMlflow(res));
}, 180_000);

/** MLflow from a render, with its rendered command line and env; resolves once /health answers. */
async function startMlflow(rendered: Recorded[]): Promise<{ mlflow: LocalContainer; child: ChildProcess; admin: string }> {
  const c = localContainer(rendered, "apps/v1:Deployment", "mlflow");
  const ini = c.local("/etc/mlflow/basic_auth.ini");
  fs.writeFileSync(ini, onLoopback({ ini: fs.readFileSync(ini, "utf8") }, SERVICES).ini);
  fs.mkdirSync(c.local("/tmp/metrics"), { recursive: true });
  const argv = Object.values(onLoopback(Object.fromEntries([...c.command, ...c.args].map((a, i) => [String(i), a])), SERVICES));
  const log = path.join(c.root, "mlflow.log");
  const p = launch(argv, { env: { PATH: `${venvBin("mlflow-3.17.2")}:${process.env.PATH ?? ""}`, ...onLoopback(c.env, SERVICES) }, cwd: c.root, log });
  // The login the operator is given and the ServiceMonitor scrapes with: mlflow-auth's admin user and password.
  const login = renderedData(rendered, "Secret", NS, "mlflow-auth");
  expect(login["admin-password"]).toBe(c.env.MLFLOW_AUTH_ADMIN_PASSWORD);
  await waitUntil(async () => (await call("/health").then((a) => a.status, () => 0)) === 200, { ms: 120_000, what: "MLflow never answered /health", programs: [p], why: () => tail(log, 3000), every: 500 });
  return { mlflow: c, child: p, admin: `${login["admin-username"]}:${login["admin-password"]}` };
}

afterAll(async () => {
  await stop(child);
  pg?.stop();
  await minio?.stop();
});

test("the bucket Job made every rendered bucket", async () => {
  const job = localContainer(res, "batch/v1:Job", "minio-create-buckets");
  const buckets = job.env.BUCKETS.split(" ");
  expect(buckets.length).toBeGreaterThan(4);
  for (const b of buckets) expect(`${b}: ${(await listing(b)).status}`).toBe(`${b}: 200`);
});

test("opens the Service's port; /health answers without a login, the API only with the generated admin password", async () => {
  expect(mlflow.ports.http).toBe(5000);
  expect((await call("/health")).status).toBe(200);
  const search = "/api/2.0/mlflow/experiments/search?max_results=10";
  expect((await call(search)).status).toBe(401);
  expect((await call(search, { auth: "admin:not-the-password" })).status).toBe(401);
  expect((await call(search, { auth: admin })).status).toBe(200);
});

test("a run's artifact goes through the server into the artifacts bucket, and its metadata into PostgreSQL", async () => {
  const exp = await call("/api/2.0/mlflow/experiments/create", { auth: admin, method: "POST", body: JSON.stringify({ name: "software-tier" }) });
  expect(exp.status).toBe(200);
  const experimentId = (JSON.parse(exp.text) as { experiment_id: string }).experiment_id;
  const run = await call("/api/2.0/mlflow/runs/create", { auth: admin, method: "POST", body: JSON.stringify({ experiment_id: experimentId }) });
  expect(run.status).toBe(200);
  const info = (JSON.parse(run.text) as { run: { info: { run_id: string; artifact_uri: string } } }).run.info;
  expect(info.artifact_uri).toMatch(/^mlflow-artifacts:/);
  const artifactPath = info.artifact_uri.replace(/^mlflow-artifacts:\/?/, "").replace(/^\/+/, "");
  const put = await call(`/api/2.0/mlflow-artifacts/artifacts/${artifactPath}/model.txt`, { auth: admin, method: "PUT", body: "weights", type: "application/octet-stream" });
  expect(put.status).toBe(200);
  expect((await listing("mlflow-artifacts")).keys.some((k) => k.endsWith(`${info.run_id}/artifacts/model.txt`))).toBe(true);
  // The experiment is a row in MLflow's own database, under its own login.
  const mlflowPassword = mlflow.env.PGPASSWORD;
  expect(pg.psql("mlflow", mlflowPassword, "mlflow", "select name from experiments where name = 'software-tier'").stdout.trim()).toBe("software-tier");
});

test("Host headers: the in-cluster names, the dev NodePort URL and the scraper's pod address are accepted; others refused", async () => {
  const ok = async (host: string, p = "/health") => (await call(p, { host, auth: admin })).status;
  expect(await ok("mlflow.mlops.svc.cluster.local:5000", "/api/2.0/mlflow/experiments/search?max_results=1")).toBe(200);
  expect(await ok("mlflow:5000", "/api/2.0/mlflow/experiments/search?max_results=1")).toBe(200);
  // dev's URL is the node's address and the NodePort (minikube's 192.168.49.2 by default); prod's, below.
  expect(await ok("192.168.49.2:30500", "/api/2.0/mlflow/experiments/search?max_results=1")).toBe(200);
  // Prometheus scrapes the pod by its address, with the login its ServiceMonitor names (mlflow-auth's admin).
  expect(await ok("10.244.0.17:5000", "/metrics")).toBe(200);
  expect((await call("/metrics", { host: "10.244.0.17:5000" })).status).toBe(401);
  expect(await ok("evil.example.com", "/api/2.0/mlflow/experiments/search?max_results=1")).toBe(403);
});

test("a new admin password in mlflow-auth (a rotation, or kept data under new credentials): sync-admin sets it before the next start", async () => {
  await stop(child);
  const sync = localContainer(res, "apps/v1:Deployment", "mlflow", "sync-admin");
  expect(sync.command.slice(0, 2)).toEqual(["python3", "-c"]);
  // Its config file is the server's (same ConfigMap, same path), already pointed at loopback by startMlflow.
  const env = { ...onLoopback(sync.env, SERVICES), MLFLOW_AUTH_CONFIG_PATH: mlflow.local("/etc/mlflow/basic_auth.ini"), MLFLOW_AUTH_ADMIN_PASSWORD: "a-rotated-admin-password-42" };
  const python = path.join(venvBin("mlflow-3.17.2"), "python3");
  const run = () => spawnSync(python, sync.command.slice(1), { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 120_000 });
  const first = run();
  expect({ status: first.status, out: first.stdout.trim() }).toEqual({ status: 0, out: "admin's password set from its Secret" });
  expect(`${first.stdout}${first.stderr}`).not.toContain("a-rotated-admin-password-42");
  expect(run().stdout.trim()).toBe("admin's password already is its Secret's");
  const log = path.join(mlflow.root, "mlflow-restarted.log");
  const argv = Object.values(onLoopback(Object.fromEntries([...mlflow.command, ...mlflow.args].map((a, i) => [String(i), a])), SERVICES));
  child = launch(argv, { env: { PATH: `${venvBin("mlflow-3.17.2")}:${process.env.PATH ?? ""}`, ...onLoopback(mlflow.env, SERVICES), MLFLOW_AUTH_ADMIN_PASSWORD: "a-rotated-admin-password-42" }, cwd: mlflow.root, log });
  await waitUntil(async () => (await call("/health").then((a) => a.status, () => 0)) === 200, { ms: 120_000, what: "MLflow never answered /health", programs: [child], why: () => tail(log, 3000), every: 500 });
  const search = "/api/2.0/mlflow/experiments/search?max_results=1";
  expect((await call(search, { auth: "admin:a-rotated-admin-password-42" })).status).toBe(200);
  expect((await call(search, { auth: admin })).status).toBe(401);
}, 300_000);

describe("with prod's rendered args: the public URL a prod user is given", () => {
  let prod: { mlflow: LocalContainer; child: ChildProcess; admin: string };
  beforeAll(async () => {
    await stop(child);
    const { resources } = await renderStack("prod");
    const next = localContainer(resources, "apps/v1:Deployment", "mlflow");
    // prod's generated passwords open a fresh MLflow database (the server and its auth tables start from nothing).
    const su = [pg.c.env.POSTGRES_USER, fs.readFileSync(pg.c.env.POSTGRES_PASSWORD_FILE, "utf8").trim(), "postgres"] as const;
    for (const sql of ["DROP DATABASE mlflow", `ALTER ROLE mlflow PASSWORD '${next.env.PGPASSWORD.replaceAll("'", "''")}'`, "CREATE DATABASE mlflow OWNER mlflow"]) {
      expect(pg.psql(...su, sql).status).toBe(0);
    }
    prod = await startMlflow(resources);
  }, 180_000);
  afterAll(async () => stop(prod?.child));

  test("Host mlflow.example.com (prod's mlopsMlflowHost, through the edge) and the in-cluster name are accepted; others refused", async () => {
    const search = "/api/2.0/mlflow/experiments/search?max_results=1";
    expect((await call(search, { host: "mlflow.example.com", auth: prod.admin })).status).toBe(200);
    expect((await call(search, { host: "mlflow.mlops.svc.cluster.local:5000", auth: prod.admin })).status).toBe(200);
    expect((await call(search, { host: "evil.example.com", auth: prod.admin })).status).toBe(403);
    expect((await call(search, { host: "mlflow.example.com" })).status).toBe(401);
  });
});
