/**
 * LiteLLM, the platform's model gateway, for real: PyPI litellm 1.110.2 (the proxy the llm-stack-litellm image
 * runs: `exec litellm "$@"`) with the rendered container's args (--config on the mounted ConfigMap, --port) and
 * env (the generated master key, the model servers' key), nothing else, and no provider key at all: the dev
 * stack's own models must answer. The proxy's extra requirements are installed without `litellm-proxy==1.110.2`
 * and with litellm-enterprise 0.1.83 (PyPI here has neither litellm-proxy nor 0.1.83.post1; the proxy's code is in
 * the litellm wheel).
 * The model servers are real OpenAI-compatible servers: llama.cpp through PyPI llama-cpp-python's server (built
 * here; the image's C++ llama-server has no build here, so its flags are held by its contract instead), one per
 * rendered local model, serving a tiny random-weight GGUF (tiny_gguf.py) under the model's name, keyed with the
 * key the rendered model Deployment gets. The changes to LiteLLM's files and env: each api_base's in-cluster host
 * is replaced by a loopback address of its own (127.0.0.3, .4, ...), on the rendered port; and its database
 * settings (DATABASE_HOST, _USERNAME, _PASSWORD, _NAME) are left out: with them LiteLLM migrates its schema with
 * Prisma at start, whose engine cannot be had here (gatewayKeys.software.test.ts proves the database side).
 */
import { spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SPEND_SERIES } from "../../components/suites/llmStack/spend";
import { renderStack } from "../helpers/harness";
import { request, statusOf } from "./http";
import { localContainer, type LocalContainer } from "./pod";
import { launch, stop, tail, venvBin, waitUntil } from "./processes";

interface ModelEntry {
  model_name: string;
  litellm_params: { model: string; api_base?: string; api_key: string };
  model_info?: { mode: string };
}

let c: LocalContainer;
let child: ChildProcess;
const servers: Array<{ name: string; host: string; port: number; key: string; process: ChildProcess; log: string }> = [];
let port: number;
const models = (headers: Record<string, string>) => request("127.0.0.1", port, "/v1/models", { headers });
const post = (route: string, key: string, payload: object) =>
  request("127.0.0.1", port, route, { method: "POST", body: JSON.stringify(payload), headers: { "content-type": "application/json", authorization: `Bearer ${key}` } });

beforeAll(async () => {
  // With monitoring on, as prod runs it: LiteLLM's config turns its Prometheus callback on.
  const { resources } = await renderStack("dev", { set: { monitoringEnabled: true } });
  c = localContainer(resources, "apps/v1:Deployment", "litellm");
  port = c.ports.http;
  const file = c.local("/etc/litellm/config.yaml");
  const config = JSON.parse(fs.readFileSync(file, "utf8")) as { model_list: ModelEntry[] };
  const llama = path.join(venvBin("llama-cpp-python-0.3.36"), "python");
  const model = path.join(c.root, "tiny.gguf");
  const made = spawnSync(llama, [path.join(__dirname, "tiny_gguf.py"), model], { encoding: "utf8" });
  expect({ status: made.status, stderr: made.status === 0 ? "" : made.stderr }).toEqual({ status: 0, stderr: "" });
  config.model_list.forEach((m, i) => {
    const base = m.litellm_params.api_base;
    if (!base) return;
    const url = new URL(base);
    const host = `127.0.0.${3 + i}`;
    m.litellm_params.api_base = base.replace(url.hostname, host);
    // The key the model's own Deployment is given (Secret model-servers), which LiteLLM must send.
    const key = localContainer(resources, "apps/v1:Deployment", url.hostname.split(".")[0]).env.LLAMA_API_KEY;
    const log = path.join(c.root, `${m.model_name}.log`);
    const args = ["--model", model, "--model_alias", m.model_name, "--host", host, "--port", url.port, "--api_key", key, "--n_ctx", "256", ...(m.model_info?.mode === "embedding" ? ["--embedding", "true"] : [])];
    servers.push({ name: m.model_name, host, port: Number(url.port), key, log, process: launch([llama, "-m", "llama_cpp.server", ...args], { env: process.env, log }) });
  });
  fs.writeFileSync(file, JSON.stringify(config));
  const log = path.join(c.root, "litellm.log");
  // The image's entrypoint: `exec litellm "$@"` with the container's args.
  const withoutDatabase = Object.fromEntries(Object.entries(c.env).filter(([k]) => !k.startsWith("DATABASE_")));
  expect(Object.keys(c.env).filter((k) => k.startsWith("DATABASE_")).sort()).toEqual(["DATABASE_HOST", "DATABASE_NAME", "DATABASE_PASSWORD", "DATABASE_USERNAME"]);
  const env = { PATH: `${venvBin("litellm-1.110.2")}:${process.env.PATH ?? ""}`, HOME: c.root, ...withoutDatabase };
  child = launch(["litellm", ...c.args], { env, cwd: c.root, log });
  const serverReady = async (s: (typeof servers)[number]) => (await request(s.host, s.port, "/v1/models", { headers: { authorization: `Bearer ${s.key}` } }).catch(() => ({ status: 0 }))).status === 200;
  await waitUntil(async () => (await statusOf("127.0.0.1", port, "/health/readiness")) === 200 && (await Promise.all(servers.map(serverReady))).every(Boolean), {
    ms: 120_000,
    what: "LiteLLM or a model server never became ready",
    programs: [child, ...servers.map((s) => s.process)],
    why: () => [log, ...servers.map((s) => s.log)].map((l) => tail(l, 1200)).join("\n"),
    every: 500,
  });
}, 150_000);

