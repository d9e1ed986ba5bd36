/**
 * Zero trust, proved on the rendered objects: the NetworkPolicies the program renders (default deny both
 * ways, and one pair per declared flow) are evaluated with NetworkPolicy semantics (scripts/lib/netpol.ts)
 * for every flow the program wires (allowed) and for flows it does not wire (blocked), in each exposure mode.
 * Pods the charts or the studio create (Harbor, pgAdmin, the Envoy proxies, cert-manager, executor Jobs) are
 * added with the labels those controllers put on them.
 */
import { evaluateFlow, namespacesOf, podsOf, policiesOf, type Endpoint, type NsInfo, type PodInfo, type PolicyLike } from "../../scripts/lib/netpol";
import { manifestSet } from "../../scripts/lib/manifests";
import { renderStack, type RenderOptions, type StackName } from "../helpers/harness";

const KUBE_DNS: PodInfo = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, name: "coredns" };
/** A heavy Job executor-service creates in its namespace. */
const HEAVY_JOB: PodInfo = { namespace: "llm-executor", labels: { "batch.kubernetes.io/job-name": "heavy-7c1", "job-name": "heavy-7c1" }, name: "heavy-job" };
const STRANGER: PodInfo = { namespace: "default", labels: { app: "anything" }, name: "stranger" };
/** A Job the studio creates: Kubernetes labels its pods with the Job's name; the studio's own labels are unknown. */
const EXECUTOR: PodInfo = { namespace: "llmctl", labels: { "batch.kubernetes.io/job-name": "llmctl-run-4f2a", "job-name": "llmctl-run-4f2a" }, name: "executor" };
const CHART_PODS: PodInfo[] = [
  { namespace: "llmctl-harbor", labels: { release: "harbor", app: "harbor", component: "nginx" }, name: "harbor-nginx" },
  { namespace: "llmctl-harbor", labels: { release: "harbor", app: "harbor", component: "core" }, name: "harbor-core" },
  { namespace: "llmctl-harbor", labels: { release: "harbor", app: "harbor", component: "database" }, name: "harbor-database" },
  { namespace: "llmctl-pgadmin", labels: { "app.kubernetes.io/name": "pgadmin4", "app.kubernetes.io/instance": "llmctl-pgadmin" }, name: "pgadmin" },
  { namespace: "envoy-gateway-system", labels: { "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway" }, name: "envoy" },
  { namespace: "cert-manager", labels: { "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": "controller" }, name: "cert-manager" },
  { namespace: "cert-manager", labels: { "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": "webhook" }, name: "cert-manager-webhook" },
  { namespace: "envoy-gateway-system", labels: { "control-plane": "envoy-gateway", "app.kubernetes.io/name": "gateway-helm" }, name: "envoy-gateway" },
  // kube-prometheus-stack's pods, with the labels its templates (and the operator, for Prometheus) give them.
  { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "kps-prometheus" }, name: "prometheus" },
  { namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kps" }, name: "grafana" },
  { namespace: "monitoring", labels: { app: "kube-prometheus-stack-operator", "app.kubernetes.io/component": "prometheus-operator" }, name: "prometheus-operator" },
  { namespace: "monitoring", labels: { "app.kubernetes.io/name": "kube-state-metrics" }, name: "kube-state-metrics" },
  { namespace: "kserve", labels: { "control-plane": "kserve-controller-manager" }, name: "kserve-controller" },
];
const IP = { client: "203.0.113.7", internet: "140.82.112.3", metadata: "169.254.169.254", privateHost: "10.0.0.5", apiServer: "192.168.49.2" };
const MCP: Array<[string, number]> = [
  ["llmctl-mcp", 9020],
  ["llmctl-mcp-github", 8000],
  ["llmctl-mcp-atlassian", 8000],
  ["llmctl-mcp-chroma", 8000],
  ["llmctl-mcp-google-cloud", 8000],
  ["llmctl-mcp-google-workspace", 8000],
];
const STORES: Array<[string, number]> = [
  ["llmctl-postgres", 5432],
  ["llmctl-redis", 6379],
  ["llmctl-chromadb", 8000],
];

