/**
 * The platform's own models (llmStackLocalModels): a llama.cpp server per GGUF model in dev, vLLM on GPUs with
 * weights from the object store in prod, each reachable from LiteLLM only, with the generated key; the capacity
 * check counts them and their GPUs; the weights copy runs for real against a local S3 server.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { S3_SHELL_FUNCTION } from "../../components/lib/s3Shell";
import { WEIGHTS_SYNC_SCRIPT } from "../../components/suites/llmStack/vllm";
import { at, byName, containersOf, envOf, isSecretValue, podSpecOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";
import { reaches as reachesIn } from "../helpers/reach";
import { type LocalS3, runShell, S3_KEYS, startLocalS3 } from "../helpers/s3server";

const NS = "llm-stack";

/** Whether pod `from` (namespace/name) may reach pod `to` on `port` under the rendered policies, both sides. */
const reaches = (res: Recorded[], from: string, to: string, port: number): boolean => reachesIn(res)(from, to, port);

describe("dev: llama.cpp serves the default chat and embedding models, with no provider key", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("dev"));
  });

  test("each model: its own Deployment and claim, the GGUF downloaded once (checked), the generated key, an 8k context", () => {
    const d = byName(res, "apps/v1:Deployment", "model-local-chat");
    const [c] = containersOf(d);
    expect(c.image).toBe("ghcr.io/ggml-org/llama.cpp:server-b5432");
    expect(c.args).toEqual(["--model", "/models/qwen2.5-0.5b-instruct-q4_k_m.gguf", "--alias", "local-chat", "--host", "0.0.0.0", "--port", "8080", "--ctx-size", "8192", "--metrics"]);
    expect(envOf(c).LLAMA_API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "model-servers", key: "api-key" } });
    expect(at(d.inputs, "spec.strategy")).toEqual({ type: "Recreate" });
    const spec = podSpecOf(d);
    const init = (spec.initContainers as JsonObject[])[0];
    expect(envOf(init)).toMatchObject({
      MODELS_DIR: { value: "/models" },
      LLAMACPP_MODEL_URL: { value: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf" },
      LLAMACPP_MODEL_NAME: { value: "qwen2.5-0.5b-instruct-q4_k_m.gguf" },
    });
    expect((spec.volumes as JsonObject[]).find((v) => v.name === "weights")).toEqual({ name: "weights", persistentVolumeClaim: { claimName: "model-local-chat-weights" } });
    expect(containersOf(byName(res, "apps/v1:Deployment", "model-local-embed"))[0].args).toContain("--embeddings");
    const key = byName(res, "core/v1:Secret", "model-servers");
    expect(isSecretValue(key.raw.stringData)).toBe(true);
  });

  test("only LiteLLM reaches a model server; OpenWebUI opens new chats on the local model", () => {
    expect(reaches(res, `${NS}/litellm`, `${NS}/model-local-chat`, 8080)).toBe(true);
    expect(reaches(res, `${NS}/litellm`, `${NS}/model-local-embed`, 8080)).toBe(true);
    expect(reaches(res, `${NS}/openwebui`, `${NS}/model-local-chat`, 8080)).toBe(false);
    expect(reaches(res, `${NS}/r2r`, `${NS}/model-local-chat`, 8080)).toBe(false);
    expect(envOf(containersOf(byName(res, "apps/v1:Deployment", "openwebui"))[0]).DEFAULT_MODELS).toMatchObject({ value: "local-chat" });
  });
});

