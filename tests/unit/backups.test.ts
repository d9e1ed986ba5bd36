/**
 * Backups (components/platform/backups): which datastores each stack backs up and where, the pods' wiring (the
 * target's keys by reference, the flows to the store and the target, the claim beside its pods), bad config, and
 * the transfer scripts run for real against a local S3 server that checks signatures. The software tier runs the
 * dumps, restores and drills against the real servers (tests/software/backups.software.test.ts).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as http from "http";
import type { AddressInfo } from "net";
import {
  CLAIM_DRILL_SCRIPT,
  FETCH_SCRIPT,
  QDRANT_DRILL_SCRIPT,
  QDRANT_DUMP_SCRIPT,
  QDRANT_RESTORE_SCRIPT,
  SQLITE_CLAIM_DRILL_SCRIPT,
  SQLITE_CLAIM_DUMP_SCRIPT,
  SQLITE_CLAIM_RESTORE_SCRIPT,
  UPLOAD_SCRIPT,
} from "../../components/platform/backups/scripts";
import { at, byName, configProblems, containersOf, envOf, type JsonObject, k8sName, ofType, podSpecOf, type Recorded, renderStack, studioOnly } from "../helpers/harness";
import { reaches } from "../helpers/reach";
import { type LocalS3, runShell, S3_KEYS, startLocalS3 } from "../helpers/s3server";

const TARGET_KEYS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "S3_ENDPOINT_URL", "S3_BUCKET"];
const cronJobs = (res: Recorded[]) => ofType(res, "batch/v1:CronJob").filter((c) => /^(backup|drill|restore)-/.test(k8sName(c)));
const stores = (res: Recorded[]) => cronJobs(res).filter((c) => k8sName(c).startsWith("backup-")).map((c) => `${String(at(c.inputs, "metadata.namespace"))}/${k8sName(c).slice("backup-".length)}`).sort();
const step = (res: Recorded[], cron: string, name: string) => [...containersOf(byName(res, "batch/v1:CronJob", cron), true), ...containersOf(byName(res, "batch/v1:CronJob", cron))].find((c) => c.name === name)!;

describe("dev: every datastore with state is backed up to the object store, drilled, and restorable", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("dev"));
  });

  test("the stores backed up, each with a backup, a drill and a suspended restore CronJob", () => {
    expect(stores(res)).toEqual([
      "llm-stack/openwebui-data",
      "llm-stack/postgres",
      "llm-stack/qdrant",
      "llmctl-harbor/harbor-database",
      "llmctl-harbor/harbor-registry",
      "llmctl/llmctl-postgres",
      "llmctl/llmctl-redis",
      "llmctl/llmctl-studio-data",
      "mlops/postgresql",
    ]);
    for (const store of stores(res)) {
      const [ns, name] = store.split("/");
      const of = (kind: string) => byName(res, "batch/v1:CronJob", `${kind}-${name}`);
      for (const kind of ["backup", "drill", "restore"]) expect(at(of(kind).inputs, "metadata.namespace")).toBe(ns);
      expect(at(of("backup").inputs, "spec.schedule")).toBe("30 2 * * *");
      expect(at(of("drill").inputs, "spec.schedule")).toBe("30 4 * * 0");
      expect(at(of("restore").inputs, "spec.suspend")).toBe(true);
      expect(at(of("backup").inputs, "spec.suspend")).toBe(false);
      expect(at(of("backup").inputs, "spec.concurrencyPolicy")).toBe("Forbid");
    }
  });

  test("the curl steps read the target from the mounted backup-target (files, no secret in the env), under <stack>/<namespace>/<store>/, with the retention", () => {
    for (const store of stores(res)) {
      const [ns, name] = store.split("/");
      for (const [cron, container] of [[`backup-${name}`, "upload"], [`drill-${name}`, "fetch"], [`restore-${name}`, "fetch"]]) {
        const c = step(res, cron, container);
        const env = envOf(c);
        for (const k of TARGET_KEYS) expect(env[k]).toBeUndefined();
        expect(env.BACKUP_TARGET_DIR.value).toBe("/etc/backup-target");
        expect(c.volumeMounts).toContainEqual({ name: "backup-target", mountPath: "/etc/backup-target", readOnly: true });
        expect(podSpecOf(byName(res, "batch/v1:CronJob", cron)).volumes).toContainEqual({ name: "backup-target", secret: { secretName: "backup-target", defaultMode: 0o440 } });
        expect(env.BACKUP_PREFIX.value).toBe(`dev/${ns}/${name}/`);
        // The retention is the upload's (it prunes); a fetch reads none.
        if (container === "upload") expect(env.RETENTION.value).toBe("7");
        else expect(env.RETENTION).toBeUndefined();
      }
      const secret = ofType(res, "core/v1:Secret").find((s) => k8sName(s) === "backup-target" && at(s.inputs, "metadata.namespace") === ns)!;
      expect(at(secret.inputs, "stringData")).toMatchObject({ S3_BUCKET: "platform-backups", S3_ENDPOINT_URL: "http://minio.mlops.svc.cluster.local:9000" });
    }
    // The object store makes the bucket.
    expect(String(envOf(containersOf(byName(res, "batch/v1:Job", "minio-create-buckets"))[0]).BUCKETS.value).split(" ")).toContain("platform-backups");
  });

  test("a backup pod reaches its store's port and MinIO; an application pod reaches neither through the backup flows", () => {
    const reach = reaches(res);
    expect(reach("llmctl/backup-llmctl-postgres", "llmctl/llmctl-postgres", 5432)).toBe(true);
    expect(reach("llmctl/backup-llmctl-postgres", "mlops/minio", 9000)).toBe(true);
    expect(reach("llmctl/backup-llmctl-redis", "llmctl/llmctl-redis", 6379)).toBe(true);
    expect(reach("llm-stack/backup-postgres", "llm-stack/postgres", 5432)).toBe(true);
    expect(reach("mlops/backup-postgresql", "mlops/postgresql", 5432)).toBe(true);
    expect(reach("llmctl/drill-llmctl-postgres", "mlops/minio", 9000)).toBe(true);
    // The drill restores into its own pod: it never reaches the live server.
    expect(reach("llmctl/drill-llmctl-postgres", "llmctl/llmctl-postgres", 5432)).toBe(false);
    expect(reach("llmctl/restore-llmctl-postgres", "llmctl/llmctl-postgres", 5432)).toBe(true);
    expect(reach("llmctl/backup-llmctl-redis", "llmctl/llmctl-postgres", 5432)).toBe(false);
    expect(reach("llmctl/llmctl-studio-frontend", "mlops/minio", 9000)).toBe(false);
  });

  test("the PostgreSQL dump runs the server's image as its superuser, the password a mounted file of its Secret", () => {
    const dump = step(res, "backup-llmctl-postgres", "dump");
    expect(dump.image).toBe(containersOf(byName(res, "apps/v1:StatefulSet", "llmctl-postgres"))[0].image);
    expect(envOf(dump).PGPASSWORD).toBeUndefined();
    expect(envOf(dump).PGPASSWORD_FILE.value).toBe("/etc/backup-store/password");
    expect(dump.volumeMounts).toContainEqual({ name: "store-secret", mountPath: "/etc/backup-store", readOnly: true });
    expect(podSpecOf(byName(res, "batch/v1:CronJob", "backup-llmctl-postgres")).volumes).toContainEqual({ name: "store-secret", secret: { secretName: "llmctl-studio-secrets", items: [{ key: "LLMCTL_POSTGRES_PASSWORD", path: "password" }], defaultMode: 0o440 } });
    // No step of any backup CronJob takes a Secret through its env.
    for (const cron of ofType(res, "batch/v1:CronJob").filter((c) => /^(backup|drill|restore)-/.test(k8sName(c)))) {
      for (const c of [...containersOf(cron), ...containersOf(cron, true)]) expect(JSON.stringify(c.env ?? [])).not.toContain("secretKeyRef");
    }
    expect(envOf(dump).PGHOST.value).toBe("llmctl-postgres.llmctl.svc.cluster.local");
    expect(at(podSpecOf(byName(res, "batch/v1:CronJob", "backup-llmctl-postgres")), "securityContext.runAsUser")).toBe(999);
  });

  test("the claim's backup mounts it read-only on its pods' node; its restore mounts it writable and says to stop the backend first", async () => {
    const spec = podSpecOf(byName(res, "batch/v1:CronJob", "backup-llmctl-studio-data"));
    expect(((spec.volumes ?? []) as JsonObject[]).find((v) => v.name === "data")).toEqual({ name: "data", persistentVolumeClaim: { claimName: "llmctl-studio-data", readOnly: true } });
    const term = at(spec, "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution.0") as JsonObject;
    expect(term.topologyKey).toBe("kubernetes.io/hostname");
    const backend = at(byName(res, "apps/v1:Deployment", "llmctl-studio-backend").inputs, "spec.template.metadata.labels") as Record<string, string>;
    expect(Object.entries(at(term, "labelSelector.matchLabels") as Record<string, string>).every(([k, v]) => backend[k] === v)).toBe(true);
    const restore = podSpecOf(byName(res, "batch/v1:CronJob", "restore-llmctl-studio-data"));
    expect(((restore.volumes ?? []) as JsonObject[]).find((v) => v.name === "data")).toEqual({ name: "data", persistentVolumeClaim: { claimName: "llmctl-studio-data" } });
    const { outputs } = await renderStack("dev");
    expect(at(outputs as JsonObject, "suites.llmctl.backups.llmctl-studio-data.restore")).toMatch(/^kubectl -n llmctl scale deployment\/llmctl-studio-backend --replicas=0 && /);
    expect(at(outputs as JsonObject, "suites.llmctl.backups.llmctl-postgres.drillNow")).toBe("kubectl -n llmctl create job --from=cronjob/drill-llmctl-postgres drill-llmctl-postgres-now");
  });
});

describe("where backups go", () => {
  const external = {
    set: { backupS3Endpoint: "https://s3.eu-central-1.amazonaws.com", backupS3Bucket: "acme-llm-backups", backupS3Region: "eu-central-1" },
    secrets: { backupS3AccessKeyId: "AKIAEXAMPLEEXAMPLE01", backupS3SecretAccessKey: "external-secret-key-0123456789" },
  };

  test("an external bucket: the keys, endpoint and bucket go to every backup-target, the flow is to the internet on 443, MinIO makes no backup bucket", async () => {
    const { resources: res } = await renderStack("dev", external);
    const targets = ofType(res, "core/v1:Secret").filter((s) => k8sName(s) === "backup-target");
    expect(targets.map((s) => at(s.inputs, "metadata.namespace")).sort()).toEqual(["llm-stack", "llmctl", "llmctl-harbor", "mlops"]);
    for (const t of targets) expect(at(t.inputs, "stringData")).toEqual({ AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE01", AWS_SECRET_ACCESS_KEY: "external-secret-key-0123456789", AWS_REGION: "eu-central-1", S3_ENDPOINT_URL: "https://s3.eu-central-1.amazonaws.com", S3_BUCKET: "acme-llm-backups" });
    const egress = ofType(res, "networking.k8s.io/v1:NetworkPolicy").find((p) => k8sName(p) === "llmctl-backups-to-target-egress")!;
    expect(at(egress.inputs, "spec.egress.0.ports")).toEqual([{ port: 443, protocol: "TCP" }]);
    expect(String(at(egress.inputs, "spec.egress.0.to.0.ipBlock.cidr"))).toBe("0.0.0.0/0");
    expect(String(envOf(containersOf(byName(res, "batch/v1:Job", "minio-create-buckets"))[0]).BUCKETS.value).split(" ")).not.toContain("platform-backups");
    // MinIO's buckets are mirrored there by mc (in-cluster, a copy in MinIO would protect nothing: not in dev's own render).
    const mirror = step(res, "backup-minio-buckets", "mirror");
    expect(mirror.image).toBe("quay.io/minio/mc:RELEASE.2025-03-12T17-29-24Z");
    const bucketsOf = (c: JsonObject) => String(envOf(c).BUCKETS.value).split(" ");
    expect(bucketsOf(mirror)).toEqual(String(envOf(containersOf(byName(res, "batch/v1:Job", "minio-create-buckets"))[0]).BUCKETS.value).split(" "));
    expect(envOf(mirror).SOURCE_URL.value).toBe("http://minio.mlops.svc.cluster.local:9000");
    expect(podSpecOf(byName(res, "batch/v1:CronJob", "backup-minio-buckets")).volumes).toContainEqual({ name: "source", secret: { secretName: "minio-user-minio-mirror", items: [{ key: "accesskey", path: "accesskey" }, { key: "secretkey", path: "secretkey" }], defaultMode: 0o440 } });
    // The drill's scratch MinIO is a native sidecar on loopback, as large as MinIO's claim; the restore waits to be run.
    const drill = podSpecOf(byName(res, "batch/v1:CronJob", "drill-minio-buckets"));
    const server = (drill.initContainers as JsonObject[]).find((c) => c.name === "scratch-server")!;
    expect({ image: server.image, restartPolicy: server.restartPolicy }).toEqual({ image: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z", restartPolicy: "Always" });
    const claimSize = at(byName(res, "core/v1:PersistentVolumeClaim", "minio-storage").inputs, "spec.resources.requests.storage");
    expect((drill.volumes as JsonObject[]).find((v) => v.name === "scratch")).toMatchObject({ emptyDir: { sizeLimit: claimSize } });
    expect(at(byName(res, "batch/v1:CronJob", "restore-minio-buckets").inputs, "spec.suspend")).toBe(true);
    const reach = reaches(res);
    expect(reach("mlops/backup-minio-buckets", "mlops/minio", 9000)).toBe(true);
    expect(reach("mlops/drill-minio-buckets", "mlops/minio", 9000)).toBe(false);
    expect(cronJobs((await renderStack("dev")).resources).map(k8sName)).not.toContain("backup-minio-buckets");
  });

  test("no object store and no external bucket: nothing to back up to, so no backup CronJob", async () => {
    const { resources: res } = await studioOnly({});
    expect(cronJobs(res)).toEqual([]);
  });

  test("without persistence there is no data to back up", async () => {
    const { resources: res } = await renderStack("dev", { set: { persistence: false } });
    expect(cronJobs(res)).toEqual([]);
  });

  test("bad backup config fails preview naming the key", () => {
    expect(configProblems("dev", { backupSchedule: "nightly" })).toEqual([expect.stringMatching(/backupSchedule: must be a cron schedule such as 30 2 \* \* \* or @daily: has 1 field, a cron schedule has five/)]);
    expect(configProblems("dev", { backupRetention: 0 })).toEqual([expect.stringMatching(/backupRetention/)]);
    expect(configProblems("dev", { backupS3Endpoint: "http://minio.backup.example.com" })).toEqual(
      expect.arrayContaining([expect.stringMatching(/backupS3Endpoint: must be an https:\/\/ endpoint/), expect.stringMatching(/backupS3Bucket: is required/), expect.stringMatching(/backupS3AccessKeyId: is required/)]),
    );
    expect(configProblems("dev", { backupS3Bucket: "acme" })).toEqual([expect.stringMatching(/backupS3Bucket: is set without backupS3Endpoint/)]);
    expect(configProblems("dev", { backupS3Endpoint: "https://s3.example.com", backupS3Bucket: "acme", backupS3AccessKeyId: "AKIA", backupS3SecretAccessKey: "x" })).toEqual(
      expect.arrayContaining([expect.stringMatching(/backupS3AccessKeyId: is a credential: set it with `pulumi config set --secret/)]),
    );
  });
});

describe("the transfer scripts against a local S3 server that checks signatures", () => {
  let s3: LocalS3;
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "backup-bin-"));
  const stamps = path.join(bin, "stamps");
  beforeAll(async () => {
    s3 = await startLocalS3();
    await runShell(`curl -sS -o /dev/null -X PUT --aws-sigv4 aws:amz:us-east-1:s3 --user "${S3_KEYS.accessKey}:${S3_KEYS.secretKey}" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' ${s3.endpoint}/backups`, {});
    // `date` answers the next stamp from a list, so successive uploads get distinct, ordered stamps.
    fs.writeFileSync(path.join(bin, "date"), `#!/bin/sh\nn=$(head -n 1 ${stamps}); sed -i 1d ${stamps}; echo "$n"\n`, { mode: 0o755 });
  });
  afterAll(() => s3.close());

  const env = (extra: Record<string, string>) => ({
    PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    AWS_ACCESS_KEY_ID: S3_KEYS.accessKey,
    AWS_SECRET_ACCESS_KEY: S3_KEYS.secretKey,
    AWS_REGION: "us-east-1",
    S3_ENDPOINT_URL: s3.endpoint,
    S3_BUCKET: "backups",
    BACKUP_PREFIX: "dev/llmctl/llmctl-postgres/",
    RETENTION: "2",
    ...extra,
  });
  const dumped = (content: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-dump-"));
    fs.writeFileSync(path.join(dir, "llmctl.dump"), content);
    fs.writeFileSync(path.join(dir, "tables.txt"), "llmctl 3\n");
    return dir;
  };

  test("each upload is complete (COMPLETE last, with the sums); the oldest beyond the retention and interrupted older ones are pruned", async () => {
    fs.writeFileSync(stamps, ["20261201T023000Z", "20261202T023000Z", "20261203T023000Z"].join("\n"));
    // An interrupted run before them all (no COMPLETE), and one after (still uploading).
    const put = (key: string) => runShell(`curl -sS -o /dev/null -X PUT --data x --aws-sigv4 aws:amz:us-east-1:s3 --user "${S3_KEYS.accessKey}:${S3_KEYS.secretKey}" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' ${s3.endpoint}/backups/${key}`, {});
    await put("dev/llmctl/llmctl-postgres/20261130T023000Z/llmctl.dump");
    await put("dev/llmctl/llmctl-postgres/20261209T023000Z/llmctl.dump");
    for (const content of ["one", "two", "three"]) {
      const run = await runShell(UPLOAD_SCRIPT, env({ BACKUP_DIR: dumped(content) }));
      expect(run).toMatchObject({ code: 0 });
    }
    const stampsLeft = [...new Set(s3.objects("backups").map((k) => k.split("/")[3]))].sort();
    expect(stampsLeft).toEqual(["20261202T023000Z", "20261203T023000Z", "20261209T023000Z"]);
    expect(s3.objects("backups").filter((k) => k.includes("20261203T023000Z")).map((k) => k.split("/").pop()).sort()).toEqual(["COMPLETE", "llmctl.dump", "tables.txt"]);
  });

  test("the fetch takes the newest complete backup (not the unfinished one), or BACKUP_STAMP, and checks the sums", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-restore-"));
    expect(await runShell(FETCH_SCRIPT, env({ RESTORE_DIR: dir }))).toMatchObject({ code: 0, output: expect.stringContaining("fetched backup 20261203T023000Z") });
    expect(fs.readFileSync(path.join(dir, "llmctl.dump"), "utf8")).toBe("three");
    const older = fs.mkdtempSync(path.join(os.tmpdir(), "backup-restore-"));
    expect(await runShell(FETCH_SCRIPT, env({ RESTORE_DIR: older, BACKUP_STAMP: "20261202T023000Z" }))).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(older, "llmctl.dump"), "utf8")).toBe("two");
    expect(await runShell(FETCH_SCRIPT, env({ RESTORE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "backup-restore-")), BACKUP_STAMP: "20261209T023000Z" }))).toMatchObject({ code: 1, output: expect.stringContaining("is not complete") });
  });

  test("a file changed in the bucket fails the fetch; an empty prefix and a wrong key fail with what is wrong", async () => {
    const object = path.join(s3.directory, "backups", "dev/llmctl/llmctl-postgres/20261203T023000Z/llmctl.dump._S3rver_object");
    fs.writeFileSync(object, "tampered");
    const run = await runShell(FETCH_SCRIPT, env({ RESTORE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "backup-restore-")) }));
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/llmctl.dump: FAILED/);
    expect(await runShell(FETCH_SCRIPT, env({ RESTORE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "backup-restore-")), BACKUP_PREFIX: "dev/none/" }))).toMatchObject({ code: 1, output: expect.stringContaining("no complete backup under s3://backups/dev/none/") });
    const wrongKey = await runShell(UPLOAD_SCRIPT, env({ BACKUP_DIR: dumped("x"), AWS_SECRET_ACCESS_KEY: "wrong" }));
    expect(wrongKey).toMatchObject({ code: 1, output: expect.stringContaining("HTTP 403") });
    // The target as the CronJob mounts it: a directory of backup-target's keys; one missing is named.
    const targetDir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-target-"));
    const keys: Record<string, string> = env({});
    for (const k of TARGET_KEYS) fs.writeFileSync(path.join(targetDir, k), keys[k]);
    const fromFiles = { BACKUP_TARGET_DIR: targetDir, BACKUP_PREFIX: keys.BACKUP_PREFIX, RETENTION: keys.RETENTION };
    expect(await runShell(UPLOAD_SCRIPT, { ...fromFiles, BACKUP_DIR: dumped("y") })).toMatchObject({ code: 0, output: expect.stringContaining("complete: s3://backups/") });
    fs.rmSync(path.join(targetDir, "S3_BUCKET"));
    expect(await runShell(FETCH_SCRIPT, { ...fromFiles, RESTORE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "backup-restore-")) })).toMatchObject({ code: 1, output: expect.stringContaining(`the backup target has no S3_BUCKET in ${targetDir}`) });
  });

  test("the claim drill fails when the archive holds other files than the backup recorded", async () => {
    const restore = fs.mkdtempSync(path.join(os.tmpdir(), "backup-restore-"));
    const data = fs.mkdtempSync(path.join(os.tmpdir(), "backup-data-"));
    fs.writeFileSync(path.join(data, "a"), "a");
    execFileSync("tar", ["-czf", path.join(restore, "data.tar.gz"), "-C", data, "."]);
    fs.writeFileSync(path.join(restore, ".stamp"), "20261203T023000Z");
    const drill = (files: string) => {
      fs.writeFileSync(path.join(restore, "files.txt"), files);
      return runShell(CLAIM_DRILL_SCRIPT, { RESTORE_DIR: restore, SCRATCH: fs.mkdtempSync(path.join(os.tmpdir(), "backup-scratch-")) });
    };
    expect(await drill("1\n")).toMatchObject({ code: 0, output: expect.stringContaining("drill passed") });
    expect(await drill("2\n")).toMatchObject({ code: 1, output: expect.stringContaining("drill FAILED: 1 files unpacked, 2 backed up") });
  });
});

/**
 * Qdrant has no build here (no package; its server crate is not on crates.io): its scripts run against a model of the
 * routes they call, as Qdrant 1.12's REST API defines them (collections list, exact count, collection snapshots
 * create/download/delete, snapshot upload with priority=snapshot replacing the collection). Each "snapshot" is the
 * collection's points as JSON, so what a restore brings back is what was snapshotted.
 */
