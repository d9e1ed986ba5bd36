/**
 * The context-engine suite (seed context-engine.md): watchers from the repository list (the models' downloads are
 * contextEngineModels.test.ts's), the seed's names and ports, Qdrant's generated key, the network policy modes, backups (run for real against a fake Qdrant, and with
 * mlops' object store against a local S3 server that checks signatures), the metrics Prometheus scrapes.
 */
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { S3_SHELL_FUNCTION } from "../../components/lib/s3Shell";
import { SNAPSHOT_BUCKET } from "../../components/suites/contextEngine/names";
import { RESTORE_FROM_BUCKET_SCRIPT, RESTORE_SCRIPT, SNAPSHOT_SCRIPT, SNAPSHOT_TO_BUCKET_SCRIPT } from "../../components/suites/contextEngine/scripts";
import { at, byName, containersOf, envOf, isSecretValue, k8sName, ofType, podSpecOf, renderStack, WORKLOAD_KINDS, type JsonObject, type Recorded, type RegisteredResource } from "../helpers/harness";
import { type LocalS3, runShell, S3_KEYS, startLocalS3 } from "../helpers/s3server";

const NS = "context-engine";
const inNs = (res: Recorded[], kind: string) => ofType(res, kind).filter((r) => at(r.inputs, "metadata.namespace") === NS);