interface World {
  readonly policies: PolicyLike[];
  readonly namespaces: NsInfo[];
  readonly pods: PodInfo[];
}

async function world(stack: StackName, options: RenderOptions): Promise<World> {
  const { resources } = await renderStack(stack, options);
  const set = manifestSet(resources);
  const all = [...set.namespaces, ...set.rest];
  const owned = new Set(namespacesOf(all).map((n) => n.name));
  const pods = [...podsOf(all), KUBE_DNS, STRANGER, EXECUTOR, HEAVY_JOB, ...CHART_PODS.filter((p) => owned.has(p.namespace))];
  return { policies: policiesOf(all), namespaces: namespacesOf(all), pods };
}

/** A pod by name (or app.kubernetes.io/name), `namespace/name` where two suites share a name (qdrant). */
function pod(w: World, ref: string): Endpoint {
  const [ns, name] = ref.includes("/") ? ref.split("/") : [undefined, ref];
  const found = w.pods.find((p) => (ns === undefined || p.namespace === ns) && (p.name === name || p.labels["app.kubernetes.io/name"] === name));
  if (!found) throw new Error(`no pod ${name} (have ${w.pods.map((p) => p.name).join(", ")})`);
  return { pod: found };
}

type Case = [from: string, to: string, port: number, protocol?: "TCP" | "UDP"];

function check(w: World, cases: readonly Case[]): Array<{ flow: string; allowed: boolean; reason: string }> {
  const end = (e: string): Endpoint => (e.startsWith("ip:") ? { ip: e.slice(3) } : pod(w, e));
  return cases.map(([from, to, port, protocol]) => {
    const r = evaluateFlow(w.policies, w.namespaces, end(from), end(to), port, protocol ?? "TCP");
    return { flow: `${from} -> ${to}:${port}`, allowed: r.allowed, reason: r.reason };
  });
}

/** Every flow the studio wires, in every mode. */
const WIRED: Case[] = [
  ...["llmctl-studio-backend", "llmctl-celery-worker", "llmctl-celery-beat", "llmctl-mcp"].flatMap((r) => STORES.map(([s, p]): Case => [r, s, p])),
  ...["llmctl-studio-backend", "llmctl-celery-worker"].flatMap((r) => MCP.map(([s, p]): Case => [r, s, p])),
  ["llmctl-mcp-chroma", "llmctl-chromadb", 8000],
  ["executor", "llmctl-studio-backend", 5155],
  ["executor", `ip:${IP.internet}`, 443],
  ["llmctl-celery-worker", `ip:${IP.internet}`, 443],
  ["llmctl-mcp-github", `ip:${IP.internet}`, 443],
  ["llmctl-studio-backend", `ip:${IP.apiServer}`, 8443],
  ["llmctl-studio-backend", "coredns", 53, "UDP"],
  ["executor", "coredns", 53, "UDP"],
  ["pgadmin", "llmctl-postgres", 5432],
  // The LLM stack
  ["r2r", "postgres", 5432],
  ["r2r", "litellm", 4000],
  ["openwebui", "litellm", 4000],
  ["openwebui", "llm-stack/qdrant", 6333],
  ["openwebui", "redis", 6379],
  ["react-client", "openwebui", 8080],
  ["litellm", `ip:${IP.internet}`, 443],
  ["r2r", `ip:${IP.internet}`, 443],
  // LiteLLM's own database (keys, spend), the Jobs that prepare it, and the platform's own models behind it
  ["litellm", "postgres", 5432],
  ["litellm-database", "postgres", 5432],
  ["litellm-keys", "litellm", 4000],
  ["litellm", "model-local-chat", 8080],
  ["litellm", "model-local-embed", 8080],
  // The GGUF downloads run in Jobs of their own (the claims are shared with the servers), not in the servers' pods.
  ["model-local-chat-download", `ip:${IP.internet}`, 443],
  // The code executor
  ["llm-service", "executor-service", 8001],
  ["executor-service", `ip:${IP.apiServer}`, 8443],
  ["llm-service", "litellm", 4000],
  ["executor-service", "litellm", 4000],
  ["heavy-job", "coredns", 53, "UDP"],
  // The context engine
  ["mcp-memory", "context-engine/qdrant", 6333],
  ["mcp-indexer", "context-engine/qdrant", 6333],
  ["watcher-backend", "context-engine/qdrant", 6333],
  ["mcp-indexer", "llamacpp", 8080],
  ["llamacpp-download", `ip:${IP.internet}`, 443],
  // MLOps
  ["mlflow", "mlops/postgresql", 5432],
  ["mlflow", "minio", 9000],
  ["minio-create-buckets", "minio", 9000],
  ["llm-service", "minio", 9000],
  ["executor-service", "minio", 9000],
];