afterAll(async () => {
  await stop(child);
  for (const s of servers) await stop(s.process);
});

test("opens the Service's port from its --port arg, and both probe paths answer without a key", async () => {
  expect(c.args).toEqual(["--config", c.local("/etc/litellm/config.yaml"), "--port", String(port)]);
  expect(port).toBe(4000);
  expect(await statusOf("127.0.0.1", port, "/health/liveliness")).toBe(200);
  expect(await statusOf("127.0.0.1", port, "/health/readiness")).toBe(200);
});

test("the API refuses a request without the master key, or with another key", async () => {
  expect((await models({})).status).toBe(401);
  // Any key but the master key is a virtual key to LiteLLM, looked up in its database, which it runs without here
  // (see the header), so it answers 400 no_db_connection: refused, though not with 401.
  const other = await models({ authorization: "Bearer sk-not-the-master-key" });
  expect({ status: other.status, type: (JSON.parse(other.text) as { error?: { type?: string } }).error?.type }).toEqual({ status: 400, type: "no_db_connection" });
});

test("no provider key is set; the generated master key lists the rendered model list: the platform's own models", async () => {
  expect(c.env.LITELLM_MASTER_KEY.length).toBeGreaterThan(20);
  expect(c.env.OPENAI_API_KEY).toBeUndefined();
  expect(c.env.ANTHROPIC_API_KEY).toBeUndefined();
  const answer = await models({ authorization: `Bearer ${c.env.LITELLM_MASTER_KEY}` });
  expect(answer.status).toBe(200);
  const served = (JSON.parse(answer.text) as { data: Array<{ id: string }> }).data.map((m) => m.id).sort();
  expect(served).toEqual(["local-chat", "local-embed"]);
  expect(servers.map((s) => s.name)).toEqual(["local-chat", "local-embed"]);
});

test("a chat completion of the default model is routed to its server with the servers' key, and answered", async () => {
  const answer = await post("/v1/chat/completions", c.env.LITELLM_MASTER_KEY, { model: "local-chat", messages: [{ role: "user", content: "Say hello." }], max_tokens: 8 });
  expect(answer.status).toBe(200);
  const completion = JSON.parse(answer.text) as { choices: Array<{ message: { role: string; content: string } }>; usage: { completion_tokens: number } };
  expect(completion.choices[0].message.role).toBe("assistant");
  expect(typeof completion.choices[0].message.content).toBe("string");
  expect(completion.usage.completion_tokens).toBeGreaterThan(0);
  // The server checks its key: it answers only LiteLLM's request, which carries the key LiteLLM was given.
  expect(c.env.LOCAL_MODELS_API_KEY).toBe(servers[0].key);
  expect((await request(servers[0].host, servers[0].port, "/v1/models", { headers: { authorization: "Bearer not-the-key" } })).status).toBe(401);
  expect((await post("/v1/chat/completions", "sk-not-the-master-key", { model: "local-chat", messages: [{ role: "user", content: "hi" }] })).status).not.toBe(200);
}, 60_000);

test("embeddings of the local embedding model come back through the gateway", async () => {
  const answer = await post("/v1/embeddings", c.env.LITELLM_MASTER_KEY, { model: "local-embed", input: ["a document about the platform"] });
  expect(answer.status).toBe(200);
  const body = JSON.parse(answer.text) as { data: Array<{ embedding: number[] }> };
  expect(body.data).toHaveLength(1);
  // A vector of the tiny model's width (its random weights say nothing about the values, which may not even be finite).
  expect(body.data[0].embedding.length).toBeGreaterThan(8);
}, 60_000);

test("after those calls, /metrics/ has every series the spend dashboard reads, with the labels it groups by", async () => {
  // Scraped here with the master key: the scraper's own key needs LiteLLM's database, which cannot run here.
  const answer = await request("127.0.0.1", port, "/metrics/", { headers: { authorization: `Bearer ${c.env.LITELLM_MASTER_KEY}` } });
  expect(answer.status).toBe(200);
  const samples = answer.text.split("\n").filter((l) => l && !l.startsWith("#"));
  const missing: string[] = [];
  for (const { metric, labels } of [SPEND_SERIES.spend, SPEND_SERIES.tokens, SPEND_SERIES.requests]) {
    const lines = samples.filter((l) => l.startsWith(`${metric}{`));
    if (lines.length === 0) missing.push(metric);
    for (const label of labels) if (!lines.some((l) => l.includes(`${label}="`))) missing.push(`${metric} ${label}`);
  }
  expect(missing).toEqual([]);
  expect((await request("127.0.0.1", port, "/metrics/", { headers: {} })).status).toBe(401);
});
