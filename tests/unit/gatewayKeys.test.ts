/**
 * Every gateway consumer has a key of its own: generated per consumer, kept in its Secret (and, for another suite,
 * in that suite's namespace), registered with its limits by the litellm-keys Job, rotated alone; LiteLLM has its
 * own database and role; the master key is in no consumer's namespace.
 */
import { keySettings, parseConsumerLimits } from "../../components/suites/llmStack/consumers";
import { SPEND_SERIES } from "../../components/suites/llmStack/spend";
import { at, byName, containersOf, envOf, isSecretValue, podSpecOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";

const NS = "llm-stack";
const secretsOf = (res: Recorded[]) => res.filter((r) => r.type === "kubernetes:core/v1:Secret");
const keysSpec = (res: Recorded[]) => JSON.parse((byName(res, "core/v1:ConfigMap", "litellm-keys").inputs.data as JsonObject)["keys.json"] as string) as Array<{ file: string; settings: JsonObject }>;
const jobStamp = (res: Recorded[]) => at(byName(res, "batch/v1:Job", "litellm-keys").inputs, "spec.template.metadata.annotations") as JsonObject;

describe("dev", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("dev"));
  });

  test("one generated sk- key per consumer, each in its own Secret; the code executor's copy in its namespace", () => {
    const keys = Object.fromEntries(["openwebui", "r2r", "code-executor"].map((c) => [c, (byName(res, "core/v1:Secret", `gateway-${c}`).inputs.stringData as JsonObject)["api-key"]]));
    expect(keys).toEqual({ openwebui: "sk-generated-gateway-openwebui-api-key", r2r: "sk-generated-gateway-r2r-api-key", "code-executor": "sk-generated-gateway-code-executor-api-key" });
    for (const c of Object.keys(keys)) expect(isSecretValue(byName(res, "core/v1:Secret", `gateway-${c}`).raw.stringData)).toBe(true);
    // Monitoring is off in dev: no scraper key.
    expect(secretsOf(res).some((s) => at(s.inputs, "metadata.name") === "gateway-metrics")).toBe(false);
  });

  test("the master key is in no namespace but LiteLLM's, and only LiteLLM and the keys Job read it", () => {
    const master = "generated-litellm-secret-master-key";
    const holders = secretsOf(res).filter((s) => JSON.stringify(s.inputs.stringData ?? {}).includes(master)).map((s) => `${at(s.inputs, "metadata.namespace")}/${at(s.inputs, "metadata.name")}`);
    expect(holders).toEqual([`${NS}/litellm-secret`]);
    const readers = res
      .filter((r) => /Deployment|StatefulSet|Job|CronJob/.test(r.type))
      .filter((r) => JSON.stringify(podSpecOf(r)).includes('"key":"master-key"'))
      .map((r) => at(r.inputs, "metadata.name"));
    expect(readers.sort()).toEqual(["litellm", "litellm-keys"]);
  });

  test("the keys Job: LiteLLM's image runs the script with the master key, each key mounted as a file, the limits from config", () => {
    const job = byName(res, "batch/v1:Job", "litellm-keys");
    const [c] = containersOf(job);
    expect(c.image).toBe("llm-stack-litellm:latest");
    expect((c.command as string[]).slice(0, 2)).toEqual(["python3", "-c"]);
    // Keys as files, never in the environment.
    expect(envOf(c)).toEqual({
      LITELLM_URL: { name: "LITELLM_URL", value: "http://litellm.llm-stack.svc.cluster.local:4000" },
      LITELLM_MASTER_KEY_FILE: { name: "LITELLM_MASTER_KEY_FILE", value: "/etc/gateway-keys/.master" },
      KEYS_SPEC: { name: "KEYS_SPEC", value: "/etc/litellm-keys/keys.json" },
    });
    const keys = (podSpecOf(job).volumes as JsonObject[]).find((v) => v.name === "keys");
    expect(at(keys ?? {}, "projected.sources")).toEqual([
      ...["openwebui", "r2r", "code-executor"].map((x) => ({ secret: { name: `gateway-${x}`, items: [{ key: "api-key", path: x }] } })),
      { secret: { name: "litellm-secret", items: [{ key: "master-key", path: ".master" }] } },
    ]);
    // Pulumi.dev.yaml limits the code executor; the others may call every model without limits.
    expect(keysSpec(res)).toEqual([
      { file: "/etc/gateway-keys/openwebui", settings: keySettings("openwebui") },
      { file: "/etc/gateway-keys/r2r", settings: keySettings("r2r") },
      {
        file: "/etc/gateway-keys/code-executor",
        settings: { key_alias: "code-executor", models: [], max_budget: 5, budget_duration: "30d", rpm_limit: 60, tpm_limit: null, metadata: { "managed-by": "llm-platform", consumer: "code-executor" } },
      },
    ]);
    expect(at(job.inputs, "spec.template.spec.restartPolicy")).toBe("OnFailure");
  });

  test("LiteLLM has its own database and role, with a generated password; a Job creates them as the superuser", () => {
    const env = envOf(containersOf(byName(res, "apps/v1:Deployment", "litellm"))[0]);
    expect(env).toMatchObject({ DATABASE_HOST: { value: "postgres.llm-stack.svc.cluster.local:5432" }, DATABASE_USERNAME: { value: "litellm" }, DATABASE_NAME: { value: "litellm" } });
    expect(env.DATABASE_PASSWORD.valueFrom).toEqual({ secretKeyRef: { name: "litellm-database", key: "password" } });
    expect(env.LITELLM_SALT_KEY.valueFrom).toEqual({ secretKeyRef: { name: "litellm-secret", key: "salt-key" } });
    // Its gate: the database answers LiteLLM's own role (the Job has run), not just Postgres' port.
    const gate = containersOf(byName(res, "apps/v1:Deployment", "litellm"), true)[0];
    expect(gate).toMatchObject({ name: "wait-for-database", image: "docker.io/pgvector/pgvector:0.8.0-pg16" });
    expect(envOf(gate)).toMatchObject({ LITELLM_DB_USER: { value: "litellm" }, LITELLM_DB_NAME: { value: "litellm" }, LITELLM_DB_PASSWORD_FILE: { value: "/etc/passwords/litellm" } });
    const job = containersOf(byName(res, "batch/v1:Job", "litellm-database"))[0];
    expect(job.image).toBe("docker.io/pgvector/pgvector:0.8.0-pg16");
    expect(envOf(job)).toMatchObject({ ADMIN_USER: { value: "postgres" }, ADMIN_DB: { value: "r2r_db" }, LITELLM_DB_USER: { value: "litellm" }, LITELLM_DB_NAME: { value: "litellm" } });
    // Both passwords as files.
    expect(envOf(job)).toMatchObject({ ADMIN_PASSWORD_FILE: { value: "/etc/passwords/admin" }, LITELLM_DB_PASSWORD_FILE: { value: "/etc/passwords/litellm" } });
    expect(at((podSpecOf(byName(res, "batch/v1:Job", "litellm-database")).volumes as JsonObject[])[0], "projected.sources")).toEqual([
      { secret: { name: "llm-stack-secrets", items: [{ key: "POSTGRES_PASSWORD", path: "admin" }] } },
      { secret: { name: "litellm-database", items: [{ key: "password", path: "litellm" }] } },
    ]);
  });
});

