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
import { CLAIM_DRILL_SCRIPT, FETCH_SCRIPT, UPLOAD_SCRIPT } from "../../components/platform/backups/scripts";
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
    expect(stores(res)).toEqual(["llm-stack/postgres", "llmctl/llmctl-postgres", "llmctl/llmctl-redis", "llmctl/llmctl-studio-data", "mlops/postgresql"]);
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

  test("the curl steps read the target from backup-target by reference, under <stack>/<namespace>/<store>/, with the retention", () => {
    for (const store of stores(res)) {
      const [ns, name] = store.split("/");
      for (const [cron, container] of [[`backup-${name}`, "upload"], [`drill-${name}`, "fetch"], [`restore-${name}`, "fetch"]]) {
        const env = envOf(step(res, cron, container));
        for (const k of TARGET_KEYS) expect(env[k]).toEqual({ name: k, valueFrom: { secretKeyRef: { name: "backup-target", key: k } } });
        expect(env.BACKUP_PREFIX.value).toBe(`dev/${ns}/${name}/`);
        expect(env.RETENTION.value).toBe("7");
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

  test("the PostgreSQL dump runs the server's image as its superuser, the password by reference", () => {
    const dump = step(res, "backup-llmctl-postgres", "dump");
    expect(dump.image).toBe(containersOf(byName(res, "apps/v1:StatefulSet", "llmctl-postgres"))[0].image);
    expect(envOf(dump).PGPASSWORD).toEqual({ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "llmctl-studio-secrets", key: "LLMCTL_POSTGRES_PASSWORD" } } });
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
    expect(targets.map((s) => at(s.inputs, "metadata.namespace")).sort()).toEqual(["llm-stack", "llmctl", "mlops"]);
    for (const t of targets) expect(at(t.inputs, "stringData")).toEqual({ AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE01", AWS_SECRET_ACCESS_KEY: "external-secret-key-0123456789", AWS_REGION: "eu-central-1", S3_ENDPOINT_URL: "https://s3.eu-central-1.amazonaws.com", S3_BUCKET: "acme-llm-backups" });
    const egress = ofType(res, "networking.k8s.io/v1:NetworkPolicy").find((p) => k8sName(p) === "llmctl-backups-to-target-egress")!;
    expect(at(egress.inputs, "spec.egress.0.ports")).toEqual([{ port: 443, protocol: "TCP" }]);
    expect(String(at(egress.inputs, "spec.egress.0.to.0.ipBlock.cidr"))).toBe("0.0.0.0/0");
    expect(String(envOf(containersOf(byName(res, "batch/v1:Job", "minio-create-buckets"))[0]).BUCKETS.value).split(" ")).not.toContain("platform-backups");
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
    expect(configProblems("dev", { backupSchedule: "nightly" })).toEqual([expect.stringMatching(/backupSchedule: .*five-field cron/)]);
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