describe("prod: a vLLM model on GPUs, its weights from the object store's models bucket", () => {
  let res: Recorded[];
  beforeAll(async () => {
    // Pulumi.prod.yaml's qwen-7b=vllm:s3://models/llm/qwen2.5-7b-instruct,gpus=1,storage=40Gi (the shared prod render).
    ({ resources: res } = await renderStack("prod"));
  });

  test("vLLM serves the copied directory offline under the model's name, on a GPU of the GPU nodes", () => {
    const d = byName(res, "apps/v1:Deployment", "model-qwen-7b");
    const [c] = containersOf(d);
    expect(c.image).toBe("docker.io/vllm/vllm-openai:v0.11.0");
    expect(c.command).toEqual(["python3", "-m", "vllm.entrypoints.openai.api_server"]);
    expect(c.args).toEqual(["--model", "/models/qwen-7b", "--served-model-name", "qwen-7b", "--host", "0.0.0.0", "--port", "8000", "--tensor-parallel-size", "1"]);
    expect(envOf(c)).toMatchObject({ VLLM_API_KEY: { valueFrom: { secretKeyRef: { name: "model-servers", key: "api-key" } } }, HF_HUB_OFFLINE: { value: "1" }, HOME: { value: "/tmp" } });
    expect(at(c, "resources.limits")).toMatchObject({ "nvidia.com/gpu": "1" });
    expect(at(c, "resources.requests")).toMatchObject({ "nvidia.com/gpu": "1" });
    const spec = podSpecOf(d);
    expect(spec).toMatchObject({ nodeSelector: { "nvidia.com/gpu.present": "true" }, runtimeClassName: "nvidia" });
    expect((spec.volumes as JsonObject[]).find((v) => v.name === "dshm")).toEqual({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "8Gi" } });
    // Its own claim size (storage=), not the 10Gi default: a 7B model's weights are about 15 GB.
    expect(at(byName(res, "core/v1:PersistentVolumeClaim", "model-qwen-7b-weights").inputs, "spec.resources.requests.storage")).toBe("40Gi");
    // Python's getpass.getuser() (torch's compile cache) needs a USER for uid 1000, which the image has no passwd entry for.
    expect(envOf(c).USER).toMatchObject({ value: "vllm" });
    const init = (spec.initContainers as JsonObject[])[0];
    expect(envOf(init).AWS_SECRET_ACCESS_KEY.valueFrom).toEqual({ secretKeyRef: { name: "object-store", key: "AWS_SECRET_ACCESS_KEY" } });
    expect(envOf(init).S3_ENDPOINT_URL.valueFrom).toEqual({ secretKeyRef: { name: "object-store", key: "S3_ENDPOINT_URL" } });
    expect(envOf(init)).toMatchObject({ MODEL_BUCKET: { value: "models" }, MODEL_PREFIX: { value: "llm/qwen2.5-7b-instruct" }, MODEL_NAME: { value: "qwen-7b" }, WEIGHTS_WAIT_SECONDS: { value: "31536000" } });
    // The weights come from outside the stack: `pulumi up` does not wait for them; the pod does.
    expect(at(d.inputs, "metadata.annotations")).toEqual({ "pulumi.com/skipAwait": "true" });
  });

  test("the capacity check counts its GPUs: three on a two-GPU node can never be scheduled", async () => {
    await expect(renderStack("prod", { set: { llmStackLocalModels: ["big=vllm:s3://models/llm/qwen,gpus=3"] } })).rejects.toThrow(
      /llm-stack\/model-big \(Deployment\): one pod requests 3 GPUs but a GPU node has 2: it can never be scheduled/,
    );
  });

  test("LiteLLM serves it at its in-cluster /v1 with the generated key; the copy may reach MinIO, the server may not", () => {
    const file = JSON.parse((byName(res, "core/v1:ConfigMap", "litellm-config").inputs.data as JsonObject)["config.yaml"] as string);
    expect(file.model_list[2]).toEqual({
      model_name: "qwen-7b",
      litellm_params: { model: "openai/qwen-7b", api_base: "http://model-qwen-7b.llm-stack.svc.cluster.local:8000/v1", api_key: "os.environ/LOCAL_MODELS_API_KEY" },
      model_info: { mode: "chat" },
    });
    expect(reaches(res, `${NS}/model-qwen-7b`, "mlops/minio", 9000)).toBe(true);
    expect(reaches(res, `${NS}/litellm`, `${NS}/model-qwen-7b`, 8000)).toBe(true);
    const store = res.find((r) => r.type === "kubernetes:core/v1:Secret" && at(r.inputs, "metadata.name") === "object-store" && at(r.inputs, "metadata.namespace") === NS)!;
    expect((store.inputs.stringData as JsonObject).S3_BUCKET).toBe("models");
  });
});