describe("rotation and limits", () => {
  test("rotate= on one consumer makes a new key for it alone and runs the keys Job again", async () => {
    const base = await renderStack("dev");
    const rotated = await renderStack("dev", { set: { llmStackGatewayKeys: ["code-executor,budget=5,period=30d,rpm=60", "openwebui,rotate=2026-12"] } });
    const keepers = (res: Recorded[], c: string) => res.find((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name === `gateway-${c}-api-key`)!.inputs.keepers;
    expect(keepers(base.resources, "openwebui")).toEqual({ rotate: "" });
    expect(keepers(rotated.resources, "openwebui")).toEqual({ rotate: "2026-12" });
    for (const c of ["r2r", "code-executor"]) expect(keepers(rotated.resources, c)).toEqual(keepers(base.resources, c));
    expect(jobStamp(rotated.resources)).not.toEqual(jobStamp(base.resources));
  });

  test("prod: the scraper's key can spend nothing; R2R's requests per minute are limited", async () => {
    const { resources } = await renderStack("prod");
    const spec = Object.fromEntries(keysSpec(resources).map((c) => [c.settings.key_alias, c.settings]));
    expect(Object.keys(spec)).toEqual(["openwebui", "r2r", "metrics", "code-executor"]);
    expect(spec.metrics).toMatchObject({ max_budget: 0, models: [] });
    expect(spec.r2r).toMatchObject({ rpm_limit: 600, max_budget: null });
  });

  test.each([
    ["r2r,budget=ten", /r2r: option "budget=ten" is not one of budget=<USD such as 50 or 12.5>/],
    ["r2r,models=gpt-5", /r2r: models gpt-5 are not served by the gateway \(served: local-chat, local-embed, gpt-4o-mini, claude-3-5-sonnet\)/],
    ["r2r,period=30d", /r2r: period=30d needs a budget= to reset/],
    ["R2R", /entries must be <consumer>/],
  ])("%s is refused with what is allowed", (entry, message) => {
    const got = parseConsumerLimits(entry, ["local-chat", "local-embed", "gpt-4o-mini", "claude-3-5-sonnet"]);
    expect(typeof got === "string" ? got : "accepted").toMatch(message);
  });
});

describe("spend you can see", () => {
  test("prod (monitoring on): the spend dashboard in the monitoring namespace for Grafana's sidecar, its queries on LiteLLM's series only", async () => {
    const { resources, outputs } = await renderStack("prod");
    const cm = byName(resources, "core/v1:ConfigMap", "dashboard-llm-gateway-spend");
    expect(at(cm.inputs, "metadata.namespace")).toBe("monitoring");
    expect(at(cm.inputs, "metadata.labels.grafana_dashboard")).toBe("1");
    const json = JSON.parse((cm.inputs.data as JsonObject)["llm-gateway-spend.json"] as string) as { uid: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    expect(json.uid).toBe("llm-gateway-spend");
    const exprs = json.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const series = new Set(Object.values(SPEND_SERIES).map((s) => s.metric));
    // Every metric a query names is one of LiteLLM's (the software tier checks that LiteLLM emits them).
    const named = exprs.flatMap((e) => e.match(/litellm_[a-z_]+/g) ?? []);
    expect(named.filter((m) => !series.has(m as (typeof SPEND_SERIES)[keyof typeof SPEND_SERIES]["metric"]))).toEqual([]);
    // Per consumer and per model: both groupings are there.
    expect(exprs.some((e) => e.includes("sum by (api_key_alias)") && e.includes("litellm_spend_metric_total"))).toBe(true);
    expect(exprs.some((e) => e.includes("sum by (model)") && e.includes("litellm_spend_metric_total"))).toBe(true);
    const spend = at((outputs.suites as JsonObject)["llm-stack"] as JsonObject, "spend") as JsonObject;
    expect(spend.dashboard).toContain("llm-gateway-spend");
    expect(spend.perConsumer).toContain("http://litellm.llm-stack.svc.cluster.local:4000/key/info?key=");
    expect(JSON.stringify(spend)).not.toContain("generated-");
  });

  test("dev (monitoring off): no dashboard, and the output says how to get one", async () => {
    const { resources, outputs } = await renderStack("dev");
    expect(resources.some((r) => r.type === "kubernetes:core/v1:ConfigMap" && at(r.inputs, "metadata.name") === "dashboard-llm-gateway-spend")).toBe(false);
    expect(at((outputs.suites as JsonObject)["llm-stack"] as JsonObject, "spend.dashboard")).toBe("turn monitoringEnabled on for the spend dashboard");
  });
});
