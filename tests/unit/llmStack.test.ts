/**
 * The LLM stack suite (seed llm-stack.md) on both stack files and variations: the seed's DNS contract, the
 * stores with generated credentials, LiteLLM's model list from config, the wiring by in-cluster names, the
 * seed's resource table, exposure, the outputs, and what Prometheus scrapes when monitoring is on.
 */
import { PROMETHEUS_POD_LABELS } from "../../components/addons/monitoring/values";
import { portForwards } from "../../components/suites/llmStack/decisions";
import { SEED_RESOURCES } from "../../components/suites/llmStack/names";
import { selectorMatches, type LabelSelector, type PodInfo } from "../../scripts/lib/netpol";
import { reaches } from "../helpers/reach";
import { at, byName, configProblems, containersOf, envOf, isSecretValue, k8sName, ofType, podSpecOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";

const NS = "llm-stack";
const inStack = (res: Recorded[], kind: string) => ofType(res, kind).filter((r) => at(r.inputs, "metadata.namespace") === NS);
const PROMETHEUS: PodInfo = { namespace: "monitoring", labels: PROMETHEUS_POD_LABELS, name: "prometheus" };

/** Whether Prometheus may reach the stack's pod `name` on `port` under the rendered NetworkPolicies (both sides). */
const prometheusReaches = (res: Recorded[], name: string, port: number): boolean => reaches(res, [PROMETHEUS])("monitoring/prometheus", `${NS}/${name}`, port);

/** A ServiceMonitor as Prometheus resolves it: the Services it selects beside it, the named port's number, path, bearer Secret key. */
function scrapeOf(res: Recorded[], name: string): JsonObject {
  const sm = inStack(res, "monitoring.coreos.com/v1:ServiceMonitor").find((r) => k8sName(r) === name);
  if (!sm) throw new Error(`no ServiceMonitor ${NS}/${name}`);
  const endpoints = at(sm.inputs, "spec.endpoints") as JsonObject[];
  const ep = endpoints[0];
  const services = inStack(res, "core/v1:Service").filter((s) => selectorMatches(at(sm.inputs, "spec.selector") as LabelSelector, (at(s.inputs, "metadata.labels") ?? {}) as Record<string, string>));
  const ports = services.flatMap((s) => (at(s.inputs, "spec.ports") as JsonObject[]).filter((p) => p.name === ep.port).map((p) => p.port));
  const cred = at(ep, "authorization.credentials") as JsonObject | undefined;
  const secret = cred ? inStack(res, "core/v1:Secret").find((s) => k8sName(s) === cred.name) : undefined;
  const hasKey = cred !== undefined && Object.keys((secret?.inputs.stringData ?? {}) as JsonObject).includes(String(cred.key));
  return { endpoints: endpoints.length, services: services.map(k8sName), ports, path: ep.path, bearer: cred ? `${cred.name}/${cred.key}${hasKey ? "" : " (missing)"}` : "none" };
}
const generated = (res: Recorded[], part: string) => `generated-${res.find((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.includes(part))!.name}`;
const KEYS = { secrets: { llmStackOpenaiApiKey: "sk-openai-from-config" } };

describe("llm-stack on the dev stack", () => {
  let res: Recorded[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, outputs } = await renderStack("dev", KEYS));
  });

  test("the seed's DNS contract: every Service under its name and port in namespace llm-stack", () => {
    const ports = Object.fromEntries(inStack(res, "core/v1:Service").map((s) => [k8sName(s), ((at(s.inputs, "spec.ports") ?? []) as JsonObject[]).map((p) => p.port)]));
    expect(ports).toMatchObject({ postgres: [5432], redis: [6379], qdrant: [6333, 6334], litellm: [4000], openwebui: [8080], r2r: [7272], "react-client": [3000] });
    expect(inStack(res, "apps/v1:StatefulSet").map(k8sName).sort()).toEqual(["postgres", "redis"]);
    expect(inStack(res, "apps/v1:Deployment").map(k8sName).sort()).toEqual(["litellm", "model-local-chat", "model-local-embed", "openwebui", "qdrant", "r2r", "react-client"]);
    expect(at(byName(res, "apps/v1:Deployment", "qdrant").inputs, "spec.strategy")).toEqual({ type: "Recreate" });
  });

  test("Postgres: user postgres, database r2r_db, a generated password (never the seed's literal) read from a file", () => {
    const pg = containersOf(byName(res, "apps/v1:StatefulSet", "postgres"))[0];
    expect(envOf(pg)).toMatchObject({ POSTGRES_USER: { value: "postgres" }, POSTGRES_DB: { value: "r2r_db" }, POSTGRES_PASSWORD_FILE: { value: "/etc/postgres-password/password" } });
    const secret = byName(res, "core/v1:Secret", "llm-stack-secrets");
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect((secret.inputs.stringData as JsonObject).POSTGRES_PASSWORD).toBe(generated(res, "llm-stack-secrets-postgres-password"));
    expect(JSON.stringify(res.map((r) => r.inputs))).not.toContain("postgres-dev-password-123");
  });

  test("LiteLLM: the local models first, then the configured models whose key is set, the generated master key, the seed's probe timings", () => {
    const file = (byName(res, "core/v1:ConfigMap", "litellm-config").inputs.data as JsonObject)["config.yaml"] as string;
    // Only the OpenAI key is set: the Anthropic model is left out (with a preview warning).
    const local = (name: string, mode: string) => ({
      model_name: name,
      litellm_params: { model: `openai/${name}`, api_base: `http://model-${name}.llm-stack.svc.cluster.local:8080/v1`, api_key: "os.environ/LOCAL_MODELS_API_KEY" },
      model_info: { mode },
    });
    expect(JSON.parse(file)).toEqual({
      model_list: [local("local-chat", "chat"), local("local-embed", "embedding"), { model_name: "gpt-4o-mini", litellm_params: { model: "openai/gpt-4o-mini", api_key: "os.environ/OPENAI_API_KEY" } }],
      general_settings: { master_key: "os.environ/LITELLM_MASTER_KEY" },
    });
    const c = containersOf(byName(res, "apps/v1:Deployment", "litellm"))[0];
    const env = envOf(c);
    // LiteLLM opens the port of its --port arg; it reads no LITELLM_PORT.
    expect(c.args).toEqual(["--config", "/etc/litellm/config.yaml", "--port", "4000"]);
    expect(env.LITELLM_PORT).toBeUndefined();
    expect(env.LITELLM_MASTER_KEY.valueFrom).toEqual({ secretKeyRef: { name: "litellm-secret", key: "master-key" } });
    expect(env.OPENAI_API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "litellm-secret", key: "openai-api-key" } });
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.LOCAL_MODELS_API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "model-servers", key: "api-key" } });
    expect(at(c, "livenessProbe")).toMatchObject({ initialDelaySeconds: 30, periodSeconds: 10 });
    expect(at(c, "readinessProbe")).toMatchObject({ initialDelaySeconds: 10, periodSeconds: 5 });
    const secret = byName(res, "core/v1:Secret", "litellm-secret").inputs.stringData as JsonObject;
    expect(secret).toEqual({ "master-key": generated(res, "litellm-secret-master-key"), "salt-key": generated(res, "litellm-secret-salt-key"), "openai-api-key": "sk-openai-from-config" });
  });

  test("R2R: Postgres with pgvector and the gateway from the Service names; waits for both; no inert Qdrant or Redis settings", () => {
    const r2r = byName(res, "apps/v1:Deployment", "r2r");
    const env = envOf(containersOf(r2r)[0]);
    expect(env).toMatchObject({
      R2R_PORT: { value: "7272" },
      R2R_POSTGRES_HOST: { value: "postgres.llm-stack.svc.cluster.local" },
      R2R_POSTGRES_PORT: { value: "5432" },
      R2R_POSTGRES_DBNAME: { value: "r2r_db" },
      OPENAI_API_BASE: { value: "http://litellm.llm-stack.svc.cluster.local:4000/v1" },
      OPENAI_BASE_URL: { value: "http://litellm.llm-stack.svc.cluster.local:4000/v1" },
    });
    // Its own gateway key, never the master key.
    expect(env.OPENAI_API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "gateway-r2r", key: "api-key" } });
    expect(Object.keys(env).filter((k) => /QDRANT|REDIS/.test(k))).toEqual([]);
    expect(containersOf(byName(res, "apps/v1:StatefulSet", "postgres"))[0].image).toBe("docker.io/pgvector/pgvector:0.8.0-pg16");
    expect(envOf(containersOf(byName(res, "apps/v1:Deployment", "qdrant"))[0]).QDRANT__SERVICE__API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "llm-stack-secrets", key: "QDRANT_API_KEY" } });
    const gate = envOf(containersOf(r2r, true)[0]);
    expect(String(gate.WAIT_TARGETS.value).split(" ")).toEqual(["http://postgres.llm-stack.svc.cluster.local:5432/", "http://litellm.llm-stack.svc.cluster.local:4000/health/liveliness"]);
  });

  test("OpenWebUI keeps documents' vectors in the stack's Qdrant (its API key) and its state in Redis (its password)", () => {
    const env = envOf(containersOf(byName(res, "apps/v1:Deployment", "openwebui"))[0]);
    expect(env).toMatchObject({ VECTOR_DB: { value: "qdrant" }, QDRANT_URI: { value: "http://qdrant.llm-stack.svc.cluster.local:6333" }, WEBSOCKET_MANAGER: { value: "redis" }, ENABLE_WEBSOCKET_SUPPORT: { value: "true" } });
    expect(env.QDRANT_API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "llm-stack-secrets", key: "QDRANT_API_KEY" } });
    for (const k of ["REDIS_URL", "WEBSOCKET_REDIS_URL"]) expect(env[k].valueFrom).toEqual({ secretKeyRef: { name: "openwebui-redis", key: "REDIS_URL" } });
    const redisUrl = (byName(res, "core/v1:Secret", "openwebui-redis").inputs.stringData as JsonObject).REDIS_URL;
    expect(redisUrl).toBe(`redis://:${generated(res, "llm-stack-secrets-redis-password")}@redis.llm-stack.svc.cluster.local:6379/0`);
  });

  test("OpenWebUI: LiteLLM as its OpenAI endpoint with its own key, a generated session key, no login on the dev laptop", () => {
    const d = byName(res, "apps/v1:Deployment", "openwebui");
    const env = envOf(containersOf(d)[0]);
    expect(env.OPENAI_API_BASE_URL.value).toBe("http://litellm.llm-stack.svc.cluster.local:4000/v1");
    expect(env.OPENAI_API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "gateway-openwebui", key: "api-key" } });
    expect(env.WEBUI_AUTH.value).toBe("false");
    expect(env.WEBUI_SECRET_KEY.valueFrom).toEqual({ secretKeyRef: { name: "llm-stack-secrets", key: "WEBUI_SECRET_KEY" } });
    expect(String(envOf(containersOf(d, true)[0]).WAIT_TARGETS.value)).toBe("http://litellm.llm-stack.svc.cluster.local:4000/health/liveliness");
    expect(envOf(containersOf(byName(res, "apps/v1:Deployment", "react-client"))[0]).VITE_API_BASE_URL.value).toBe("http://openwebui.llm-stack.svc.cluster.local:8080");
  });

  test("requests and limits exactly as the seed's table; Postgres sized by the profile", () => {
    const seed: Record<string, keyof typeof SEED_RESOURCES> = { "react-client": "reactClient", qdrant: "qdrant", litellm: "litellm", r2r: "r2r", openwebui: "openwebui" };
    for (const [name, key] of Object.entries(seed)) expect({ name, r: containersOf(byName(res, "apps/v1:Deployment", name))[0].resources }).toEqual({ name, r: SEED_RESOURCES[key] });
    expect(at(containersOf(byName(res, "apps/v1:StatefulSet", "postgres"))[0], "resources.requests.cpu")).toBeDefined();
  });

  test("dev: local image names, NodePorts 30180-30182, the seed's seven port-forwards", () => {
    expect(containersOf(byName(res, "apps/v1:Deployment", "litellm"))[0].image).toBe("llm-stack-litellm:latest");
    expect(containersOf(byName(res, "apps/v1:Deployment", "qdrant"))[0].image).toBe("docker.io/qdrant/qdrant:v1.12.5-unprivileged");
    const nodePorts = Object.fromEntries(inStack(res, "core/v1:Service").filter((s) => at(s.inputs, "spec.type") === "NodePort").map((s) => [k8sName(s), at(s.inputs, "spec.ports.0.nodePort")]));
    expect(nodePorts).toEqual({ openwebui: 30180, "react-client": 30181, litellm: 30182 });
    const out = (outputs.suites as JsonObject)["llm-stack"] as JsonObject;
    expect(out.portForward).toEqual(portForwards(NS));
    expect(Object.keys(out.portForward as JsonObject)).toHaveLength(7);
    expect(at(out, "urls.openwebui")).toBe("http://<node-ip>:30180/");
    expect(at(out, "gateway.baseUrl")).toBe("http://litellm.llm-stack.svc.cluster.local:4000/v1");
    expect(isSecretValue(at(out, "gateway.masterKey"))).toBe(true);
    expect(at(out, "gateway.consumerKeys")).toEqual({
      openwebui: "llm-stack/gateway-openwebui (key api-key)",
      r2r: "llm-stack/gateway-r2r (key api-key)",
      "code-executor": "llm-stack/gateway-code-executor (key api-key)",
    });
    expect(at(out, "providerKeys.leftOut")).toBe("claude-3-5-sonnet (no anthropic key)");
  });

  test("dev: monitoring off, so nothing is scraped and LiteLLM runs without its Prometheus callback", () => {
    expect(inStack(res, "monitoring.coreos.com/v1:ServiceMonitor")).toEqual([]);
    expect(inStack(res, "networking.k8s.io/v1:NetworkPolicy").map(k8sName).filter((n) => n.startsWith("prometheus-"))).toEqual([]);
    const file = (byName(res, "core/v1:ConfigMap", "litellm-config").inputs.data as JsonObject)["config.yaml"] as string;
    expect(JSON.parse(file)).not.toHaveProperty("litellm_settings");
  });
});

