/**
 * ChromaDB behind its token proxy, for real: the Chroma server from PyPI chromadb 1.0.15 (the same Rust
 * `chroma run` the image runs with its /config.yaml, `persist_path: /data`) with the rendered container's env,
 * and Debian's nginx 1.22 (for the image's nginx-unprivileged 1.27.3) with the rendered nginx.conf from the
 * proxy's Secret. The one change to that file: it listens on 127.0.0.1 only, on this shared host.
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { CHROMA_PORT, CHROMA_SERVER_PORT, CHROMA_TOKEN_HEADER } from "../../components/workloads/datastores";
import { at, k8sName, renderStack, type Recorded } from "../helpers/harness";
import { localContainer, type LocalContainer } from "./pod";

const CHROMA_BIN = path.join(process.env.LLM_PLATFORM_SOFTWARE_CACHE ?? path.join(process.env.HOME ?? "/root", ".cache/llm-platform/software"), "chroma-1.0.15/bin/chroma");
const children: ChildProcess[] = [];

function get(port: number, p: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: p, headers }, (r) => {
      r.resume();
      resolve(r.statusCode ?? 0);
    });
    req.on("error", reject);
  });
}

async function until(port: number, p: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await get(port, p).catch(() => 0)) === 200) return;
    if (Date.now() > deadline) throw new Error(`127.0.0.1:${port}${p} never answered 200`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let res: Recorded[];
let chroma: LocalContainer;
let proxy: LocalContainer;
let token: string;
const COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";

beforeAll(async () => {
  ({ resources: res } = await renderStack("dev"));
  chroma = localContainer(res, "apps/v1:StatefulSet", "llmctl-chromadb");
  proxy = localContainer(res, "apps/v1:StatefulSet", "llmctl-chromadb", "auth-proxy");
  const secret = res.find((r) => r.type === "kubernetes:core/v1:Secret" && k8sName(r) === "llmctl-studio-secrets" && at(r.inputs, "metadata.namespace") === "llmctl");
  token = String((secret?.inputs.stringData as Record<string, string>).CHROMA_CLIENT_AUTH_CREDENTIALS);
  // The image runs `chroma run /config.yaml` with persist_path /data; the container's env overrides it (CHROMA_*).
  const config = path.join(chroma.root, "config.yaml");
  fs.mkdirSync(chroma.local("/data"), { recursive: true });
  fs.writeFileSync(config, `persist_path: "${chroma.local("/data")}"\n`);
  const log = fs.openSync(path.join(chroma.root, "chroma.log"), "w");
  const server = spawn(CHROMA_BIN, ["run", config], { env: { ...process.env, ...chroma.env }, stdio: ["ignore", log, log], cwd: chroma.root });
  children.push(server);
  await until(CHROMA_SERVER_PORT, "/api/v2/heartbeat");
  const confFile = proxy.args[proxy.args.indexOf("-c") + 1];
  const conf = fs.readFileSync(confFile, "utf8").replace(`listen ${CHROMA_PORT};`, `listen 127.0.0.1:${CHROMA_PORT};`);
  fs.writeFileSync(confFile, conf);
  children.push(spawn("nginx", proxy.args.slice(1), { stdio: "ignore" }));
  await until(CHROMA_PORT, "/api/v2/heartbeat");
}, 90_000);

afterAll(() => {
  for (const c of children) c.kill("SIGTERM");
});

test("Chroma listens where the rendered env says (CHROMA_PORT), behind the proxy on the Service's port", async () => {
  expect(chroma.env.CHROMA_PORT).toBe(String(CHROMA_SERVER_PORT));
  expect(await get(CHROMA_SERVER_PORT, "/api/v2/heartbeat")).toBe(200);
  expect(proxy.args[0]).toBe("nginx");
});

test("the proxy answers health checks without the token and nothing else", async () => {
  expect(await get(CHROMA_PORT, "/api/v2/heartbeat")).toBe(200);
  expect(await get(CHROMA_PORT, COLLECTIONS)).toBe(401);
  expect(await get(CHROMA_PORT, COLLECTIONS, { [CHROMA_TOKEN_HEADER]: "not-the-token" })).toBe(401);
});

test("the studio's token from llmctl-studio-secrets, in the header its client sends, opens Chroma's API", async () => {
  expect(token.length).toBeGreaterThan(10);
  expect(await get(CHROMA_PORT, COLLECTIONS, { [CHROMA_TOKEN_HEADER]: token })).toBe(200);
});