describe("the weights copy (vLLM's init container) against a local S3 server that checks signatures", () => {
  let s3: LocalS3;
  let dir: string;
  const env = () => ({ AWS_ACCESS_KEY_ID: S3_KEYS.accessKey, AWS_SECRET_ACCESS_KEY: S3_KEYS.secretKey, AWS_REGION: "us-east-1", S3_ENDPOINT_URL: s3.endpoint, MODELS_DIR: dir, MODEL_NAME: "big", MODEL_BUCKET: "models", MODEL_PREFIX: "llm/qwen" });
  const put = (key: string, body: string) => runShell(`${S3_SHELL_FUNCTION}\nprintf %s "$BODY" > "$TMPF"; s3 PUT "models/${key}" -T "$TMPF"`, { ...env(), BODY: body, TMPF: path.join(dir, ".upload") });
  beforeAll(async () => {
    s3 = await startLocalS3();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weights-"));
    expect((await runShell(`${S3_SHELL_FUNCTION}\ns3 PUT models`, env())).output).toBe("200");
  });
  afterAll(() => s3.close());

  test("an empty prefix fails with what to upload, or is waited for until the weights arrive", async () => {
    expect(await runShell(WEIGHTS_SYNC_SCRIPT, env())).toMatchObject({ code: 1, output: expect.stringContaining("no weights under s3://models/llm/qwen/: upload the model's directory") });
    const other = { ...env(), MODEL_PREFIX: "llm/later", MODELS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "weights-")), WEIGHTS_WAIT_SECONDS: "20", WEIGHTS_POLL_SECONDS: "1" };
    const waiting = runShell(WEIGHTS_SYNC_SCRIPT, other);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await put("llm/later/config.json", "{}")).output).toBe("200");
    expect(await waiting).toMatchObject({ code: 0, output: expect.stringMatching(/waiting: no weights under s3:\/\/models\/llm\/later\/[\s\S]*1 file\(s\) fetched/) });
  });

  test("copies the directory once, then only what changed", async () => {
    for (const [k, v] of [["llm/qwen/config.json", "{}"], ["llm/qwen/tokenizer/tokenizer.json", "tok"], ["llm/qwen/model-00001.safetensors", "weights-1"], ["llm/qwenx/other", "not ours"]]) {
      expect((await put(k, v)).output).toBe("200");
    }
    expect(await runShell(WEIGHTS_SYNC_SCRIPT, env())).toMatchObject({ code: 0, output: expect.stringContaining("3 file(s) fetched") });
    const copied = (fs.readdirSync(path.join(dir, "big"), { recursive: true }) as string[]).sort();
    // .etags: each file's ETag, for the next start.
    expect(copied).toEqual([".etags", "config.json", "model-00001.safetensors", "tokenizer", "tokenizer/tokenizer.json"]);
    expect(fs.readFileSync(path.join(dir, "big", "model-00001.safetensors"), "utf8")).toBe("weights-1");
    expect(await runShell(WEIGHTS_SYNC_SCRIPT, env())).toMatchObject({ code: 0, output: expect.stringContaining("0 file(s) fetched") });
    // Re-uploaded with the same size: another ETag, fetched again.
    expect((await put("llm/qwen/model-00001.safetensors", "weights-2")).output).toBe("200");
    expect(await runShell(WEIGHTS_SYNC_SCRIPT, env())).toMatchObject({ code: 0, output: expect.stringContaining("1 file(s) fetched, 0 removed") });
    expect(fs.readFileSync(path.join(dir, "big", "model-00001.safetensors"), "utf8")).toBe("weights-2");
    // A shard gone from the bucket (and a half download) leave the claim too: no stale shard beside the new ones.
    expect((await runShell(`${S3_SHELL_FUNCTION}\ns3 DELETE models/llm/qwen/tokenizer/tokenizer.json`, env())).output).toBe("204");
    fs.writeFileSync(path.join(dir, "big", "model-00002.safetensors.part"), "half");
    expect(await runShell(WEIGHTS_SYNC_SCRIPT, env())).toMatchObject({ code: 0, output: expect.stringContaining("0 file(s) fetched, 2 removed") });
    expect((fs.readdirSync(path.join(dir, "big"), { recursive: true }) as string[]).filter((f) => !f.startsWith(".")).sort()).toEqual(["config.json", "model-00001.safetensors", "tokenizer"]);
  });

  test("wrong keys: the listing's status, nothing copied", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "weights-"));
    const r = await runShell(WEIGHTS_SYNC_SCRIPT, { ...env(), MODELS_DIR: other, AWS_SECRET_ACCESS_KEY: "wrong" });
    expect(r).toMatchObject({ code: 1, output: expect.stringContaining("listing s3://models/llm/qwen/: HTTP 403") });
  });
});

describe("OpenWebUI and R2R chat and embed through the gateway, on the platform's own models", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("dev"));
  });

  test("OpenWebUI: embeddings by the gateway's local-embed with its own key, no Ollama probe, config from env at every start", () => {
    const env = envOf(containersOf(byName(res, "apps/v1:Deployment", "openwebui"))[0]);
    expect(env).toMatchObject({
      RAG_EMBEDDING_ENGINE: { value: "openai" },
      RAG_EMBEDDING_MODEL: { value: "local-embed" },
      RAG_OPENAI_API_BASE_URL: { value: "http://litellm.llm-stack.svc.cluster.local:4000/v1" },
      ENABLE_OLLAMA_API: { value: "false" },
      ENABLE_PERSISTENT_CONFIG: { value: "false" },
    });
    expect(env.RAG_OPENAI_API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "gateway-openwebui", key: "api-key" } });
  });

  test("R2R: its config file (valid TOML) names the local chat model for its LLMs and local-embed for both embedding sections", () => {
    const c = containersOf(byName(res, "apps/v1:Deployment", "r2r"))[0];
    expect(envOf(c).R2R_CONFIG_PATH).toMatchObject({ value: "/etc/r2r/r2r.toml" });
    expect(c.volumeMounts).toContainEqual({ name: "config", mountPath: "/etc/r2r", readOnly: true });
    const toml = (byName(res, "core/v1:ConfigMap", "r2r-config").inputs.data as JsonObject)["r2r.toml"] as string;
    const parsed = spawnSync("python3", ["-c", "import json, sys, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))"], { input: toml, encoding: "utf8" });
    expect(parsed.stderr).toBe("");
    // Python's json writes the float nan as NaN, which JSON.parse refuses: read it as a string.
    const cfg = JSON.parse(parsed.stdout.replace(/\bNaN\b/g, '"NaN"')) as Record<string, Record<string, unknown>>;
    expect(cfg.app).toEqual({ fast_llm: "openai/local-chat", quality_llm: "openai/local-chat", reasoning_llm: "openai/local-chat", planning_llm: "openai/local-chat" });
    for (const section of ["embedding", "completion_embedding"]) expect(cfg[section]).toEqual({ provider: "litellm", base_model: "openai/local-embed", base_dimension: "NaN" });
  });
});
