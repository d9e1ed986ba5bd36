import { spawn } from "child_process";
import * as net from "net";
import { formatImage, isPinned, parseImage, PLATFORM_IMAGES, resolveImage } from "../../components/lib/images";
import { LLMCTL_CATALOGUE, LLMCTL_IMAGES, LLMCTL_THIRD_PARTY_IMAGES } from "../../components/suites/llmctl/images";
import { sha256 } from "../../components/lib/checksum";
import { resources, RESOURCE_PROFILES } from "../../components/lib/resources";
import { WAIT_SCRIPT, waitForContainer } from "../../components/workloads/waitFor";

describe("image references", () => {
  test.each([
    ["postgres", { registry: "", repository: "postgres", tag: "", digest: "" }],
    ["docker.io/library/postgres:16.6", { registry: "docker.io", repository: "library/postgres", tag: "16.6", digest: "" }],
    ["chromadb/chroma:1.0.15", { registry: "", repository: "chromadb/chroma", tag: "1.0.15", digest: "" }],
    ["harbor.llmctl-harbor.svc.cluster.local/llmctl/llmctl-mcp:v2", { registry: "harbor.llmctl-harbor.svc.cluster.local", repository: "llmctl/llmctl-mcp", tag: "v2", digest: "" }],
    ["localhost:5000/app@sha256:" + "a".repeat(64), { registry: "localhost:5000", repository: "app", tag: "", digest: "sha256:" + "a".repeat(64) }],
  ])("parses %s", (ref, expected) => {
    expect(parseImage(ref)).toEqual(expected);
    expect(formatImage(parseImage(ref)!)).toBe(ref);
  });

  test.each(["", "Postgres:16", "redis:", "a b", "https://x/y:1", "x:" + "t".repeat(200)])("rejects %j", (ref) => {
    expect(parseImage(ref)).toBeUndefined();
  });

  test("pinning: a digest or a non-latest tag", () => {
    expect(isPinned("redis:7.4.2")).toBe(true);
    expect(isPinned("redis@sha256:" + "b".repeat(64))).toBe(true);
    expect(isPinned("redis")).toBe(false);
    expect(isPinned("redis:latest")).toBe(false);
  });

  test("llmctl-built images follow registry and tag; third-party images keep their pins; overrides win", () => {
    const settings = { registry: "harbor.example.com/llmctl", tag: "2026.11.0", overrides: { "llmctl-celery-worker": "harbor.example.com/llmctl/llmctl-celery-worker:latest" } } as const;
    expect(resolveImage(LLMCTL_CATALOGUE, "llmctl-studio-backend", settings)).toBe("harbor.example.com/llmctl/llmctl-studio-backend:2026.11.0");
    expect(resolveImage(LLMCTL_CATALOGUE, "llmctl-celery-worker", settings)).toBe("harbor.example.com/llmctl/llmctl-celery-worker:latest");
    expect(resolveImage(LLMCTL_CATALOGUE, "postgres", settings)).toBe(LLMCTL_THIRD_PARTY_IMAGES.postgres);
    expect(resolveImage(LLMCTL_CATALOGUE, "llmctl-mcp", { registry: "", tag: "latest", overrides: {} })).toBe("llmctl-mcp:latest");
    // The seed's six, and the three MCP images the platform builds (images/mcp-*).
    expect(LLMCTL_IMAGES).toHaveLength(9);
  });

  test("every third-party default is pinned", () => {
    for (const ref of [...Object.values(LLMCTL_THIRD_PARTY_IMAGES), ...Object.values(PLATFORM_IMAGES.thirdParty)]) expect(isPinned(ref)).toBe(true);
  });
});

describe("resource presets", () => {
  test("every preset has requests no larger than limits", () => {
    const cpu = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));
    const mem = (q: string) => Number(q.replace(/(Mi|Gi)$/, "")) * (q.endsWith("Gi") ? 1024 : 1);
    for (const profile of RESOURCE_PROFILES) {
      for (const size of ["tiny", "small", "medium", "large"] as const) {
        const r = resources(profile, size) as { requests: Record<string, string>; limits: Record<string, string> };
        expect(cpu(r.requests.cpu)).toBeLessThanOrEqual(cpu(r.limits.cpu));
        expect(mem(r.requests.memory)).toBeLessThanOrEqual(mem(r.limits.memory));
      }
    }
  });
});

describe("checksum", () => {
  test("is independent of key order and changes with the data", () => {
    expect(sha256({ a: "1", b: "2" })).toBe(sha256({ b: "2", a: "1" }));
    expect(sha256({ a: "1" })).not.toBe(sha256({ a: "2" }));
  });
});

/** Runs the real gate script with /bin/sh and curl, as the init container would. */
function runGate(targets: string, timeoutSeconds: number): Promise<{ code: number; out: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", WAIT_SCRIPT], {
      env: { PATH: process.env.PATH, WAIT_TARGETS: targets, WAIT_TIMEOUT_SECONDS: String(timeoutSeconds) },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code: code ?? -1, out, ms: Date.now() - started }));
  });
}

describe("WaitFor gate script (needs /bin/sh and curl)", () => {
  let server: net.Server;
  let port: number;
  beforeAll(async () => {
    // A non-HTTP TCP server, like Postgres: it answers garbage and closes.
    server = net.createServer((s) => s.end("not http\n"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => server.close());

  test("passes as soon as a TCP target accepts connections", async () => {
    const r = await runGate(`http://127.0.0.1:${port}/`, 0);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`http://127.0.0.1:${port}/ is up`);
  });

  test("keeps waiting on a closed port, then gives up after the timeout and lets the pod start", async () => {
    // A port freed on 127.0.0.2: another test's server (they bind 127.0.0.1, and Jest runs two files at once)
    // may be handed the same port number, but not on this address.
    const closed = await new Promise<number>((r) => {
      const s = net.createServer();
      s.listen(0, "127.0.0.2", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const r = await runGate(`http://127.0.0.2:${closed}/`, 3);
    expect(r.out).toContain(`waiting for http://127.0.0.2:${closed}/`);
    expect(r.out).toMatch(/timed out after 3s/);
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(2500);
  });

  test("the container renders targets and timeout into its environment", () => {
    const c = waitForContainer({
      name: "wait-for-x",
      image: "curl:1",
      targets: [
        { kind: "tcp", host: "db", port: 5432 },
        { kind: "http", url: "http://mcp:9020/mcp" },
      ],
      timeoutSeconds: 60,
    });
    expect(c.env).toEqual({ WAIT_TARGETS: "http://db:5432/ http://mcp:9020/mcp", WAIT_TIMEOUT_SECONDS: "60" });
    expect(() => waitForContainer({ name: "x", image: "i", targets: [] })).toThrow(/targets must not be empty/);
  });
});