describe("llm-stack on the prod stack", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("prod"));
  });

  test("prod: OpenWebUI logs users in, its data and Qdrant's on claims, registry images at the pinned tag", () => {
    expect(envOf(containersOf(byName(res, "apps/v1:Deployment", "openwebui"))[0]).WEBUI_AUTH.value).toBe("true");
    const volumes = (name: string) => (podSpecOf(byName(res, "apps/v1:Deployment", name)).volumes ?? []) as JsonObject[];
    expect(volumes("openwebui")).toEqual(expect.arrayContaining([{ name: "data", persistentVolumeClaim: { claimName: "openwebui-data" } }]));
    expect(volumes("qdrant")).toEqual(expect.arrayContaining([{ name: "storage", persistentVolumeClaim: { claimName: "qdrant-data" } }]));
    expect(at(byName(res, "apps/v1:StatefulSet", "postgres").inputs, "spec.volumeClaimTemplates.0.spec.resources.requests.storage")).toBe("20Gi");
    expect(containersOf(byName(res, "apps/v1:Deployment", "r2r"))[0].image).toBe("registry.example.com/llmctl/llm-stack-r2r:2026.11.0");
  });

  test("prod: OpenWebUI and the React client on their own hosts; the client behind edge auth, OpenWebUI behind its login", () => {
    const routes = res.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute" && at(r.inputs, "metadata.namespace") === NS);
    expect(Object.fromEntries(routes.map((r) => [k8sName(r), at(r.inputs, "spec.hostnames")]))).toEqual({ openwebui: ["chat.example.com"], "react-client": ["app.example.com"] });
    const policies = res.filter((r) => r.type === "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy" && at(r.inputs, "metadata.namespace") === NS).map(k8sName);
    expect(policies).toEqual(["react-client"]);
  });

  test("without provider keys LiteLLM still serves the platform's own models (the providers' are left out)", () => {
    const file = (byName(res, "core/v1:ConfigMap", "litellm-config").inputs.data as JsonObject)["config.yaml"] as string;
    expect(JSON.parse(file).model_list.map((m: JsonObject) => m.model_name)).toEqual(["local-chat", "local-embed", "qwen-7b"]);
  });

  test("monitoring: LiteLLM's Prometheus callback on, its /metrics/ behind a key, scraped with the scraper's own key", () => {
    const file = (byName(res, "core/v1:ConfigMap", "litellm-config").inputs.data as JsonObject)["config.yaml"] as string;
    expect(JSON.parse(file).litellm_settings).toEqual({ callbacks: ["prometheus"], require_auth_for_metrics_endpoint: true });
    expect(scrapeOf(res, "litellm")).toEqual({ endpoints: 1, services: ["litellm"], ports: [4000], path: "/metrics/", bearer: "gateway-metrics/api-key" });
    expect(prometheusReaches(res, "litellm", 4000)).toBe(true);
  });

  test("monitoring: Qdrant's /metrics on its http port with its API key; Postgres and Redis (no exporter) are not scraped", () => {
    expect(scrapeOf(res, "llm-stack-qdrant")).toEqual({ endpoints: 1, services: ["qdrant"], ports: [6333], path: "/metrics", bearer: "llm-stack-secrets/QDRANT_API_KEY" });
    expect(envOf(containersOf(byName(res, "apps/v1:Deployment", "qdrant"))[0]).QDRANT__SERVICE__API_KEY.valueFrom).toEqual({ secretKeyRef: { name: "llm-stack-secrets", key: "QDRANT_API_KEY" } });
    expect([prometheusReaches(res, "qdrant", 6333), prometheusReaches(res, "qdrant", 6334)]).toEqual([true, false]);
    expect(inStack(res, "monitoring.coreos.com/v1:ServiceMonitor").map(k8sName).sort()).toEqual(["litellm", "llm-stack-qdrant"]);
    expect([prometheusReaches(res, "postgres", 5432), prometheusReaches(res, "redis", 6379)]).toEqual([false, false]);
    const sides = (target: string) => ofType(res, "networking.k8s.io/v1:NetworkPolicy").filter((p) => k8sName(p).startsWith(`prometheus-to-${target}-`)).map((p) => `${at(p.inputs, "metadata.namespace")}/${k8sName(p)}`).sort();
    expect(sides("llm-stack-qdrant")).toEqual(["llm-stack/prometheus-to-llm-stack-qdrant-ingress", "monitoring/prometheus-to-llm-stack-qdrant-egress"]);
    expect(sides("litellm")).toEqual(["llm-stack/prometheus-to-litellm-ingress", "monitoring/prometheus-to-litellm-egress"]);
  });
});

