/**
 * The object store's users, for real: the rendered minio-create-buckets pod (MinIO's client, mc, built from the Go
 * module proxy) against the rendered MinIO, then each consumer with the keys the render hands it (its object-store or
 * backup-target Secret, MLflow's minio-user-mlflow): its own bucket opens, every other bucket refuses a listing and a
 * write, a read-only user cannot write, no consumer can administer MinIO. Then what the next `up`s do: run again
 * (nothing changes), a rotated key (the old one refused), a consumer gone (its user removed, an operator's own user
 * kept), and wrong root keys (the pod fails at once, saying so).
 */
import { S3_SHELL_FUNCTION } from "../../components/lib/s3Shell";
import { at, k8sName, podSpecOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";
import { runShell } from "../helpers/s3server";
import { runJobPod } from "./cronJobPod";
import { type LocalMinio, localMinio, toolDir } from "./minio";

const MC = toolDir("mc");
const hosts = ["minio.mlops.svc.cluster.local"];

interface Consumer {
  readonly user: string;
  readonly secretKey: string;
  readonly buckets: string[];
  readonly access: "readwrite" | "readonly";
}

let res: Recorded[];
let minio: LocalMinio;
let consumers: Consumer[];

const setup = (render: readonly Recorded[] = res) => runJobPod(render, "batch/v1:Job", "minio-create-buckets", { hosts, path: [MC] });
const s3 = (keys: { user: string; secretKey: string }, script: string) =>
  runShell(`set -u\n${S3_SHELL_FUNCTION}\n${script}`, { S3_ENDPOINT_URL: minio.endpoint, AWS_ACCESS_KEY_ID: keys.user, AWS_SECRET_ACCESS_KEY: keys.secretKey, AWS_REGION: "us-east-1" });
/** The statuses of a listing of the bucket and of a write into it. */
const tryBucket = async (keys: { user: string; secretKey: string }, bucket: string) =>
  (await s3(keys, `echo x > /tmp/sw-users-body; printf '%s %s' "$(s3 GET '${bucket}?list-type=2')" "$(s3 PUT '${bucket}/probe-${keys.user}.txt' -T /tmp/sw-users-body)"`)).output;
const stringData = (r: Recorded) => (r.inputs.stringData ?? {}) as Record<string, string>;
const secretOf = (render: readonly Recorded[], ns: string, name: string) =>
  render.find((r) => r.type === "kubernetes:core/v1:Secret" && k8sName(r) === name && at(r.inputs, "metadata.namespace") === ns);
/** A copy of the render with `edit` applied to the named object (what the next `up` would write). */
function edited(type: string, name: string, edit: (inputs: JsonObject) => void): Recorded[] {
  return res.map((r) => {
    if (r.type !== `kubernetes:${type}` || k8sName(r) !== name) return r;
    const inputs = JSON.parse(JSON.stringify(r.inputs)) as JsonObject;
    edit(inputs);
    return { ...r, inputs };
  });
}

beforeAll(async () => {
  // prod: every kind of consumer (MLflow, the backups, the code executor, the context engine, the model copiers' read-only user).
  ({ resources: res } = await renderStack("prod"));
  minio = localMinio(res);
  await minio.start();
  const policies = res.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && k8sName(r) === "minio-policies")!.inputs.data as Record<string, string>;
  consumers = Object.entries(policies).map(([file, doc]) => {
    const user = file.replace(/\.json$/, "");
    const statements = (JSON.parse(doc) as { Statement: { Action: string[]; Resource: string[] }[] }).Statement;
    return {
      user,
      secretKey: stringData(secretOf(res, "mlops", `minio-user-${user}`)!).secretkey,
      buckets: statements[0].Resource.map((r) => r.replace("arn:aws:s3:::", "")),
      access: statements[1].Action.includes("s3:PutObject") ? "readwrite" : "readonly",
    };
  });
  expect(consumers.map((c) => `${c.user}:${c.access}`).sort()).toEqual(["backups:readwrite", "code-executor:readwrite", "context-engine:readwrite", "llm-stack-models:readonly", "mlflow:readwrite"]);
}, 180_000);

afterAll(async () => {
  await minio?.stop();
});

test("the setup pod makes every bucket and a user per consumer, with the root keys it reads from files", () => {
  const run = setup();
  expect(run.output).toContain("bucket mlflow-artifacts ready");
  for (const c of consumers) expect(run.output).toContain(`user ${c.user}: policy llm-platform-${c.user}`);
  expect(run.code === 0 ? "" : run.output).toBe("");
});

test("each consumer opens its own buckets (read-only where it only reads) and no other; none can administer MinIO", async () => {
  const everyBucket = [...new Set(consumers.flatMap((c) => c.buckets))];
  const seen: Record<string, Record<string, string>> = {};
  for (const c of consumers) {
    seen[c.user] = {};
    for (const b of everyBucket) seen[c.user][b] = await tryBucket(c, b);
  }
  for (const c of consumers) {
    for (const b of everyBucket) {
      const want = c.buckets.includes(b) ? (c.access === "readwrite" ? "200 200" : "200 403") : "403 403";
      expect(`${c.user} on ${b}: ${seen[c.user][b]}`).toBe(`${c.user} on ${b}: ${want}`);
    }
  }
  const admin = await runShell(`export MC_CONFIG_DIR=$(mktemp -d); echo "$SECRET" | mc alias set c "$URL" mlflow >/dev/null && mc admin user list c`, {
    PATH: `${MC}:${process.env.PATH}`,
    URL: minio.endpoint,
    SECRET: consumers.find((c) => c.user === "mlflow")!.secretKey,
  });
  expect(admin.code).not.toBe(0);
  expect(admin.output).toMatch(/Access Denied/i);
});