async function modelQdrant(key: string | undefined, collections: Record<string, number[]>) {
  const snapshots = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      if (key && req.headers["api-key"] !== key) return void res.writeHead(401).end();
      const url = new URL(req.url ?? "/", "http://q");
      const parts = url.pathname.split("/").filter(Boolean);
      const json = (v: unknown) => res.end(JSON.stringify({ result: v, status: "ok" }));
      if (url.pathname === "/readyz") return void res.end("all shards are ready");
      if (req.method === "GET" && url.pathname === "/collections") return void json({ collections: Object.keys(collections).map((name) => ({ name })) });
      const c = parts[1];
      if (req.method === "POST" && parts[2] === "points" && parts[3] === "count") return void (c in collections ? json({ count: collections[c].length }) : res.writeHead(404).end());
      if (req.method === "POST" && parts[2] === "snapshots" && parts.length === 3) {
        const name = `${c}-${snapshots.size + 1}.snapshot`;
        snapshots.set(name, JSON.stringify(collections[c]));
        return void json({ name });
      }
      if (req.method === "GET" && parts[2] === "snapshots" && parts[3]) return void res.end(snapshots.get(parts[3]));
      if (req.method === "DELETE" && parts[2] === "snapshots") return void (snapshots.delete(parts[3]) ? json(true) : res.writeHead(404).end());
      if (req.method === "POST" && parts[3] === "upload" && url.searchParams.get("priority") === "snapshot") {
        const body = Buffer.concat(chunks).toString("latin1");
        const points = /\r\n\r\n(\[[^\]]*\])\r\n--/.exec(body)?.[1];
        if (!points) return void res.writeHead(400).end();
        collections[c] = JSON.parse(points) as number[];
        return void json(true);
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, collections, snapshots, close: () => server.close() };
}