describe("context-engine on the dev stack", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("dev"));
  });

  test("the seed's names and ports; mcp-indexer owned by its HPA (1-5 at 70%); dev NodePorts 30333/30800/30802", () => {
    const ports = Object.fromEntries(inNs(res, "core/v1:Service").filter((s) => !k8sName(s).endsWith("-headless")).map((s) => [k8sName(s), [at(s.inputs, "spec.ports.0.port"), at(s.inputs, "spec.ports.0.nodePort") ?? null]]));
    expect(ports).toEqual({
      qdrant: [6333, 30333],
      "mcp-memory": [8000, 30800],
      "mcp-indexer": [8001, 30802],
      "mcp-memory-http": [8002, null],
      "mcp-indexer-http": [8003, null],
      llamacpp: [8080, null],
    });
    expect(at(byName(res, "apps/v1:Deployment", "mcp-indexer").inputs, "spec.replicas")).toBeUndefined();
    expect(at(byName(res, "autoscaling/v2:HorizontalPodAutoscaler", "mcp-indexer").inputs, "spec")).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
    expect(at(containersOf(byName(res, "apps/v1:Deployment", "mcp-memory"))[0], "readinessProbe.httpGet")).toEqual({ path: "/readyz", port: 18000 });
    expect(at(byName(res, "apps/v1:StatefulSet", "qdrant").inputs, "spec.volumeClaimTemplates.0.metadata.name")).toBe("qdrant-storage");
  });

  test("each role runs its own script with the transport and port in the names the image reads", () => {
    const role = (name: string) => {
      const c = containersOf(byName(res, "apps/v1:Deployment", name))[0];
      const env = envOf(c);
      return { command: c.command, transport: env.FASTMCP_TRANSPORT?.value, port: (env.FASTMCP_PORT ?? env.FASTMCP_INDEXER_PORT)?.value, portEnv: env.FASTMCP_PORT ? "FASTMCP_PORT" : "FASTMCP_INDEXER_PORT", health: env.FASTMCP_HEALTH_PORT?.value };
    };
    const memory = ["python", "/app/scripts/mcp_memory_server.py"];
    const indexer = ["python", "/app/scripts/mcp_indexer_server.py"];
    expect(role("mcp-memory")).toEqual({ command: memory, transport: "sse", port: "8000", portEnv: "FASTMCP_PORT", health: "18000" });
    expect(role("mcp-indexer")).toEqual({ command: indexer, transport: "sse", port: "8001", portEnv: "FASTMCP_INDEXER_PORT", health: "18001" });
    expect(role("mcp-memory-http")).toEqual({ command: memory, transport: "http", port: "8002", portEnv: "FASTMCP_PORT", health: "18002" });
    expect(role("mcp-indexer-http")).toEqual({ command: indexer, transport: "http", port: "8003", portEnv: "FASTMCP_INDEXER_PORT", health: "18003" });
    expect(containersOf(byName(res, "apps/v1:Deployment", "watcher-backend"))[0].command).toEqual(["python", "/app/scripts/watch_index.py"]);
    // The shared ConfigMap has no download settings; the download's init container has them.
    const data = byName(res, "core/v1:ConfigMap", "context-engine-config").inputs.data as Record<string, string>;
    expect(Object.keys(data).filter((k) => k.startsWith("LLAMACPP_MODEL_"))).toEqual([]);
  });

  test("one watcher per repository: watcher-<name>, Recreate, app=watcher, WATCH_ROOT from the entry, its sub-directory of repos-storage", () => {
    const watchers = inNs(res, "apps/v1:Deployment").filter((d) => k8sName(d).startsWith("watcher-"));
    expect(watchers.map(k8sName).sort()).toEqual(["watcher-backend", "watcher-frontend", "watcher-ml-service"]);
    const w = byName(res, "apps/v1:Deployment", "watcher-backend");
    expect(at(w.inputs, "spec.strategy")).toEqual({ type: "Recreate" });
    expect(at(w.inputs, "spec.template.metadata.labels.app")).toBe("watcher");
    const c = containersOf(w)[0];
    expect(envOf(c)).toMatchObject({ WATCH_ROOT: { value: "/work/backend" } });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: "repos-storage", mountPath: "/work/backend", subPath: "backend" }]));
    expect(podSpecOf(w).volumes).toEqual(expect.arrayContaining([{ name: "repos-storage", persistentVolumeClaim: { claimName: "repos-storage" } }]));
    expect(at(byName(res, "core/v1:PersistentVolumeClaim", "repos-storage").inputs, "spec.accessModes")).toEqual(["ReadWriteMany"]);
  });

  test("every pod runs as context-engine without a token; no Role is needed; Qdrant's generated key reaches the MCP servers and watchers", () => {
    for (const d of [...inNs(res, "apps/v1:Deployment"), ...inNs(res, "apps/v1:StatefulSet")]) {
      expect({ d: k8sName(d), sa: podSpecOf(d).serviceAccountName, token: podSpecOf(d).automountServiceAccountToken }).toEqual({ d: k8sName(d), sa: "context-engine", token: false });
    }
    expect(inNs(res, "rbac.authorization.k8s.io/v1:Role")).toEqual([]);
    const key = { secretKeyRef: { name: "context-engine-secrets", key: "QDRANT_API_KEY" } };
    expect(envOf(containersOf(byName(res, "apps/v1:StatefulSet", "qdrant"))[0]).QDRANT__SERVICE__API_KEY.valueFrom).toEqual(key);
    expect(envOf(containersOf(byName(res, "apps/v1:Deployment", "watcher-frontend"))[0]).QDRANT_API_KEY.valueFrom).toEqual(key);
    expect(byName(res, "core/v1:ConfigMap", "context-engine-config").inputs.data).toMatchObject({
      COLLECTION_NAME: "codebase",
      EMBEDDING_MODEL: "BAAI/bge-base-en-v1.5",
      QDRANT_URL: "http://qdrant.context-engine.svc.cluster.local:6333",
      INDEX_MICRO_CHUNKS: "1",
      MAX_MICRO_CHUNKS_PER_FILE: "200",
      WATCH_DEBOUNCE_SECS: "1.5",
    });
  });

  test("llama.cpp: the download runs in a Job beside the server into the models claim, the server only waits for it (never a hostPath); backups run nightly to their claim", () => {
    const d = byName(res, "apps/v1:Deployment", "llamacpp");
    const init = containersOf(d, true)[0];
    expect(init.name).toBe("wait-for-model");
    expect(init.volumeMounts).toEqual([{ name: "models-storage", mountPath: "/models", readOnly: true }]);
    const job = byName(res, "batch/v1:Job", "llamacpp-download");
    expect(containersOf(job)[0]).toMatchObject({ name: "download-model", volumeMounts: [{ name: "models-storage", mountPath: "/models" }] });
    expect(envOf(containersOf(job)[0]).LLAMACPP_MODEL_URL).toEqual(envOf(init).LLAMACPP_MODEL_URL);
    // Beside the server (the claim may be ReadWriteOnce), replaced (deleted first) when the model changes, not awaited.
    expect(at(podSpecOf(job), "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution.0")).toMatchObject({ labelSelector: { matchLabels: { "app.kubernetes.io/name": "llamacpp" } }, topologyKey: "kubernetes.io/hostname" });
    expect(at(job.inputs, "metadata.annotations")).toMatchObject({ "pulumi.com/skipAwait": "true" });
    // No pod of the stack mounts a node path (the admission policies name hostPath in their rules; that is text).
    const pods = res.filter((r) => WORKLOAD_KINDS.some((k) => r.type === `kubernetes:${k}`)).map(podSpecOf);
    expect(pods.length).toBeGreaterThan(10);
    expect(pods.flatMap((p) => ((p.volumes ?? []) as JsonObject[]).filter((v) => v.hostPath))).toEqual([]);
    const cron = byName(res, "batch/v1:CronJob", "qdrant-snapshot");
    expect(at(cron.inputs, "spec")).toMatchObject({ schedule: "0 3 * * *", concurrencyPolicy: "Forbid", suspend: false });
    // The restore runs only when an operator creates a Job from it.
    expect(at(byName(res, "batch/v1:CronJob", "qdrant-restore").inputs, "spec.suspend")).toBe(true);
  });
});