describe("prod runs the stateless services twice, each with a PodDisruptionBudget; what holds a ReadWriteOnce claim runs once", () => {
  test("LiteLLM, R2R and the React client (llm-stack) and MLflow (mlops): 2 replicas spread over nodes, PDB maxUnavailable 1", async () => {
    const { resources } = await renderStack("prod");
    const pdbs = ofType(resources, "policy/v1:PodDisruptionBudget");
    for (const [ns, name] of [["llm-stack", "litellm"], ["llm-stack", "r2r"], ["llm-stack", "react-client"], ["mlops", "mlflow"]]) {
      const d = ofType(resources, "apps/v1:Deployment").find((x) => k8sName(x) === name && at(x.inputs, "metadata.namespace") === ns)!;
      expect({ name, replicas: at(d.inputs, "spec.replicas") }).toEqual({ name, replicas: 2 });
      expect(at(d.inputs, "spec.template.spec.topologySpreadConstraints.0.topologyKey")).toBe("kubernetes.io/hostname");
      const pdb = pdbs.find((p) => at(p.inputs, "metadata.namespace") === ns && JSON.stringify(at(p.inputs, "spec.selector")) === JSON.stringify(at(d.inputs, "spec.selector")));
      expect({ name, pdb: pdb && at(pdb.inputs, "spec.maxUnavailable") }).toEqual({ name, pdb: 1 });
    }
    for (const name of ["qdrant", "openwebui"]) expect(at(ofType(resources, "apps/v1:Deployment").find((x) => k8sName(x) === name)!.inputs, "spec.replicas")).toBe(1);
  });

  test("dev keeps one of each, and a replica count out of range is refused", async () => {
    const { resources } = await renderStack("dev");
    expect(at(ofType(resources, "apps/v1:Deployment").find((x) => k8sName(x) === "litellm")!.inputs, "spec.replicas")).toBe(1);
    expect(configProblems("dev", { llmStackGatewayReplicas: 0 })).toEqual([expect.stringMatching(/llmStackGatewayReplicas: must be between 1 and 20/)]);
    expect(configProblems("dev", { llmStackR2rReplicas: 0 })).toEqual([expect.stringMatching(/llmStackR2rReplicas: must be between 1 and 20/)]);
    expect(configProblems("dev", { llmStackClientReplicas: 0 })).toEqual([expect.stringMatching(/llmStackClientReplicas: must be between 1 and 20/)]);
    expect(configProblems("dev", { mlopsMlflowReplicas: 50 })).toEqual(expect.arrayContaining([expect.stringMatching(/mlopsMlflowReplicas: must be between 1 and 20/)]));
  });
});