test("the keys each namespace is handed are its user's and open its bucket: object-store, backup-target, MLflow's", async () => {
  const handed = res.filter((r) => r.type === "kubernetes:core/v1:Secret" && ["object-store", "backup-target"].includes(k8sName(r)));
  expect(handed.map((r) => `${at(r.inputs, "metadata.namespace")}/${k8sName(r)}:${stringData(r).AWS_ACCESS_KEY_ID}`).sort()).toEqual([
    "context-engine/object-store:context-engine",
    "llm-executor/object-store:code-executor",
    "llm-stack/backup-target:backups",
    "llm-stack/object-store:llm-stack-models",
    "llmctl-harbor/backup-target:backups",
    "llmctl/backup-target:backups",
    "mlops/backup-target:backups",
  ]);
  for (const r of handed) {
    const d = stringData(r);
    expect(`${k8sName(r)} ${d.AWS_ACCESS_KEY_ID}: ${(await s3({ user: d.AWS_ACCESS_KEY_ID, secretKey: d.AWS_SECRET_ACCESS_KEY }, `s3 GET '${d.S3_BUCKET}?list-type=2'`)).output}`).toBe(`${k8sName(r)} ${d.AWS_ACCESS_KEY_ID}: 200`);
  }
});

test("the next `up`s: again changes nothing; a rotated key replaces the old one; a consumer gone loses its user, an operator's user stays", async () => {
  expect(setup()).toMatchObject({ code: 0 });
  const mlflow = consumers.find((c) => c.user === "mlflow")!;
  expect(await tryBucket(mlflow, "mlflow-artifacts")).toBe("200 200");

  // A rotation: minio-user-mlflow holds a new secret key.
  const rotated = { user: "mlflow", secretKey: `${mlflow.secretKey}Rotated9` };
  expect(setup(edited("core/v1:Secret", "minio-user-mlflow", (i) => ((i.stringData as Record<string, string>).secretkey = rotated.secretKey))).code).toBe(0);
  expect(await tryBucket(rotated, "mlflow-artifacts")).toBe("200 200");
  expect(await tryBucket(mlflow, "mlflow-artifacts")).toBe("403 403");

  // An operator's own user (no llm-platform- policy), then the context engine turned off: its directory is gone.
  const root = { user: minio.c.env.MINIO_ROOT_USER, secretKey: minio.c.env.MINIO_ROOT_PASSWORD };
  const mc = (script: string) => runShell(`set -e; export MC_CONFIG_DIR=$(mktemp -d); echo "$ROOT_SECRET" | mc alias set store "$URL" "$ROOT_USER" >/dev/null; ${script}`, { PATH: `${MC}:${process.env.PATH}`, URL: minio.endpoint, ROOT_USER: root.user, ROOT_SECRET: root.secretKey });
  expect(await mc(`echo operator-secret-0123456789 | mc admin user add store operator-own >/dev/null && mc admin policy attach store readonly --user operator-own >/dev/null`)).toMatchObject({ code: 0 });
  const withoutContext = edited("batch/v1:Job", "minio-create-buckets", (i) => {
    const users = ((at(i, "spec.template.spec.volumes") as JsonObject[]).find((v) => v.name === "users") as JsonObject).projected as JsonObject;
    users.sources = (users.sources as JsonObject[]).filter((s) => !JSON.stringify(s).includes("context-engine"));
  });
  const run = setup(withoutContext);
  expect(run.output).toContain("user context-engine: removed (no consumer has it now)");
  expect(run.code).toBe(0);
  const context = consumers.find((c) => c.user === "context-engine")!;
  expect(await tryBucket(context, "context-engine-snapshots")).toBe("403 403");
  const left = await mc("mc admin user list store; mc admin policy list store");
  expect(left.output).toContain("operator-own");
  expect(left.output).not.toContain("llm-platform-context-engine");
});

test("wrong root keys: the pod fails at once and says why, instead of waiting out its deadline", () => {
  const wrong = edited("core/v1:Secret", "minio-credentials", (i) => ((i.stringData as Record<string, string>).secretkey = "not-the-root-secret-key-0123456789"));
  const started = Date.now();
  const run = setup(wrong);
  expect(run.code).not.toBe(0);
  expect(run.output).toMatch(/MinIO refused the root keys in .*minio-root/);
  expect(Date.now() - started).toBeLessThan(20_000);
  // The pod's volumes as rendered: the secret keys are files, never the pod's env or a command line.
  const job = res.find((r) => r.type === "kubernetes:batch/v1:Job" && k8sName(r) === "minio-create-buckets")!;
  expect(JSON.stringify(podSpecOf(job).containers)).not.toMatch(/secretKeyRef/);
});