test("removing a repository removes exactly its watcher; --skip-llamacpp is contextEngineLlamacpp false; the seed's intra-namespace policy on request", async () => {
  const { resources } = await renderStack("dev", { set: { suites: ["context-engine"], contextEngineRepositories: ["backend", "ml-service"], contextEngineLlamacpp: false, contextEngineNetworkPolicy: "intraNamespace" } });
  expect(inNs(resources, "apps/v1:Deployment").filter((d) => k8sName(d).startsWith("watcher-")).map(k8sName).sort()).toEqual(["watcher-backend", "watcher-ml-service"]);
  expect(resources.filter((r) => k8sName(r) === "llamacpp")).toEqual([]);
  expect(at(byName(resources, "networking.k8s.io/v1:NetworkPolicy", "allow-intra-namespace-ingress-internal").inputs, "spec.ingress")).toEqual([{ from: [{ podSelector: {} }] }]);
});

test("prod: one host with the seed's paths, prefixes removed, behind edge auth", async () => {
  const { resources } = await renderStack("prod");
  const route = resources.find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute" && at(r.inputs, "metadata.namespace") === NS)!;
  const rules = (at(route.inputs, "spec.rules") as JsonObject[]).map((r) => [at(r, "matches.0.path.value"), at(r, "backendRefs.0.name")]);
  expect(rules).toEqual([
    ["/qdrant", "qdrant"],
    ["/mcp/memory", "mcp-memory"],
    ["/mcp/indexer", "mcp-indexer"],
    ["/mcp-http/memory", "mcp-memory-http"],
    ["/mcp-http/indexer", "mcp-indexer-http"],
    ["/llamacpp", "llamacpp"],
  ]);
  expect(resources.some((r) => r.type === "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy" && at(r.inputs, "metadata.namespace") === NS)).toBe(true);
  // The seed's table at the standard profile.
  expect(containersOf(byName(resources, "apps/v1:StatefulSet", "qdrant"))[0].resources).toMatchObject({ requests: { cpu: "2000m", memory: "4096Mi" }, limits: { cpu: "4000m", memory: "8192Mi" } });
});


