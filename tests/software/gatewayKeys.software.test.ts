/**
 * The gateway's per-consumer keys, for real where this machine allows:
 * - the litellm-database Job's script, as rendered, against the LLM stack's Postgres as rendered: it creates
 *   LiteLLM's role and database, again without harm, and a rotated password replaces the old one;
 * - the litellm-keys Job's script, as rendered (its command in LiteLLM's Python, its env, the spec and the key files
 *   from the render), against LiteLLM's key routes as litellm_keys_api.py serves them with litellm's own request
 *   models: LiteLLM itself cannot keep keys here (no Prisma engine), so that keys are enforced (a budget refused,
 *   a model outside a key's list refused) is not shown by this tier.
 * The one change to the Job's files: the key files' paths in its spec point into the scratch root.
 */
import { spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderStack, type Recorded } from "../helpers/harness";
import { request } from "./http";
import { localContainer, onLoopback } from "./pod";
import { type LocalPostgres, startPostgres } from "./postgres";
import { launch, stop, tail, venvBin, waitUntil } from "./processes";

let res: Recorded[];
beforeAll(async () => {
  ({ resources: res } = await renderStack("dev"));
});

describe("LiteLLM's database: the litellm-database Job against the stack's Postgres", () => {
  let pg: LocalPostgres;
  beforeAll(async () => {
    pg = await startPostgres(res, "postgres");
  });
  afterAll(() => pg?.stop());

  /** The Job as rendered; `password`: another LiteLLM password in its mounted file (a rotation). */
  const runJob = (password?: string) => {
    const c = localContainer(res, "batch/v1:Job", "litellm-database");
    if (password) fs.writeFileSync(c.env.LITELLM_DB_PASSWORD_FILE, password);
    const env = onLoopback(c.env, ["postgres.llm-stack.svc.cluster.local"]);
    const r = spawnSync(c.command[0], c.command.slice(1), { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}`, password: fs.readFileSync(c.env.LITELLM_DB_PASSWORD_FILE, "utf8") };
  };

  /** LiteLLM's init gate as rendered, giving up after `seconds`. */
  const runGate = (seconds: number) => {
    const c = localContainer(res, "apps/v1:Deployment", "litellm", "wait-for-database");
    const env = { ...onLoopback(c.env, ["postgres.llm-stack.svc.cluster.local"]), WAIT_SECONDS: String(seconds) };
    const r = spawnSync(c.command[0], c.command.slice(1), { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };

  test("creates a role and database of LiteLLM's own, runs again without harm, and a new password replaces the old", () => {
    // Before the Job, LiteLLM's gate holds it back (Postgres answers, its database does not).
    expect(runGate(4)).toMatchObject({ status: 1, output: expect.stringContaining("database litellm did not let litellm in") });
    const first = runJob();
    expect(runGate(4)).toMatchObject({ status: 0, output: expect.stringContaining("database litellm answers litellm") });
    expect(first).toMatchObject({ status: 0, output: expect.stringContaining("database litellm and role litellm in place") });
    const pw = first.password;
    // LiteLLM's settings (DATABASE_USERNAME/PASSWORD/NAME) open its database, where it may create its tables.
    const litellm = localContainer(res, "apps/v1:Deployment", "litellm").env;
    expect(litellm.DATABASE_PASSWORD).toBe(pw);
    expect(pg.psql(litellm.DATABASE_USERNAME, pw, litellm.DATABASE_NAME, "create table spend(x int)").status).toBe(0);
    expect(pg.psql(litellm.DATABASE_USERNAME, pw, litellm.DATABASE_NAME, "select current_user").stdout.trim()).toBe("litellm");
    expect(pg.psql("litellm", pw, "litellm", "select rolsuper or rolcreatedb or rolcreaterole from pg_roles where rolname = current_user").stdout.trim()).toBe("f");
    expect(pg.psql("litellm", "not-the-password", "litellm", "select 1").status).not.toBe(0);
    expect(runJob()).toMatchObject({ status: 0 });
    expect(pg.psql("litellm", pw, "litellm", "select count(*) from spend").stdout.trim()).toBe("0");
    expect(runJob("rotated-password-0123456789")).toMatchObject({ status: 0 });
    expect(pg.psql("litellm", pw, "litellm", "select 1").status).not.toBe(0);
    expect(pg.psql("litellm", "rotated-password-0123456789", "litellm", "select count(*) from spend").stdout.trim()).toBe("0");
  }, 120_000);
});

describe("the keys Job against LiteLLM's key routes (litellm's request models)", () => {
  const PORT = 18091;
  let api: ChildProcess;
  let apiLog: string;
  const python = path.join(venvBin("litellm-1.110.2"), "python3");
  const rows = async () => JSON.parse((await request("127.0.0.1", PORT, "/_keys", {})).text) as Record<string, { key_alias: string; max_budget: number | null; rpm_limit: number | null; models: string[] }>;

  /**
   * The Job as rendered (its command in LiteLLM's Python), against the routes on loopback; `render` another stack's,
   * `master` another master key, `keys` key files written over the rendered ones.
   */
  const runJob = (render: Recorded[] = res, o: { master?: string; keys?: Record<string, string> } = {}) => {
    const c = localContainer(render, "batch/v1:Job", "litellm-keys");
    const keys = { ...(o.keys ?? {}), ...(o.master ? { ".master": o.master } : {}) };
    for (const [name, key] of Object.entries(keys)) fs.writeFileSync(path.join(c.local("/etc/gateway-keys"), name), key);
    const spec = c.env.KEYS_SPEC;
    fs.writeFileSync(spec, fs.readFileSync(spec, "utf8").replaceAll("/etc/gateway-keys/", `${c.local("/etc/gateway-keys")}/`));
    const env = { ...onLoopback(c.env, ["litellm.llm-stack.svc.cluster.local"]), LITELLM_URL: `http://127.0.0.1:${PORT}` };
    expect(c.command[0]).toBe("python3");
    const r = spawnSync(python, c.command.slice(1), { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}`, keys: (name: string) => fs.readFileSync(path.join(c.local("/etc/gateway-keys"), name), "utf8") };
  };

  beforeAll(async () => {
    const job = localContainer(res, "batch/v1:Job", "litellm-keys");
    const master = fs.readFileSync(job.env.LITELLM_MASTER_KEY_FILE, "utf8");
    apiLog = path.join(fs.mkdtempSync("/tmp/keys-api-"), "api.log");
    api = launch([python, path.join(__dirname, "litellm_keys_api.py"), String(PORT), master], { env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: "True" }, log: apiLog });
    await waitUntil(async () => (await request("127.0.0.1", PORT, "/health/readiness", {}).catch(() => ({ status: 0 }))).status === 200, {
      ms: 60_000,
      what: "the key routes never answered",
      programs: [api],
      why: () => tail(apiLog, 1500),
      every: 300,
    });
  }, 90_000);
  afterAll(async () => {
    await stop(api);
  });

  test("registers one key per consumer under its alias with its limits; the log shows no key", async () => {
    const run = runJob();
    expect(run).toMatchObject({ status: 0, output: expect.stringContaining("3 consumer key(s) in place") });
    const byAlias = Object.fromEntries(Object.values(await rows()).map((r) => [r.key_alias, r]));
    expect(Object.keys(byAlias).sort()).toEqual(["code-executor", "openwebui", "r2r"]);
    expect(byAlias["code-executor"]).toMatchObject({ max_budget: 5, rpm_limit: 60, models: [] });
    expect(byAlias.openwebui).toMatchObject({ max_budget: null, rpm_limit: null });
    for (const c of ["openwebui", "r2r", "code-executor"]) expect(run.output).not.toContain(run.keys(c));
  }, 60_000);

  test("runs again without change; a new limit applies to the same key; a rotated key replaces the old one alone", async () => {
    const before = await rows();
    expect(runJob()).toMatchObject({ status: 0, output: expect.stringContaining("openwebui: limits applied to its key") });
    expect(await rows()).toEqual(before);
    const { resources: limited } = await renderStack("dev", { set: { llmStackGatewayKeys: ["code-executor,budget=5,period=30d,rpm=30", "openwebui,rotate=2026-12"] } });
    const oldTokens = Object.entries(before).filter(([, r]) => r.key_alias !== "openwebui").map(([t]) => t);
    // The mocks generate the same value whatever the rotation token: the rotated key is written as the engine would make it.
    const run = runJob(limited, { keys: { openwebui: "sk-rotated-openwebui-key-0123456789" } });
    expect(run).toMatchObject({ status: 0, output: expect.stringContaining("openwebui: revoked its previous key") });
    const after = await rows();
    const byAlias = Object.fromEntries(Object.values(after).map((r) => [r.key_alias, r]));
    expect(byAlias["code-executor"].rpm_limit).toBe(30);
    expect(Object.keys(after)).toEqual(expect.arrayContaining(oldTokens));
    expect(Object.keys(after)).toHaveLength(3);
  }, 60_000);

  test("a key an operator deleted in LiteLLM is registered again at the next run", async () => {
    const job = localContainer(res, "batch/v1:Job", "litellm-keys");
    const master = fs.readFileSync(job.env.LITELLM_MASTER_KEY_FILE, "utf8");
    const deleted = await request("127.0.0.1", PORT, "/key/delete", { method: "POST", body: JSON.stringify({ key_aliases: ["r2r"] }), headers: { "content-type": "application/json", authorization: `Bearer ${master}` } });
    expect(deleted.status).toBe(200);
    expect(Object.values(await rows()).map((r) => r.key_alias)).not.toContain("r2r");
    expect(runJob()).toMatchObject({ status: 0, output: expect.stringContaining("r2r: key registered") });
    expect(Object.values(await rows()).map((r) => r.key_alias)).toContain("r2r");
  }, 60_000);

  test("a wrong master key fails the Job with the status, and registers nothing", async () => {
    const before = await rows();
    const run = runJob(res, { master: "sk-not-the-master-key-000" });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/looking its key up: HTTP 401/);
    expect(await rows()).toEqual(before);
  }, 60_000);
});