describe("Qdrant's backup scripts against a model of its API", () => {
  const servers: { close: () => void }[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));
  test("dump, drill into an empty scratch server, restore into the live one: the collections and their points come back", async () => {
    const live = await modelQdrant("live-key", { openwebui_files: [1, 2, 3], r2r_chunks: [4, 5] });
    servers.push(live);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdrant-backup-"));
    // The key as the CronJob gives it: a file of its Secret.
    const keyFile = path.join(dir, ".key");
    fs.writeFileSync(keyFile, "live-key");
    const dump = await runShell(QDRANT_DUMP_SCRIPT, { QDRANT_URL: live.url, QDRANT_API_KEY_FILE: keyFile, BACKUP_DIR: dir });
    expect(dump).toMatchObject({ code: 0, output: expect.stringContaining("snapshots of 2 collections") });
    fs.rmSync(keyFile);
    expect(fs.readFileSync(path.join(dir, "collections.txt"), "utf8")).toBe("openwebui_files 3\nr2r_chunks 2\n");
    expect(live.snapshots.size).toBe(0);
    fs.writeFileSync(path.join(dir, ".stamp"), "20261204T023000Z");

    const scratch = await modelQdrant(undefined, {});
    servers.push(scratch);
    const drill = await runShell(QDRANT_DRILL_SCRIPT, { QDRANT_URL: scratch.url, RESTORE_DIR: dir });
    expect(drill).toMatchObject({ code: 0, output: expect.stringContaining("drill passed") });
    expect(scratch.collections).toEqual({ openwebui_files: [1, 2, 3], r2r_chunks: [4, 5] });

    live.collections.openwebui_files = [];
    const restore = await runShell(QDRANT_RESTORE_SCRIPT, { QDRANT_URL: live.url, QDRANT_API_KEY: "live-key", RESTORE_DIR: dir });
    expect(restore).toMatchObject({ code: 0 });
    expect(live.collections.openwebui_files).toEqual([1, 2, 3]);
    expect((await runShell(QDRANT_DUMP_SCRIPT, { QDRANT_URL: live.url, QDRANT_API_KEY: "wrong", BACKUP_DIR: dir })).code).not.toBe(0);
  });

  test("a drill whose restored collection comes back empty fails", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qdrant-backup-"));
    fs.writeFileSync(path.join(dir, "collections.txt"), "docs 5\n");
    fs.writeFileSync(path.join(dir, "docs.snapshot"), "[]");
    fs.writeFileSync(path.join(dir, ".stamp"), "20261204T023000Z");
    const scratch = await modelQdrant(undefined, {});
    servers.push(scratch);
    expect(await runShell(QDRANT_DRILL_SCRIPT, { QDRANT_URL: scratch.url, RESTORE_DIR: dir })).toMatchObject({ code: 1, output: expect.stringContaining("docs: 0, 5 points backed up") });
  });
});