/** Flows nothing wires: each must be blocked, in every mode. */
const NOT_WIRED: Case[] = [
  // The model servers themselves have no internet: only their download Jobs do.
  ["model-local-chat", `ip:${IP.internet}`, 443],
  ["model-local-embed", `ip:${IP.internet}`, 443],
  ["llamacpp", `ip:${IP.internet}`, 443],
  ["model-local-chat-download", `ip:${IP.internet}`, 22],
  ...STORES.map(([s, p]): Case => ["executor", s, p]),
  ...MCP.map(([s, p]): Case => ["executor", s, p]),
  ["executor", `ip:${IP.metadata}`, 80],
  ["executor", `ip:${IP.apiServer}`, 8443],
  ["executor", `ip:${IP.privateHost}`, 443],
  ["llmctl-studio-backend", "executor", 8080],
  ["llmctl-studio-frontend", "llmctl-postgres", 5432],
  ["llmctl-studio-frontend", "llmctl-redis", 6379],
  ["llmctl-celery-beat", "llmctl-mcp-github", 8000],
  ["llmctl-mcp-github", "llmctl-postgres", 5432],
  ["llmctl-celery-worker", `ip:${IP.metadata}`, 80],
  ["llmctl-celery-worker", `ip:${IP.privateHost}`, 443],
  ["llmctl-celery-worker", `ip:${IP.internet}`, 22],
  ["llmctl-studio-backend", `ip:${IP.metadata}`, 443],
  ...["llmctl-postgres", "llmctl-redis", "llmctl-chromadb", "llmctl-mcp-github"].map((t): Case => ["stranger", t, 5432]),
  ["stranger", "llmctl-redis", 6379],
  ["stranger", "llmctl-mcp-github", 8000],
  ["pgadmin", "llmctl-redis", 6379],
  ["harbor-database", "llmctl-postgres", 5432],
  // The LLM stack: only what its wiring names
  ["openwebui", "postgres", 5432],
  ["openwebui", "llm-stack/qdrant", 6334],
  // R2R keeps its vectors in Postgres (pgvector): the seed's Qdrant and Redis settings were inert, so no flow.
  ["r2r", "llm-stack/qdrant", 6333],
  ["r2r", "redis", 6379],
  ["react-client", "litellm", 4000],
  ["litellm", "llm-stack/qdrant", 6333],
  ["openwebui", "model-local-chat", 8080],
  ["llm-stack/qdrant", `ip:${IP.internet}`, 443],
  ["openwebui", `ip:${IP.internet}`, 443],
  ["stranger", "llm-stack/qdrant", 6333],
  ["llmctl-studio-backend", "llm-stack/qdrant", 6333],
  ["executor", "litellm", 4000],
  // The code executor: heavy Jobs run untrusted code and reach nothing (egress off by default)
  ["heavy-job", "executor-service", 8001],
  ["heavy-job", "litellm", 4000],
  ["heavy-job", `ip:${IP.internet}`, 443],
  ["heavy-job", `ip:${IP.metadata}`, 80],
  ["heavy-job", `ip:${IP.apiServer}`, 8443],
  ["llm-service", `ip:${IP.apiServer}`, 8443],
  ["stranger", "executor-service", 8001],
  ["executor-service", "llm-service", 8000],
  // The context engine: only what its wiring names
  ["watcher-backend", "llamacpp", 8080],
  ["watcher-backend", "mcp-memory", 8000],
  ["llamacpp", "context-engine/qdrant", 6333],
  ["context-engine/qdrant", `ip:${IP.internet}`, 443],
  ["r2r", "context-engine/qdrant", 6333],
  ["stranger", "mcp-memory-http", 8002],
  // Internet only for the llama.cpp pod's model download (contextEngineEmbeddingDownload is off)
  ["mcp-indexer", `ip:${IP.internet}`, 443],
  ["watcher-backend", `ip:${IP.internet}`, 443],
  // MLOps: MinIO and PostgreSQL answer only their wired callers, and nothing here reaches the internet
  ["minio-create-buckets", "mlops/postgresql", 5432],
  ["minio", "mlops/postgresql", 5432],
  ["stranger", "minio", 9000],
  ["stranger", "mlops/postgresql", 5432],
  ["r2r", "minio", 9000],
  ["mlflow", `ip:${IP.internet}`, 443],
  ["minio", `ip:${IP.internet}`, 443],
  ["mlflow", `ip:${IP.metadata}`, 80],
  ["heavy-job", "minio", 9000],
];

