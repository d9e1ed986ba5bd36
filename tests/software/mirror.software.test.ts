/**
 * MinIO's buckets mirrored to an external backup target, for real: the rendered backup-minio-buckets,
 * restore-minio-buckets and drill-minio-buckets pods (MinIO's client, mc, built from the Go module proxy; the drill's
 * scratch MinIO a native sidecar) against the rendered MinIO as the source and a second MinIO standing in for the
 * external S3 bucket (the stack names an https endpoint; here its files point at a local http one, the one difference).
 */
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { S3_SHELL_FUNCTION } from "../../components/lib/s3Shell";
import { renderStack, type Recorded } from "../helpers/harness";
import { runShell } from "../helpers/s3server";
import { runCronJobPod, runJobPod } from "./cronJobPod";
import { statusOf } from "./http";
import { type LocalMinio, localMinio, minioBin, toolDir } from "./minio";
import { launch, stop, tail, waitUntil } from "./processes";

const TOOLS = [toolDir("mc"), toolDir("minio")];
const TARGET = { port: 19000, user: "external-backup", password: "external-backup-secret-0123456789" };
const hosts = ["minio.mlops.svc.cluster.local"];

let res: Recorded[];
let source: LocalMinio;
let target: ChildProcess | undefined;
let targetDir: string;

/** `s3 METHOD PATH` against a MinIO with its keys (the platform's curl shell). */
const s3 = (endpoint: string, keys: { user: string; password: string }, script: string) =>
  runShell(`set -eu\n${S3_SHELL_FUNCTION}\n${script}`, { AWS_ACCESS_KEY_ID: keys.user, AWS_SECRET_ACCESS_KEY: keys.password, AWS_REGION: "us-east-1", S3_ENDPOINT_URL: endpoint });
const sourceKeys = () => ({ user: source.c.env.MINIO_ROOT_USER, password: source.c.env.MINIO_ROOT_PASSWORD });
const put = (bucketKey: string, body: string) => s3(source.endpoint, sourceKeys(), `printf %s '${body}' > /tmp/sw-mirror-body; S3_OUT=/dev/null; s3 PUT "${bucketKey}" -T /tmp/sw-mirror-body`);
const get = (endpoint: string, keys: { user: string; password: string }, bucketKey: string) =>
  s3(endpoint, keys, `S3_OUT=/tmp/sw-mirror-get; s3 GET "${bucketKey}" >/dev/null; cat /tmp/sw-mirror-get; rm -f /tmp/sw-mirror-get`);

/** The pods' env: the external target as the backup-target Secret's files would say, pointing at the local MinIO. */
function podEnv(): Record<string, string> {
  return { BACKUP_TARGET_DIR: targetDir, SCRATCH_ADDRESS: "127.0.0.1:19100" };
}

beforeAll(async () => {
  ({ resources: res } = await renderStack("dev", {
    set: { backupS3Endpoint: "https://s3.eu-central-1.amazonaws.com", backupS3Bucket: "acme-llm-backups", backupS3Region: "eu-central-1" },
    secrets: { backupS3AccessKeyId: TARGET.user, backupS3SecretAccessKey: TARGET.password },
  }));
  source = localMinio(res);
  await source.start();
  // The buckets and users (the mirror's own among them), made by the rendered setup pod.
  expect(runJobPod(res, "batch/v1:Job", "minio-create-buckets", { hosts, path: TOOLS })).toMatchObject({ code: 0 });
  // The "external" bucket: a second MinIO with keys of its own, and the bucket the stack names.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-external-"));
  const log = path.join(dir, "minio.log");
  target = launch([minioBin(), "server", "--quiet", "--address", `127.0.0.1:${TARGET.port}`, path.join(dir, "data")], { env: { MINIO_ROOT_USER: TARGET.user, MINIO_ROOT_PASSWORD: TARGET.password, HOME: dir, PATH: process.env.PATH ?? "" }, cwd: dir, log });
  await waitUntil(async () => (await statusOf("127.0.0.1", TARGET.port, "/minio/health/ready").catch(() => 0)) === 200, { ms: 60_000, what: "the target MinIO did not start", programs: [target], why: () => tail(log) });
  expect(await s3(`http://127.0.0.1:${TARGET.port}`, TARGET, `S3_OUT=/dev/null; s3 PUT acme-llm-backups`)).toMatchObject({ code: 0, output: "200" });
  // The backup-target Secret's files as rendered, but for the endpoint.
  targetDir = fs.mkdtempSync(path.join(os.tmpdir(), "sw-backup-target-"));
  const rendered = res.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name.endsWith("backup-target") && (r.inputs.metadata as { namespace?: string }).namespace === "mlops");
  const data = { ...((rendered?.inputs.stringData ?? {}) as Record<string, string>), S3_ENDPOINT_URL: `http://127.0.0.1:${TARGET.port}` };
  expect(data).toMatchObject({ AWS_ACCESS_KEY_ID: TARGET.user, S3_BUCKET: "acme-llm-backups" });
  for (const [k, v] of Object.entries(data)) fs.writeFileSync(path.join(targetDir, k), v);
}, 180_000);