describe("OpenWebUI's claim: its SQLite database copied consistently, the rest archived", () => {
  test("dump, drill (integrity_check) and restore with the real sqlite3 module", async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), "webui-data-"));
    fs.mkdirSync(path.join(data, "uploads"));
    fs.writeFileSync(path.join(data, "uploads", "notes.pdf"), "pdf");
    execFileSync("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('pragma journal_mode=wal'); c.execute('create table chat(id int, body text)'); c.execute(\"insert into chat values (1, 'hello')\"); c.commit()", path.join(data, "webui.db")]);
    const backup = fs.mkdtempSync(path.join(os.tmpdir(), "webui-backup-"));
    expect(await runShell(SQLITE_CLAIM_DUMP_SCRIPT, { DATA_DIR: data, BACKUP_DIR: backup })).toMatchObject({ code: 0, output: expect.stringContaining("archived 2 files") });
    fs.writeFileSync(path.join(backup, ".stamp"), "20261204T023000Z");
    const drill = await runShell(SQLITE_CLAIM_DRILL_SCRIPT, { RESTORE_DIR: backup, SCRATCH: fs.mkdtempSync(path.join(os.tmpdir(), "webui-scratch-")) });
    expect(drill).toMatchObject({ code: 0, output: expect.stringContaining("./webui.db: integrity ok") });
    fs.rmSync(path.join(data, "webui.db"));
    expect(await runShell(SQLITE_CLAIM_RESTORE_SCRIPT, { DATA_DIR: data, RESTORE_DIR: backup })).toMatchObject({ code: 0 });
    const rows = execFileSync("python3", ["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select body from chat').fetchall())", path.join(data, "webui.db")], { encoding: "utf8" });
    expect(rows.trim()).toBe("[('hello',)]");
    expect(fs.readFileSync(path.join(data, "uploads", "notes.pdf"), "utf8")).toBe("pdf");
  });
});