/** Qdrant's snapshot API as the scripts use it (every call must carry the api-key header); names count up from `first`. */
async function startFakeQdrant(key: string, first = 1) {
  const state = { calls: [] as string[], uploaded: "", n: first - 1 };
  const base = "/collections/codebase/snapshots";
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString("latin1")));
    req.on("end", () => {
      state.calls.push(`${req.method} ${req.url}`);
      if (req.headers["api-key"] !== key) return void res.writeHead(401).end();
      if (req.method === "POST" && req.url === base) return void res.end(JSON.stringify({ result: { name: `codebase-${++state.n}.snapshot`, size: 5 }, status: "ok" }));
      if (req.method === "GET" && req.url?.startsWith(`${base}/`)) return void res.end(`data of ${req.url.slice(base.length + 1)}`);
      if (req.method === "DELETE") return void res.end("{}");
      if (req.method === "POST" && req.url === `${base}/upload?priority=snapshot`) {
        state.uploaded = body;
        return void res.end("{}");
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, last: () => `codebase-${state.n}.snapshot`, close: () => server.close() };
}
type FakeQdrant = Awaited<ReturnType<typeof startFakeQdrant>>;
const KEY = "test-api-key";
const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
/** ls -t orders by mtime: the file of run i is made visibly newer than the one before. */
const age = (file: string, i: number) => fs.utimesSync(file, new Date(), new Date(Date.now() - (100 - i) * 1000));

describe("the snapshot and restore jobs, for real under /bin/sh with curl against a fake Qdrant", () => {
  let q: FakeQdrant;
  beforeAll(async () => (q = await startFakeQdrant(KEY)));
  afterAll(() => q.close());
  const env = (dir: string, extra: Record<string, string> = {}) => ({ QDRANT_URL: q.url, COLLECTION_NAME: "codebase", BACKUP_DIR: dir, QDRANT_API_KEY: KEY, ...extra });

  test("snapshots download to the claim, Qdrant's copy is deleted, only the newest RETENTION are kept; restore uploads the newest", async () => {
    const dir = tmp("snapshots-");
    for (let i = 0; i < 3; i++) {
      expect(await runShell(SNAPSHOT_SCRIPT, env(dir, { RETENTION: "2" }))).toMatchObject({ code: 0 });
      age(path.join(dir, q.last()), i);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(["codebase-2.snapshot", "codebase-3.snapshot"]);
    expect(fs.readFileSync(path.join(dir, "codebase-3.snapshot"), "utf8")).toBe("data of codebase-3.snapshot");
    expect(q.state.calls.filter((c) => c.startsWith("DELETE"))).toHaveLength(3);
    expect(await runShell(RESTORE_SCRIPT, env(dir))).toMatchObject({ code: 0, output: expect.stringContaining("from codebase-3.snapshot") });
    expect(q.state.uploaded).toContain("data of codebase-3.snapshot");
    expect(await runShell(RESTORE_SCRIPT, env(dir, { SNAPSHOT: "codebase-2.snapshot" }))).toMatchObject({ code: 0 });
    expect(q.state.uploaded).toContain("data of codebase-2.snapshot");
  });

  test("a wrong key or an empty claim fails the job (no silent success)", async () => {
    const dir = tmp("snapshots-");
    expect((await runShell(SNAPSHOT_SCRIPT, env(dir, { RETENTION: "2", QDRANT_API_KEY: "wrong" }))).code).not.toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(await runShell(RESTORE_SCRIPT, env(dir))).toMatchObject({ code: 1, output: expect.stringContaining("no snapshot") });
  });
});

const BUCKET_JOB = "minio-create-buckets";
const container = (res: Recorded[], cron: string) => at(byName(res, "batch/v1:CronJob", cron).inputs, "spec.jobTemplate.spec.template.spec.containers.0") as JsonObject;
const cronPodLabels = (res: Recorded[], cron: string) => at(byName(res, "batch/v1:CronJob", cron).inputs, "spec.jobTemplate.spec.template.metadata.labels") as Record<string, string>;
const policy = (res: Recorded[], ns: string, name: string) => ofType(res, "networking.k8s.io/v1:NetworkPolicy").find((p) => k8sName(p) === name && at(p.inputs, "metadata.namespace") === ns);
const selects = (selector: Json, labels: Record<string, string>) =>
  Object.entries((at(selector, "matchLabels") ?? {}) as Record<string, string>).every(([k, v]) => labels[k] === v) &&
  ((at(selector, "matchExpressions") ?? []) as Array<{ key: string; operator: string }>).every((e) => (e.operator === "DoesNotExist" ? !(e.key in labels) : e.operator === "Exists" ? e.key in labels : false));
type Json = Parameters<typeof at>[0];
const S3_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "S3_ENDPOINT_URL", "S3_BUCKET"];

describe("with mlops' object store (dev stack): each snapshot copied to the context-engine-snapshots bucket", () => {
  let res: Recorded[];
  let registered: RegisteredResource[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, registered, outputs } = await renderStack("dev"));
  });

  test("MinIO's bucket Job creates the bucket; the object-store Secret in context-engine holds the store's keys as secrets", () => {
    const job = byName(res, "batch/v1:Job", BUCKET_JOB);
    expect(at(job.inputs, "metadata.namespace")).toBe("mlops");
    expect(String(envOf(containersOf(job)[0]).BUCKETS.value).split(" ")).toContain(SNAPSHOT_BUCKET);
    const secret = inNs(res, "core/v1:Secret").find((r) => k8sName(r) === "object-store")!;
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect(at(secret.inputs, "stringData")).toMatchObject({ S3_BUCKET: SNAPSHOT_BUCKET, S3_ENDPOINT_URL: "http://minio.mlops.svc.cluster.local:9000" });
    expect(Object.keys(at(secret.inputs, "stringData") as JsonObject).sort()).toEqual([...S3_ENV].sort());
    expect(at(outputs as JsonObject, "suites.context-engine.snapshotCopies")).toBe("s3://context-engine-snapshots/qdrant/codebase/");
  });

  test("both CronJobs read the store from the Secret by reference (never inline), run the bucket scripts, and wait for the Secret", () => {
    for (const [cron, script] of [
      ["qdrant-snapshot", SNAPSHOT_TO_BUCKET_SCRIPT],
      ["qdrant-restore", RESTORE_FROM_BUCKET_SCRIPT],
    ] as const) {
      const c = container(res, cron);
      const env = envOf(c);
      for (const k of S3_ENV) expect(env[k]).toEqual({ name: k, valueFrom: { secretKeyRef: { name: "object-store", key: k } } });
      expect(env.SNAPSHOT_PREFIX.value).toBe("qdrant/codebase/");
      expect(at(c, "command.2")).toBe(script);
      expect(registered.find((r) => r.type === "kubernetes:batch/v1:CronJob" && r.name === cron)?.dependencies.some((d) => d.endsWith("::context-engine-object-store"))).toBe(true);
    }
    expect(envOf(container(res, "qdrant-restore")).FROM_BUCKET.value).toBe("");
  });

  test("the flow to MinIO: egress from exactly the backup pods in context-engine, ingress to MinIO in mlops, port 9000", () => {
    const egress = policy(res, NS, "qdrant-backup-to-object-store-egress")!;
    const spec = egress.inputs.spec as JsonObject;
    for (const cron of ["qdrant-snapshot", "qdrant-restore"]) expect(selects(at(spec, "podSelector"), cronPodLabels(res, cron))).toBe(true);
    expect(selects(at(spec, "podSelector"), (at(byName(res, "apps/v1:StatefulSet", "qdrant").inputs, "spec.template.metadata.labels") ?? {}) as Record<string, string>)).toBe(false);
    expect(at(spec, "egress.0")).toEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "mlops" } }, podSelector: at(policy(res, "mlops", "qdrant-backup-to-object-store-ingress")!.inputs, "spec.podSelector") }],
      ports: [{ port: 9000, protocol: "TCP" }],
    });
    const ingress = policy(res, "mlops", "qdrant-backup-to-object-store-ingress")!.inputs.spec as JsonObject;
    expect(selects(at(ingress, "podSelector"), (at(byName(res, "apps/v1:Deployment", "minio").inputs, "spec.template.metadata.labels") ?? {}) as Record<string, string>)).toBe(true);
    expect(at(ingress, "ingress.0")).toEqual({ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NS } }, podSelector: at(spec, "podSelector") }], ports: [{ port: 9000, protocol: "TCP" }] });
  });
});

