/**
 * The integrated MCP servers that install from PyPI, as their rendered containers run them: mcp-atlassian 0.11.9
 * (the image's ENTRYPOINT `mcp-atlassian`) and workspace-mcp 1.4.1 (the image's `main.py --transport
 * streamable-http`, which is the wheel's `workspace-mcp` command), each with the container's env and nothing
 * else: an MCP client initializes over streamable HTTP at the seed's URL path, and the health path answers.
 * github-mcp-server has no build here (the Go module proxy refuses github.com/github/github-mcp-server): its
 * bridge is mcp-proxy, proven with chroma-mcp in chroma.software.test.ts; gcloud-mcp needs the gcloud CLI, which
 * no registry here has.
 */
import { spawnSync, type ChildProcess } from "child_process";
import * as path from "path";
import { MCP_SERVERS } from "../../components/suites/llmctl/mcp";
import { renderStack, type Recorded } from "../helpers/harness";
import { statusOf } from "./http";
import { McpSession } from "./mcp";
import { localContainer } from "./pod";
import { launch, stop, tail, venvBin, waitUntil } from "./processes";


const status = (port: number, p: string) => statusOf("127.0.0.1", port, p);

let res: Recorded[];
beforeAll(async () => {
  ({ resources: res } = await renderStack("dev"));
}, 60_000);

/**
 * workspace-mcp refuses to start unless a plain bind (no SO_REUSEADDR) of its port succeeds (main.py), which a
 * connection another program here left in TIME_WAIT on that port blocks for up to a minute: wait for it.
 */
function bindable(port: number): Promise<void> {
  const probe = `import socket; s=socket.socket(); s.bind(("", ${port})); s.close()`;
  return waitUntil(() => spawnSync("python3", ["-c", probe], { stdio: "ignore" }).status === 0, { ms: 90_000, what: `port ${port} stayed taken`, every: 500 });
}

/** Runs the server of `deployment` as its container would (the image's command: `runs`), until `health` answers. */
async function serve(deployment: string, venv: string, runs: readonly string[], health: string): Promise<{ child: ChildProcess; port: number; log: string }> {
  const c = localContainer(res, "apps/v1:Deployment", deployment);
  expect(c.command).toEqual([]);
  await bindable(c.ports.http);
  const log = path.join(c.root, "server.log");
  const env = { PATH: `${venvBin(venv)}:${process.env.PATH ?? ""}`, ...c.env, ...(c.env.HOME ? {} : { HOME: c.root }) };
  const child = launch([...runs, ...c.args], { env, cwd: c.root, log });
  const port = c.ports.http;
  await waitUntil(async () => (await status(port, health)) === 200, { ms: 60_000, what: `${deployment} never answered ${health} on ${port}`, programs: [child], why: () => tail(log) });
  return { child, port, log };
}

const seedPath = (name: string) => {
  const s = MCP_SERVERS.find((x) => x.name === name);
  if (!s) throw new Error(`no MCP server ${name}`);
  return s.path;
};

describe.each([
  { deployment: "llmctl-mcp-google-workspace", venv: "workspace-mcp-1.4.1", runs: ["workspace-mcp", "--transport", "streamable-http"], health: "/health", server: /workspace|google/i },
  { deployment: "llmctl-mcp-atlassian", venv: "mcp-atlassian-0.11.9", runs: ["mcp-atlassian"], health: "/healthz", server: /atlassian/i },
])("$deployment", ({ deployment, venv, runs, health, server }) => {
  let running: { child: ChildProcess; port: number; log: string };
  beforeAll(async () => {
    running = await serve(deployment, venv, runs, health);
  }, 180_000);
  // Both listen on 8000: the next one starts once this one has let go of the port.
  afterAll(async () => {
    if (!running) return;
    await stop(running.child);
    // Until the port is free.
    await waitUntil(async () => (await status(running.port, "/")) === 0, { ms: 30_000, what: `port ${running.port} still answers`, every: 200 });
  });

  test("opens the Service's target port with the rendered env, and the health path answers there", async () => {
    expect(running.port).toBe(MCP_SERVERS.find((s) => s.name === deployment)?.port);
    expect(await status(running.port, health)).toBe(200);
  });

  test("an MCP client initializes over streamable HTTP at the seed's path", async () => {
    const session = await McpSession.open("127.0.0.1", running.port, seedPath(deployment));
    expect({ status: session.initialize.status, error: session.initialize.error }).toEqual({ status: 200, error: undefined });
    expect(String((session.initialize.result?.serverInfo as { name?: string } | undefined)?.name)).toMatch(server);
    const tools = await session.call("tools/list");
    expect(Array.isArray(tools.result?.tools)).toBe(true);
  });
});
