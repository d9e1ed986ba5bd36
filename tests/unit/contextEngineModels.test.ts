/**
 * The context engine's models: llama.cpp's GGUF and the embedding model arrive through download Jobs (the only pods
 * with internet for them) into claims their readers wait on; without persistence each pod downloads for itself. The
 * download and wait scripts run for real under /bin/sh (curl against a local server; a stand-in python for fastembed).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { EMBEDDING_DOWNLOAD_SCRIPT, EMBEDDING_WAIT_SCRIPT } from "../../components/suites/contextEngine/embedding";
import { MODEL_DOWNLOAD_SCRIPT } from "../../components/workloads/llamacpp";
import { MODEL_WAIT_SCRIPT } from "../../components/workloads/modelFetch";
import { at, byName, containersOf, envOf, k8sName, ofType, podSpecOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";
import { runShell } from "../helpers/s3server";

const NS = "context-engine";
const inNs = (res: Recorded[], kind: string) => ofType(res, kind).filter((r) => at(r.inputs, "metadata.namespace") === NS);

test("internet egress: only the two download Jobs by default (llama.cpp's GGUF, the embedding model); without persistence the pods that download", async () => {
  const internetFlows = (res: Recorded[]) =>
    inNs(res, "networking.k8s.io/v1:NetworkPolicy")
      .filter((p) => JSON.stringify(at(p.inputs, "spec.egress") ?? []).includes("0.0.0.0/0"))
      .map((p) => String(at(p.inputs, "metadata.annotations.llm-platform/flow")))
      .sort();
  expect(internetFlows((await renderStack("dev")).resources)).toEqual([
    "EMBEDDING_MODEL download (Job embedding-download; the MCP servers and watchers have no internet)",
    "LLAMACPP_MODEL_URL download (Job llamacpp-download; the server has no internet)",
  ]);
  // Without persistence there is no claim to share: each pod downloads what it needs, and has the flow.
  const ephemeral = (await renderStack("dev", { set: { persistence: false } })).resources;
  expect(internetFlows(ephemeral)).toEqual([
    "EMBEDDING_MODEL download (without a claim each MCP server and watcher downloads it at start)",
    "LLAMACPP_MODEL_URL download (init container: without a claim it runs in the server's pod)",
  ]);
  expect(containersOf(byName(ephemeral, "apps/v1:Deployment", "llamacpp"), true)[0].name).toBe("download-model");
  expect(ephemeral.some((r) => r.type === "kubernetes:batch/v1:Job" && ["llamacpp-download", "embedding-download"].includes(k8sName(r)))).toBe(false);
  // Off: the image must carry the model; nothing downloads it.
  const off = (await renderStack("dev", { set: { suites: ["context-engine"], contextEngineEmbeddingDownload: false } })).resources;
  expect(internetFlows(off)).toEqual(["LLAMACPP_MODEL_URL download (Job llamacpp-download; the server has no internet)"]);
});

test("the MCP servers and watchers run read-only, find the embedding model on the claim the Job fills, and wait for it", async () => {
  const indexers = (res: Recorded[]) => res.filter((r) => r.type === "kubernetes:apps/v1:Deployment" && at(r.inputs, "metadata.namespace") === "context-engine" && /^(mcp-|watcher-)/.test(k8sName(r)));
  const { resources } = await renderStack("dev");
  const pods = indexers(resources);
  expect(pods.length).toBeGreaterThan(5);
  for (const d of pods) {
    const c = containersOf(d)[0];
    expect([k8sName(d), at(c, "securityContext.readOnlyRootFilesystem")]).toEqual([k8sName(d), true]);
    expect(envOf(c).FASTEMBED_CACHE_PATH).toMatchObject({ value: "/embedding-models/fastembed" });
    expect(c.volumeMounts).toContainEqual({ name: "embedding-models", mountPath: "/embedding-models" });
    expect(podSpecOf(d).volumes).toContainEqual({ name: "embedding-models", persistentVolumeClaim: { claimName: "embedding-models" } });
    const wait = containersOf(d, true).find((i) => i.name === "wait-for-embedding-model");
    expect(envOf(wait as JsonObject).EMBEDDING_MODEL).toMatchObject({ value: "BAAI/bge-base-en-v1.5" });
  }
  // One ReadWriteMany claim, filled once by the Job with the library the pods use; replaced when the model changes.
  const claim = byName(resources, "core/v1:PersistentVolumeClaim", "embedding-models");
  expect(at(claim.inputs, "spec.accessModes")).toEqual(["ReadWriteMany"]);
  const job = byName(resources, "batch/v1:Job", "embedding-download");
  expect(containersOf(job)[0]).toMatchObject({ image: containersOf(pods[0])[0].image, volumeMounts: expect.arrayContaining([{ name: "embedding-models", mountPath: "/embedding-models" }]) });
  expect(at(job.inputs, "metadata.annotations")).toMatchObject({ "pulumi.com/skipAwait": "true" });
  expect(at(job.inputs, "spec.template.metadata.annotations")).toHaveProperty(["llm-platform/model"]);
  // Off: nothing is set, so the image's own FASTEMBED_CACHE_PATH (a model it carries) stays in force.
  const off = indexers((await renderStack("dev", { set: { suites: ["context-engine"], contextEngineEmbeddingDownload: false } })).resources);
  for (const d of off) expect(envOf(containersOf(d)[0]).FASTEMBED_CACHE_PATH).toBeUndefined();
});

test("the embedding scripts, for real: the wait passes only on this model's marker; the Job writes that marker after the library's download", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedding-"));
  const env = { FASTEMBED_CACHE_PATH: dir, EMBEDDING_MODEL: "BAAI/bge-base-en-v1.5", DOWNLOAD_JOB: "embedding-download" };
  const once = (script: string, e: Record<string, string>) => runShell(`sleep() { exit 3; }\n${script}`, e);
  expect(await once(EMBEDDING_WAIT_SCRIPT, env)).toMatchObject({ code: 3, output: expect.stringContaining("waiting for BAAI/bge-base-en-v1.5") });
  fs.writeFileSync(path.join(dir, ".complete"), "BAAI/bge-small-en-v1.5\n");
  expect((await once(EMBEDDING_WAIT_SCRIPT, env)).code).toBe(3);
  // The Job's script with a stand-in python (the library itself has no build here) that checks what it is asked.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-python-"));
  fs.writeFileSync(path.join(bin, "python"), `#!/bin/sh\necho "$2" > ${dir}/called\n`, { mode: 0o755 });
  expect(await runShell(EMBEDDING_DOWNLOAD_SCRIPT, { ...env, PATH: `${bin}:/usr/bin:/bin` })).toMatchObject({ code: 0 });
  expect(fs.readFileSync(path.join(dir, "called"), "utf8")).toContain('TextEmbedding(model_name=os.environ["EMBEDDING_MODEL"])');
  expect(await once(EMBEDDING_WAIT_SCRIPT, env)).toMatchObject({ code: 0, output: expect.stringContaining("present") });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(bin, { recursive: true, force: true });
});

test("the server's wait for its download Job: done only when the file is there, from this URL, and no download is half-way", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "model-wait-"));
  const env = { MODELS_DIR: dir, LLAMACPP_MODEL_URL: "https://models.example/m.gguf", LLAMACPP_MODEL_NAME: "m.gguf", DOWNLOAD_JOB: "llamacpp-download" };
  const file = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), body);
  // The old model, already recorded under the new URL, while the Job's download is still a .part: keep waiting.
  file("m.gguf", "old weights");
  file("m.gguf.url", env.LLAMACPP_MODEL_URL);
  file("m.gguf.part", "half");
  // The script as rendered, with `sleep` ending the shell: the first check's verdict, without waiting out a loop.
  const once = (e: Record<string, string>) => runShell(`sleep() { exit 3; }\n${MODEL_WAIT_SCRIPT}`, e);
  const waiting = await once(env);
  expect(waiting.code).toBe(3);
  expect(waiting.output).toContain("waiting for");
  expect(waiting.output).toContain("(Job llamacpp-download)");
  // Another URL's file: keep waiting too.
  fs.rmSync(path.join(dir, "m.gguf.part"));
  file("m.gguf.url", "https://models.example/other.gguf");
  expect((await once(env)).code).toBe(3);
  file("m.gguf.url", env.LLAMACPP_MODEL_URL);
  expect(await runShell(MODEL_WAIT_SCRIPT, env)).toMatchObject({ code: 0, output: expect.stringContaining("present") });
  fs.rmSync(dir, { recursive: true, force: true });
});

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

  const run = (dir: string, extra: Record<string, string> = {}) => runShell(MODEL_DOWNLOAD_SCRIPT, { MODELS_DIR: dir, LLAMACPP_MODEL_URL: url, LLAMACPP_MODEL_NAME: "m.gguf", ...extra });

  test("downloads once, then finds the file and does nothing (idempotent)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "models-"));
    hits = 0;
    expect(await run(dir, { LLAMACPP_MODEL_SHA256: sha })).toMatchObject({ code: 0, output: expect.stringContaining("downloaded") });
    expect(fs.readFileSync(path.join(dir, "m.gguf"))).toEqual(model);
    expect(await run(dir, { LLAMACPP_MODEL_SHA256: sha })).toMatchObject({ code: 0, output: expect.stringContaining("present") });
    expect(hits).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(["m.gguf", "m.gguf.sha256", "m.gguf.url"]);
  });

  test("without a configured checksum, the first download's is recorded and a changed file is downloaded again", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "models-"));
    hits = 0;
    expect(await run(dir)).toMatchObject({ code: 0, output: expect.stringContaining(`sha256 ${sha}`) });
    expect(fs.readFileSync(path.join(dir, "m.gguf.sha256"), "utf8").trim()).toBe(sha);
    expect(await run(dir)).toMatchObject({ code: 0, output: expect.stringContaining("present") });
    fs.writeFileSync(path.join(dir, "m.gguf"), "tampered");
    expect(await run(dir)).toMatchObject({ code: 0, output: expect.stringContaining("fails its checksum") });
    expect(fs.readFileSync(path.join(dir, "m.gguf"))).toEqual(model);
    expect(hits).toBe(2);
    // Another URL for the same file name (another repository or revision): downloaded again.
    expect(await run(dir, { LLAMACPP_MODEL_URL: `${url}?revision=2` })).toMatchObject({ code: 0, output: expect.stringContaining("came from another URL") });
    expect(fs.readFileSync(path.join(dir, "m.gguf.url"), "utf8").trim()).toBe(`${url}?revision=2`);
    expect(hits).toBe(3);
  });

  test("a checksum mismatch fails and leaves no file under the model's name", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "models-"));
    const r = await run(dir, { LLAMACPP_MODEL_SHA256: "0".repeat(64) });
    expect(r).toMatchObject({ code: 1, output: expect.stringContaining("checksum mismatch") });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