afterAll(async () => {
  await source?.stop();
  await stop(target);
});

describe("MinIO's buckets, mirrored to the external bucket", () => {
  test("the backup pod mirrors every bucket under dev/mlops/minio-buckets/<bucket>/", async () => {
    expect(await put("mlflow-artifacts/1/run-a/model.pkl", "weights-v1")).toMatchObject({ output: "200" });
    expect(await put("models/qwen/config.json", '{"layers": 2}')).toMatchObject({ output: "200" });
    const run = runCronJobPod(res, "backup-minio-buckets", { hosts, env: podEnv(), path: TOOLS });
    expect(run.output).toContain("target s3://acme-llm-backups reachable");
    expect(run.output).toContain("mlflow-artifacts: 1 objects at the target");
    expect(run.output).toContain("models: 1 objects at the target");
    expect(run.code).toBe(0);
    expect(await get(`http://127.0.0.1:${TARGET.port}`, TARGET, "acme-llm-backups/dev/mlops/minio-buckets/mlflow-artifacts/1/run-a/model.pkl")).toMatchObject({ output: "weights-v1" });
  }, 120_000);

  test("an object lost in MinIO comes back with the restore pod, with what it held", async () => {
    expect(await s3(source.endpoint, sourceKeys(), `S3_OUT=/dev/null; s3 DELETE "mlflow-artifacts/1/run-a/model.pkl"`)).toMatchObject({ output: "204" });
    expect((await get(source.endpoint, sourceKeys(), "mlflow-artifacts/1/run-a/model.pkl")).output).toContain("NoSuchKey");
    const run = runCronJobPod(res, "restore-minio-buckets", { hosts, env: podEnv(), path: TOOLS });
    expect(run.output).toContain("mlflow-artifacts: 1 objects after the restore");
    expect(run.code).toBe(0);
    expect(await get(source.endpoint, sourceKeys(), "mlflow-artifacts/1/run-a/model.pkl")).toMatchObject({ output: "weights-v1" });
  }, 120_000);

  test("the drill restores every bucket into a scratch MinIO in its pod and finds them identical; a bucket never mirrored fails it", async () => {
    const drill = runCronJobPod(res, "drill-minio-buckets", { hosts, env: podEnv(), path: TOOLS });
    expect(drill.output).toContain("models: 1 objects restored and identical");
    expect(drill.output).toMatch(/drill passed: 2 objects/);
    expect(drill.code).toBe(0);
    // A bucket the mirror never reached (named in BUCKETS, absent at the target) fails the drill.
    const missing = runCronJobPod(res, "drill-minio-buckets", { hosts, env: { ...podEnv(), BUCKETS: "models never-mirrored" }, path: TOOLS });
    expect(missing.output).toContain("never-mirrored: not at the target");
    expect(missing.code).not.toBe(0);
  }, 180_000);
});