const MODES: Array<[string, StackName, RenderOptions, Case[], Case[]]> = [
  [
    "dev (nodePort)",
    "dev",
    {},
    [
      [`ip:${IP.client}`, "llmctl-studio-backend", 5155],
      [`ip:${IP.client}`, "llmctl-studio-frontend", 8080],
      [`ip:${IP.client}`, "harbor-nginx", 8080],
      [`ip:${IP.client}`, "pgadmin", 8080],
      [`ip:${IP.client}`, "minio", 9001],
      [`ip:${IP.client}`, "mlflow", 5000],
    ],
    // A NodePort admits anyone who reaches the node, pods included: dev's laptop cluster, by design.
    [
      [`ip:${IP.client}`, "llmctl-mcp-github", 8000],
      [`ip:${IP.client}`, "llmctl-postgres", 5432],
      [`ip:${IP.client}`, "harbor-database", 5432],
      [`ip:${IP.client}`, "minio", 9000],
      [`ip:${IP.client}`, "mlops/postgresql", 5432],
    ],
  ],
  [
    "prod (gateway)",
    "prod",
    { set: { networkApiServerCidrs: [`${IP.apiServer}/32`] } },
    [
      [`ip:${IP.client}`, "envoy", 10443],
      ...(["llmctl-studio-frontend", "llmctl-studio-backend"] as const).map((t): Case => ["envoy", t, t.endsWith("frontend") ? 8080 : 5155]),
      ...MCP.map(([s, p]): Case => ["envoy", s, p]),
      ["envoy", "harbor-nginx", 8080],
      ["envoy", "pgadmin", 8080],
      ["cert-manager", `ip:${IP.internet}`, 443],
    ],
    [
      [`ip:${IP.client}`, "llmctl-studio-backend", 5155],
      [`ip:${IP.client}`, "llmctl-studio-frontend", 8080],
      ["stranger", "llmctl-studio-backend", 5155],
      ["stranger", "litellm", 4000],
      ["envoy", "llmctl-postgres", 5432],
      ["envoy", "harbor-database", 5432],
      // With networkApiServerCidrs narrowed to the control plane, the backend has no internet.
      ["llmctl-studio-backend", `ip:${IP.internet}`, 443],
    ],
  ],
  [
    "prod under ingress",
    "prod",
    { set: { exposure: "ingress", ingressClassName: "nginx", edgeAuth: "external", edgeProxyNamespace: "ingress-nginx" } },
    [],
    [
      [`ip:${IP.client}`, "llmctl-studio-backend", 5155],
      ["stranger", "llmctl-studio-backend", 5155],
    ],
  ],
];

