/**
 * The Harbor create-project Job's script, run for real under /bin/sh with curl against a local stand-in of
 * Harbor's API: it waits for /ping, authenticates with the password read from its file (sent on curl's
 * stdin, never in argv), creates the project once, and accepts "already exists".
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { CREATE_PROJECT_SCRIPT } from "../../components/addons/harbor";

interface Seen {
  auth?: string;
  body?: string;
}

async function harborStandIn(password: string, seen: Seen[]): Promise<{ url: string; close: () => void }> {
  const projects = new Set<string>();
  const server = http.createServer((req, res) => {
    if (req.url === "/api/v2.0/ping") return void res.end("Pong");
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ auth: req.headers.authorization, body });
      if (req.headers.authorization !== `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`) return void res.writeHead(401).end();
      const name = (JSON.parse(body) as { project_name: string }).project_name;
      res.writeHead(projects.has(name) ? 409 : 201).end();
      projects.add(name);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2.0`, close: () => server.close() };
}

function run(env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn("/bin/sh", ["-c", CREATE_PROJECT_SCRIPT], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

describe("Harbor create-project script", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-script-"));
  const passwordFile = path.join(dir, "password");
  fs.writeFileSync(passwordFile, "s3cr3t-Pass");

  test("creates the project with the file's password, then accepts that it exists", async () => {
    const seen: Seen[] = [];
    const api = await harborStandIn("s3cr3t-Pass", seen);
    try {
      const env = { HARBOR_API: api.url, HARBOR_USER: "admin", HARBOR_PASSWORD_FILE: passwordFile, HARBOR_PROJECT: "llmctl" };
      expect(await run(env)).toMatchObject({ code: 0, out: expect.stringContaining("created project llmctl") });
      expect(await run(env)).toMatchObject({ code: 0, out: expect.stringContaining("project llmctl exists") });
      expect(JSON.parse(seen[0].body ?? "{}")).toEqual({ project_name: "llmctl", metadata: { public: "false" } });
    } finally {
      api.close();
    }
  });

  test("a wrong password fails the Job with the HTTP status", async () => {
    const api = await harborStandIn("another", []);
    try {
      const r = await run({ HARBOR_API: api.url, HARBOR_USER: "admin", HARBOR_PASSWORD_FILE: passwordFile, HARBOR_PROJECT: "llmctl" });
      expect(r).toMatchObject({ code: 1, out: expect.stringContaining("failed: HTTP 401") });
    } finally {
      api.close();
    }
  });
});