test("without mlops: no object-store Secret, no S3 env, the claim-only scripts, no flow to a store", async () => {
  const { resources, outputs } = await renderStack("dev", { set: { suites: ["llmctl", "llm-stack", "code-executor", "context-engine"] } });
  expect(inNs(resources, "core/v1:Secret").map(k8sName)).not.toContain("object-store");
  expect(at(container(resources, "qdrant-snapshot"), "command.2")).toBe(SNAPSHOT_SCRIPT);
  expect(at(container(resources, "qdrant-restore"), "command.2")).toBe(RESTORE_SCRIPT);
  for (const cron of ["qdrant-snapshot", "qdrant-restore"]) expect(Object.keys(envOf(container(resources, cron))).sort()).toEqual(["BACKUP_DIR", "COLLECTION_NAME", "QDRANT_API_KEY", "QDRANT_URL", cron === "qdrant-snapshot" ? "RETENTION" : "SNAPSHOT"].sort());
  expect(inNs(resources, "networking.k8s.io/v1:NetworkPolicy").map(k8sName).filter((n) => n.includes("object-store"))).toEqual([]);
  expect(at(outputs as JsonObject, "suites.context-engine.snapshotCopies")).toBeUndefined();
  // The claim is kept in both cases.
  expect(byName(resources, "core/v1:PersistentVolumeClaim", "qdrant-snapshots")).toBeDefined();
});