describe.each(MODES)("flows in %s", (_mode, stack, options, wiredHere, blockedHere) => {
  let w: World;
  beforeAll(async () => {
    w = await world(stack, options);
  });

  test("every flow the program wires is allowed", () => {
    const denied = check(w, [...WIRED, ...wiredHere]).filter((r) => !r.allowed);
    expect(denied).toEqual([]);
  });

  test("flows nothing wires are blocked (executor -> stores/MCP/metadata/API server, frontend -> stores, other namespaces -> ours)", () => {
    const leaks = check(w, [...NOT_WIRED, ...blockedHere]).filter((r) => r.allowed);
    expect(leaks).toEqual([]);
  });

  test("every namespace we own denies both ways by default", () => {
    for (const ns of w.namespaces) {
      const deny = w.policies.find((p) => p.metadata.namespace === ns.name && p.metadata.name === "default-deny");
      expect({ ns: ns.name, spec: deny?.spec }).toEqual({ ns: ns.name, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
    }
  });
});

test("under ingress the controller's namespace (edgeProxyNamespace) reaches the routed pods, nobody else", async () => {
  const w = await world("prod", MODES[2][2]);
  const controller: PodInfo = { namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" }, name: "controller" };
  const withController = { ...w, pods: [...w.pods, controller] };
  expect(check(withController, [["controller", "llmctl-studio-backend", 5155], ["controller", "harbor-nginx", 8080]]).filter((r) => !r.allowed)).toEqual([]);
  expect(check(withController, [["controller", "llmctl-postgres", 5432], ["stranger", "llmctl-studio-backend", 5155]]).filter((r) => r.allowed)).toEqual([]);
});

test("the API server's addresses are read from the cluster by default: the backend reaches them and nothing else on the API ports", async () => {
  // The mocked cluster's kubernetes EndpointSlice says 192.168.49.2:8443 (scripts/lib/render.ts, MOCK_API_SERVER).
  const w = await world("dev", {});
  expect(check(w, [["llmctl-studio-backend", `ip:${IP.apiServer}`, 8443]])[0].allowed).toBe(true);
  expect(check(w, [["llmctl-studio-backend", `ip:${IP.internet}`, 443], ["llmctl-studio-backend", `ip:${IP.metadata}`, 443], ["llmctl-studio-backend", `ip:${IP.privateHost}`, 6443]]).map((r) => r.allowed)).toEqual([false, false, false]);
});

test("0.0.0.0/0 set explicitly on a dev stack opens the API ports anywhere (its choice), never the metadata range", async () => {
  const w = await world("dev", { set: { networkApiServerCidrs: ["0.0.0.0/0"] } });
  expect(check(w, [["llmctl-studio-backend", `ip:${IP.internet}`, 443]])[0].allowed).toBe(true);
  expect(check(w, [["llmctl-studio-backend", `ip:${IP.metadata}`, 443], ["llmctl-studio-backend", `ip:${IP.internet}`, 80]]).map((r) => r.allowed)).toEqual([false, false]);
});

describe("the API server: its callers reach its addresses alone, the public pods never, and only it calls the webhooks (prod)", () => {
  let w: World;
  beforeAll(async () => {
    w = await world("prod", {});
  });
  const api = `ip:${IP.apiServer}`;

  test("the controllers and scrapers that call it reach it, on its port and nowhere else on the API ports", () => {
    const callers = ["envoy-gateway", "cert-manager", "cert-manager-webhook", "prometheus", "prometheus-operator", "kube-state-metrics", "grafana", "kserve-controller", "llmctl-studio-backend"];
    expect(check(w, callers.map((c): Case => [c, api, 8443])).filter((r) => !r.allowed)).toEqual([]);
    expect(check(w, callers.map((c): Case => [c, `ip:${IP.internet}`, 8443])).filter((r) => r.allowed)).toEqual([]);
  });

  test("the public Envoy proxies do not reach the API server; Grafana, which serves the public UI, reaches nothing else on 443", () => {
    expect(check(w, [["envoy", api, 8443], ["envoy", api, 443], ["grafana", `ip:${IP.internet}`, 443], ["grafana", `ip:${IP.metadata}`, 443]]).filter((r) => r.allowed)).toEqual([]);
  });

  test("the webhooks admit the API server's address and nobody else: no pod, no other host", () => {
    expect(check(w, [[api, "cert-manager-webhook", 10250], [api, "kserve-controller", 9443]]).filter((r) => !r.allowed)).toEqual([]);
    expect(check(w, [["stranger", "cert-manager-webhook", 10250], [`ip:${IP.client}`, "cert-manager-webhook", 10250], ["stranger", "kserve-controller", 9443], [`ip:${IP.privateHost}`, "kserve-controller", 9443]]).filter((r) => r.allowed)).toEqual([]);
  });
});
