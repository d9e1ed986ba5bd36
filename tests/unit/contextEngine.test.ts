/**
 * The context-engine suite (seed context-engine.md): watchers from the repository list, the model download
 * run for real under /bin/sh against a local file server (idempotent, checksum-verified), the seed's names and
 * ports, Qdrant's generated key, the network policy modes, backups.
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { parseRepository } from "../../components/suites/contextEngine/config";
import { MODEL_DOWNLOAD_SCRIPT, RESTORE_SCRIPT, SNAPSHOT_SCRIPT } from "../../components/suites/contextEngine/scripts";
import { at, byName, containersOf, envOf, k8sName, ofType, podSpecOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";

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
    expect(at(containersOf(byName(res, "apps/v1:Deployment", "mcp-memory"))[0], "readinessProbe.httpGet")).toEqual({ path: "/health", port: 18000 });
    expect(at(byName(res, "apps/v1:StatefulSet", "qdrant").inputs, "spec.volumeClaimTemplates.0.metadata.name")).toBe("qdrant-storage");
  });

  test("one watcher per repository: watcher-<name>, Recreate, app=watcher, WATCH_ROOT/REPO_NAME from the entry, its sub-directory of repos-storage", () => {
    const watchers = inNs(res, "apps/v1:Deployment").filter((d) => k8sName(d).startsWith("watcher-"));
    expect(watchers.map(k8sName).sort()).toEqual(["watcher-backend", "watcher-frontend", "watcher-ml-service"]);
    const w = byName(res, "apps/v1:Deployment", "watcher-backend");
    expect(at(w.inputs, "spec.strategy")).toEqual({ type: "Recreate" });
    expect(at(w.inputs, "spec.template.metadata.labels.app")).toBe("watcher");
    const c = containersOf(w)[0];
    expect(envOf(c)).toMatchObject({ WATCH_ROOT: { value: "/work/backend" }, REPO_NAME: { value: "backend" } });
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

  test("llama.cpp: the download runs in an init container into the models claim (never a hostPath); backups run nightly to their claim", () => {
    const d = byName(res, "apps/v1:Deployment", "llamacpp");
    const init = containersOf(d, true)[0];
    expect(init.name).toBe("download-model");
    expect(init.volumeMounts).toEqual([{ name: "models-storage", mountPath: "/models" }]);
    expect(JSON.stringify(res.map((r) => r.inputs))).not.toContain("hostPath");
    const cron = byName(res, "batch/v1:CronJob", "qdrant-snapshot");
    expect(at(cron.inputs, "spec")).toMatchObject({ schedule: "0 3 * * *", concurrencyPolicy: "Forbid", suspend: false });
    // The restore runs only when an operator creates a Job from it.
    expect(at(byName(res, "batch/v1:CronJob", "qdrant-restore").inputs, "spec.suspend")).toBe(true);
  });
});

test("removing a repository removes exactly its watcher; --skip-llamacpp is contextEngineLlamacpp false; the seed's intra-namespace policy on request", async () => {
  const { resources } = await renderStack("dev", { set: { contextEngineRepositories: ["backend", "ml-service"], contextEngineLlamacpp: false, contextEngineNetworkPolicy: "intraNamespace" } });
  expect(inNs(resources, "apps/v1:Deployment").filter((d) => k8sName(d).startsWith("watcher-")).map(k8sName).sort()).toEqual(["watcher-backend", "watcher-ml-service"]);
  expect(resources.filter((r) => k8sName(r) === "llamacpp")).toEqual([]);
  expect(at(byName(resources, "networking.k8s.io/v1:NetworkPolicy", "allow-intra-namespace-ingress-internal").inputs, "spec.ingress")).toEqual([{ from: [{ podSelector: {} }] }]);
});

test("internet egress: only the llama.cpp pod by default; the MCP servers and watchers with contextEngineEmbeddingDownload", async () => {
  const internetFlows = (res: Recorded[]) =>
    inNs(res, "networking.k8s.io/v1:NetworkPolicy")
      .filter((p) => JSON.stringify(at(p.inputs, "spec.egress") ?? []).includes("0.0.0.0/0"))
      .map((p) => String(at(p.inputs, "metadata.annotations.llm-platform/flow")));
  expect(internetFlows((await renderStack("dev")).resources)).toEqual(["LLAMACPP_MODEL_URL download (init container)"]);
  const { resources } = await renderStack("dev", { set: { contextEngineEmbeddingDownload: true } });
  expect(internetFlows(resources).sort()).toEqual(["EMBEDDING_MODEL download (contextEngineEmbeddingDownload)", "LLAMACPP_MODEL_URL download (init container)"]);
});

test("repository entries: name, subPath, debounce override, disabled; mistakes named", () => {
  expect(parseRepository("web=apps/web,debounce=3")).toEqual({ name: "web", subPath: "apps/web", debounceSecs: "3", enabled: true });
  expect(parseRepository("old,disabled")).toEqual({ name: "old", subPath: "old", debounceSecs: undefined, enabled: false });
  expect(parseRepository("Bad_Name")).toMatch(/DNS label/);
  expect(parseRepository("x=../etc")).toMatch(/without \.\./);
  expect(parseRepository("x,debounce=fast")).toMatch(/unknown option/);
});

/** Runs a script the way the pod does: /bin/sh -c, only the given environment (and PATH for curl). */
function sh(script: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn("/bin/sh", ["-c", script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

describe("the model download script, for real under /bin/sh with curl", () => {
  const model = Buffer.from("GGUF fake model bytes\n");
  const sha = crypto.createHash("sha256").update(model).digest("hex");
  let server: http.Server;
  let url = "";
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.end(model);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.gguf`;
  });
  afterAll(() => server.close());

  const run = (dir: string, extra: Record<string, string> = {}) => sh(MODEL_DOWNLOAD_SCRIPT, { MODELS_DIR: dir, LLAMACPP_MODEL_URL: url, LLAMACPP_MODEL_NAME: "m.gguf", ...extra });

  test("downloads once, then finds the file and does nothing (idempotent)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "models-"));
    hits = 0;
    expect(await run(dir, { LLAMACPP_MODEL_SHA256: sha })).toMatchObject({ code: 0, out: expect.stringContaining("downloaded") });
    expect(fs.readFileSync(path.join(dir, "m.gguf"))).toEqual(model);
    expect(await run(dir, { LLAMACPP_MODEL_SHA256: sha })).toMatchObject({ code: 0, out: expect.stringContaining("present") });
    expect(hits).toBe(1);
    expect(fs.readdirSync(dir)).toEqual(["m.gguf"]);
  });

  test("a checksum mismatch fails and leaves no file under the model's name", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "models-"));
    const r = await run(dir, { LLAMACPP_MODEL_SHA256: "0".repeat(64) });
    expect(r).toMatchObject({ code: 1, out: expect.stringContaining("checksum mismatch") });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
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

describe("the snapshot and restore jobs, for real under /bin/sh with curl against a fake Qdrant", () => {
  const KEY = "test-api-key";
  const calls: string[] = [];
  let uploaded = "";
  let server: http.Server;
  let qdrantUrl = "";
  let n = 0;
  beforeAll(async () => {
    // Qdrant's snapshot API as the scripts use it; every call must carry the api-key header.
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString("latin1")));
      req.on("end", () => {
        calls.push(`${req.method} ${req.url}`);
        if (req.headers["api-key"] !== KEY) return void res.writeHead(401).end();
        const base = "/collections/codebase/snapshots";
        if (req.method === "POST" && req.url === base) return void res.end(JSON.stringify({ result: { name: `codebase-${++n}.snapshot`, size: 5 }, status: "ok" }));
        if (req.method === "GET" && req.url?.startsWith(`${base}/`)) return void res.end(`data of ${req.url.slice(base.length + 1)}`);
        if (req.method === "DELETE") return void res.end("{}");
        if (req.method === "POST" && req.url === `${base}/upload?priority=snapshot`) {
          uploaded = body;
          return void res.end("{}");
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    qdrantUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());
  const env = (dir: string, extra: Record<string, string> = {}) => ({ QDRANT_URL: qdrantUrl, COLLECTION_NAME: "codebase", BACKUP_DIR: dir, QDRANT_API_KEY: KEY, ...extra });

  test("snapshots download to the claim, Qdrant's copy is deleted, only the newest RETENTION are kept; restore uploads the newest", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshots-"));
    for (let i = 0; i < 3; i++) {
      expect(await sh(SNAPSHOT_SCRIPT, env(dir, { RETENTION: "2" }))).toMatchObject({ code: 0 });
      // ls -t orders by mtime: make each run's file visibly newer.
      fs.utimesSync(path.join(dir, `codebase-${n}.snapshot`), new Date(), new Date(Date.now() + i * 1000));
    }
    expect(fs.readdirSync(dir).sort()).toEqual(["codebase-2.snapshot", "codebase-3.snapshot"]);
    expect(fs.readFileSync(path.join(dir, "codebase-3.snapshot"), "utf8")).toBe("data of codebase-3.snapshot");
    expect(calls.filter((c) => c.startsWith("DELETE"))).toHaveLength(3);
    expect(await sh(RESTORE_SCRIPT, env(dir))).toMatchObject({ code: 0, out: expect.stringContaining("from codebase-3.snapshot") });
    expect(uploaded).toContain("data of codebase-3.snapshot");
    expect(await sh(RESTORE_SCRIPT, env(dir, { SNAPSHOT: "codebase-2.snapshot" }))).toMatchObject({ code: 0 });
    expect(uploaded).toContain("data of codebase-2.snapshot");
  });

  test("a wrong key or an empty claim fails the job (no silent success)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshots-"));
    expect((await sh(SNAPSHOT_SCRIPT, env(dir, { RETENTION: "2", QDRANT_API_KEY: "wrong" }))).code).not.toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(await sh(RESTORE_SCRIPT, env(dir))).toMatchObject({ code: 1, out: expect.stringContaining("no snapshot") });
  });
});