describe("the bucket scripts, for real against a local S3 server (SigV4 checked) and a fake Qdrant", () => {
  const PREFIX = "qdrant/codebase/";
  let s3: LocalS3;
  let q: FakeQdrant;
  beforeAll(async () => {
    s3 = await startLocalS3();
    // Names from 8 on: codebase-10 sorts before codebase-8 by name, so only LastModified order keeps the right ones.
    q = await startFakeQdrant(KEY, 8);
    const made = await runShell(`${S3_SHELL_FUNCTION}\ns3 PUT "$S3_BUCKET"`, s3Env());
    expect(made.output).toBe("200");
  });
  afterAll(async () => {
    q.close();
    await s3.close();
  });
  function s3Env(extra: Record<string, string> = {}): Record<string, string> {
    return { AWS_ACCESS_KEY_ID: S3_KEYS.accessKey, AWS_SECRET_ACCESS_KEY: S3_KEYS.secretKey, AWS_REGION: "us-east-1", S3_ENDPOINT_URL: s3.endpoint, S3_BUCKET: SNAPSHOT_BUCKET, ...extra };
  }
  const env = (dir: string, extra: Record<string, string> = {}) =>
    s3Env({ QDRANT_URL: q.url, COLLECTION_NAME: "codebase", BACKUP_DIR: dir, QDRANT_API_KEY: KEY, SNAPSHOT_PREFIX: PREFIX, RETENTION: "2", ...extra });
  const objectFile = (name: string) => path.join(s3.directory, SNAPSHOT_BUCKET, ...PREFIX.split("/").filter(Boolean), `${name}._S3rver_object`);

  test("each snapshot lands under qdrant/<collection>/; the bucket keeps the newest RETENTION by LastModified; the claim too, without leftovers", async () => {
    const dir = tmp("snapshots-");
    for (let i = 0; i < 3; i++) {
      const run = await runShell(SNAPSHOT_TO_BUCKET_SCRIPT, env(dir));
      expect(run).toMatchObject({ code: 0, output: expect.stringContaining(`copied to s3://${SNAPSHOT_BUCKET}/${PREFIX}${q.last()}`) });
      age(path.join(dir, q.last()), i);
      age(objectFile(q.last()), i);
    }
    expect(s3.objects(SNAPSHOT_BUCKET)).toEqual([`${PREFIX}codebase-10.snapshot`, `${PREFIX}codebase-9.snapshot`]);
    expect(fs.readFileSync(objectFile("codebase-10.snapshot"), "utf8")).toBe("data of codebase-10.snapshot");
    expect(fs.readdirSync(dir).sort()).toEqual(["codebase-10.snapshot", "codebase-9.snapshot"]);
  });

  test("wrong keys fail the job (the signature is checked) and change nothing in the bucket", async () => {
    const before = s3.objects(SNAPSHOT_BUCKET);
    const run = await runShell(SNAPSHOT_TO_BUCKET_SCRIPT, env(tmp("snapshots-"), { AWS_SECRET_ACCESS_KEY: "not-the-key-0123456789abcdefghijklmnopqr" }));
    expect(run).toMatchObject({ code: 1, output: expect.stringContaining("HTTP 403") });
    expect(s3.objects(SNAPSHOT_BUCKET)).toEqual(before);
  });

  test("restore with FROM_BUCKET=1 onto an empty claim: the newest from the bucket, or SNAPSHOT; without it, the claim as before", async () => {
    const dir = tmp("restore-");
    const newest = await runShell(RESTORE_FROM_BUCKET_SCRIPT, env(dir, { FROM_BUCKET: "1" }));
    expect(newest).toMatchObject({ code: 0, output: expect.stringContaining("restored codebase from codebase-10.snapshot") });
    expect(q.state.uploaded).toContain("data of codebase-10.snapshot");
    expect(fs.readdirSync(dir)).toEqual(["codebase-10.snapshot"]);
    expect(await runShell(RESTORE_FROM_BUCKET_SCRIPT, env(dir, { FROM_BUCKET: "1", SNAPSHOT: "codebase-9.snapshot" }))).toMatchObject({ code: 0 });
    expect(q.state.uploaded).toContain("data of codebase-9.snapshot");
    expect(await runShell(RESTORE_FROM_BUCKET_SCRIPT, env(tmp("restore-")))).toMatchObject({ code: 1, output: expect.stringContaining("no snapshot") });
  });

  test("restore from the bucket fails on wrong keys, a missing SNAPSHOT or an empty prefix, leaving no partial file", async () => {
    const dir = tmp("restore-");
    expect((await runShell(RESTORE_FROM_BUCKET_SCRIPT, env(dir, { FROM_BUCKET: "1", AWS_ACCESS_KEY_ID: "nobody" }))).code).not.toBe(0);
    expect(await runShell(RESTORE_FROM_BUCKET_SCRIPT, env(dir, { FROM_BUCKET: "1", SNAPSHOT: "codebase-1.snapshot" }))).toMatchObject({ code: 1, output: expect.stringContaining("HTTP 404") });
    expect(await runShell(RESTORE_FROM_BUCKET_SCRIPT, env(dir, { FROM_BUCKET: "1", SNAPSHOT_PREFIX: "qdrant/other/" }))).toMatchObject({ code: 1, output: expect.stringContaining("no snapshot in") });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("metrics (monitoring on in prod, off in dev)", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("prod"));
  });
  const monitors = (r: Recorded[]) => inNs(r, "monitoring.coreos.com/v1:ServiceMonitor");
  const labelsOf = (r: Recorded) => (at(r.inputs, "spec.template.metadata.labels") ?? {}) as Record<string, string>;

  test("Qdrant's /metrics with its API key as a bearer token; llama.cpp's with --metrics; selectors match the Services, by port name", () => {
    expect(monitors(res).map(k8sName).sort()).toEqual(["llamacpp", "qdrant"]);
    const qdrant = monitors(res).find((m) => k8sName(m) === "qdrant")!;
    expect(at(qdrant.inputs, "spec.endpoints")).toEqual([
      { port: "http", path: "/metrics", interval: "30s", scrapeTimeout: "10s", authorization: { type: "Bearer", credentials: { name: "context-engine-secrets", key: "QDRANT_API_KEY" } } },
    ]);
    const llama = monitors(res).find((m) => k8sName(m) === "llamacpp")!;
    expect(at(llama.inputs, "spec.endpoints")).toEqual([{ port: "http", path: "/metrics", interval: "30s", scrapeTimeout: "10s" }]);
    expect(at(containersOf(byName(res, "apps/v1:Deployment", "llamacpp"))[0], "args")).toContain("--metrics");
    const matched = (m: Recorded) => inNs(res, "core/v1:Service").filter((svc) => selects(at(m.inputs, "spec.selector"), (at(svc.inputs, "metadata.labels") ?? {}) as Record<string, string>));
    // The headless governing Service shares the client Service's labels; the selector leaves it out (one target per pod).
    expect(matched(qdrant).map(k8sName).sort()).toEqual(["qdrant"]);
    expect(matched(llama).map(k8sName)).toEqual(["llamacpp"]);
    for (const [m, port] of [
      [qdrant, 6333],
      [llama, 8080],
    ] as const) {
      for (const svc of matched(m)) expect(at(svc.inputs, "spec.ports")).toEqual([expect.objectContaining({ name: "http", port })]);
    }
  });

  test("the flows Prometheus -> Qdrant and -> llama.cpp: egress in monitoring, ingress in context-engine selecting the pods", () => {
    for (const [name, workload, port] of [
      ["qdrant", byName(res, "apps/v1:StatefulSet", "qdrant"), 6333],
      ["llamacpp", byName(res, "apps/v1:Deployment", "llamacpp"), 8080],
    ] as const) {
      const egress = policy(res, "monitoring", `prometheus-to-${name}-egress`)!;
      expect(at(egress.inputs, "spec.egress.0.ports")).toEqual([{ port, protocol: "TCP" }]);
      expect(at(egress.inputs, "spec.egress.0.to.0.namespaceSelector")).toEqual({ matchLabels: { "kubernetes.io/metadata.name": NS } });
      const ingress = policy(res, NS, `prometheus-to-${name}-ingress`)!;
      expect(selects(at(ingress.inputs, "spec.podSelector"), labelsOf(workload))).toBe(true);
      expect(at(ingress.inputs, "spec.ingress.0")).toMatchObject({ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ port, protocol: "TCP" }] });
    }
  });

  test("dev (monitoring off): no ServiceMonitor, no Prometheus flow; prod without llama.cpp: Qdrant only", async () => {
    const dev = (await renderStack("dev")).resources;
    expect(monitors(dev)).toEqual([]);
    expect(inNs(dev, "networking.k8s.io/v1:NetworkPolicy").map(k8sName).filter((n) => n.startsWith("prometheus-"))).toEqual([]);
    expect(monitors((await renderStack("prod", { set: { contextEngineLlamacpp: false } })).resources).map(k8sName)).toEqual(["qdrant"]);
  });
});
