/**
 * ChromaDB behind its token proxy, for real: the Chroma server from PyPI chromadb 1.0.15 (the same Rust
 * `chroma run` the image runs with its /config.yaml, `persist_path: /data`) with the rendered container's env,
 * and Debian's nginx 1.22 (for the image's nginx-unprivileged 1.27.3) with the rendered nginx.conf from the
 * proxy's Secret. The one change to that file: it listens on 127.0.0.1 only, on this shared host.
 * Then the studio's chroma MCP server against it, as its container runs in the platform's image
 * (images/mcp-chroma): mcp-proxy 0.13.0 from PyPI serving chroma-mcp 0.2.6 (its own venv, the image's pins) over
 * streamable HTTP, with the rendered command line and env. Its one change: it binds 127.0.0.2 (the proxy has
 * 127.0.0.1:8000 here), and the Service name in its env points at loopback.
 */
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CHROMA_PORT, CHROMA_SERVER_PORT, CHROMA_TOKEN_HEADER } from "../../components/workloads/datastores";
import { at, k8sName, renderStack, type Recorded } from "../helpers/harness";
import { request, statusOf } from "./http";
import { McpSession } from "./mcp";
import { localContainer, type LocalContainer, onLoopback } from "./pod";
import { launch, stop, tail, venvBin, waitUntil } from "./processes";

const CHROMA_BIN = path.join(venvBin("chroma-1.0.15"), "chroma");
const children: ChildProcess[] = [];

const get = (port: number, p: string, headers: Record<string, string> = {}): Promise<number> => statusOf("127.0.0.1", port, p, headers);
const connect = (host: string, port: number, p: string) => request(host, port, p, {});

const until = (port: number, p: string): Promise<void> => waitUntil(async () => (await get(port, p)) === 200, { ms: 30_000, what: `127.0.0.1:${port}${p} never answered 200`, every: 200 });

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
  children.push(launch([CHROMA_BIN, "run", config], { env: { ...process.env, ...chroma.env }, cwd: chroma.root, log: path.join(chroma.root, "chroma.log") }));
  await until(CHROMA_SERVER_PORT, "/api/v2/heartbeat");
  const confFile = proxy.args[proxy.args.indexOf("-c") + 1];
  const conf = fs.readFileSync(confFile, "utf8").replace(`listen ${CHROMA_PORT};`, `listen 127.0.0.1:${CHROMA_PORT};`);
  fs.writeFileSync(confFile, conf);
  children.push(launch(["nginx", ...proxy.args.slice(1)], { env: process.env, log: path.join(proxy.root, "nginx.log") }));
  await until(CHROMA_PORT, "/api/v2/heartbeat");
}, 90_000);

// The clients first (chroma-mcp's bridge, then nginx), so that nginx closes no connection itself and leaves no
// TIME_WAIT on the port the MCP servers' test binds next.
afterAll(async () => {
  for (const c of [...children].reverse()) await stop(c);
});

test("Chroma listens where the rendered env says (CHROMA_PORT), on loopback only: the proxy is the one way in", async () => {
  expect(chroma.env.CHROMA_PORT).toBe(String(CHROMA_SERVER_PORT));
  expect(await get(CHROMA_SERVER_PORT, "/api/v2/heartbeat")).toBe(200);
  // From any other address of the machine (as another pod would, to the pod's IP) Chroma's port is closed.
  const external = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal && i.family === "IPv4");
  expect(external).toBeDefined();
  await expect(connect(external!.address, CHROMA_SERVER_PORT, "/api/v2/heartbeat")).rejects.toThrow(/ECONNREFUSED/);
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

describe("llmctl-mcp-chroma: chroma-mcp behind mcp-proxy, with the rendered command line and env", () => {
  let mcp: LocalContainer;
  const BIND = "127.0.0.2";
  beforeAll(async () => {
    mcp = localContainer(res, "apps/v1:Deployment", "llmctl-mcp-chroma");
    const line = [...mcp.command, ...mcp.args];
    const host = line.indexOf("--host");
    expect(line.slice(host, host + 4)).toEqual(["--host", "0.0.0.0", "--port", String(mcp.ports.http)]);
    line[host + 1] = BIND;
    const env = onLoopback(mcp.env, [String(mcp.env.CHROMA_HOST)]);
    const PATH = [venvBin("mcp-proxy-0.13.0"), venvBin("chroma-mcp-0.2.6"), process.env.PATH].join(":");
    const log = path.join(mcp.root, "mcp.log");
    const bridge = launch(line, { env: { PATH, ...env, HOME: mcp.local(env.HOME) }, cwd: mcp.root, log });
    children.push(bridge);
    await waitUntil(async () => (await getFrom(BIND, mcp.ports.http, "/status")) === 200, { ms: 60_000, what: "mcp-proxy never answered", programs: [bridge], why: () => tail(log) });
  }, 90_000);

  test("an MCP client initializes over streamable HTTP at the seed's path, and lists Chroma's collections through the token proxy", async () => {
    const session = await McpSession.open(BIND, mcp.ports.http, "/mcp/");
    expect(session.initialize.status).toBe(200);
    expect(session.initialize.result?.serverInfo).toMatchObject({ name: "chroma" });
    const tools = await session.call("tools/list");
    expect(JSON.stringify(tools.result)).toContain("chroma_list_collections");
    // A real call: chroma-mcp's HTTP client, with the rendered token settings, through nginx to Chroma.
    await postJson(CHROMA_PORT, COLLECTIONS, { name: "software-tier" }, { [CHROMA_TOKEN_HEADER]: token });
    const listed = await session.call("tools/call", { name: "chroma_list_collections", arguments: {} });
    expect(listed.result?.isError).not.toBe(true);
    expect(JSON.stringify(listed.result)).toContain("software-tier");
  });
});

const getFrom = (host: string, port: number, p: string): Promise<number> => statusOf(host, port, p);

const postJson = (port: number, p: string, body: object, headers: Record<string, string>): Promise<number> =>
  request("127.0.0.1", port, p, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }).then((a) => a.status);
