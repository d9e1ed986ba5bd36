/**
 * The code-executor suite (seed code-executor-platform.md): the seed's names, the executor's RBAC exactly,
 * the HPA owning executor-service's replicas, the hardening, the heavy-Job settings, the quota math, the
 * credentials (the LLM stack's gateway key, a generated DB password, no placeholders), S3 from the platform's
 * object store unless the operator brings keys, and the services' metrics when monitoring is on.
 */
import { PROMETHEUS_POD_LABELS } from "../../components/addons/monitoring/values";
import type { CodeExecutorConfig } from "../../components/suites/codeExecutor/config";
import { executorGrants, executorQuota, s3Source } from "../../components/suites/codeExecutor/decisions";
import { EXECUTOR_RULES } from "../../components/suites/codeExecutor/names";
import { reaches as reachesIn } from "../helpers/reach";
import { selectorMatches, type LabelSelector, type PodInfo } from "../../scripts/lib/netpol";
import { at, byName, containersOf, envOf, isSecretValue, k8sName, ofType, podSpecOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";

const NS = "llm-executor";
const inNs = (res: Recorded[], kind: string, ns = NS) => ofType(res, kind).filter((r) => at(r.inputs, "metadata.namespace") === ns);
const BUCKET = "code-executor-artifacts";
const PROMETHEUS: PodInfo = { namespace: "monitoring", labels: PROMETHEUS_POD_LABELS, name: "prometheus" };
/** A heavy Job executor-service creates: it runs untrusted code. */
const HEAVY_JOB: PodInfo = { namespace: NS, labels: { "batch.kubernetes.io/job-name": "heavy-1", "job-name": "heavy-1" }, name: "heavy-job" };

/** Whether `namespace/name` may reach `namespace/name`:port under the rendered NetworkPolicies (both sides). */
const reaches = (res: Recorded[]) => reachesIn(res, [PROMETHEUS, HEAVY_JOB]);

/** A ServiceMonitor as Prometheus resolves it: the Services it selects beside it, the named port's number, path, credentials. */
function scrapeOf(res: Recorded[], ns: string, name: string): JsonObject {
  const sm = inNs(res, "monitoring.coreos.com/v1:ServiceMonitor", ns).find((r) => k8sName(r) === name);
  if (!sm) throw new Error(`no ServiceMonitor ${ns}/${name}`);
  const endpoints = at(sm.inputs, "spec.endpoints") as JsonObject[];
  const ep = endpoints[0];
  const services = inNs(res, "core/v1:Service", ns).filter((s) => selectorMatches(at(sm.inputs, "spec.selector") as LabelSelector, (at(s.inputs, "metadata.labels") ?? {}) as Record<string, string>));
  const ports = services.flatMap((s) => (at(s.inputs, "spec.ports") as JsonObject[]).filter((p) => p.name === ep.port).map((p) => p.port));
  const cred = at(ep, "authorization.credentials") as JsonObject | undefined;
  const secret = cred ? inNs(res, "core/v1:Secret", ns).find((s) => k8sName(s) === cred.name) : undefined;
  const hasKey = cred !== undefined && Object.keys((secret?.inputs.stringData ?? {}) as JsonObject).includes(String(cred.key));
  return { endpoints: endpoints.length, services: services.map(k8sName), ports, path: ep.path, bearer: cred ? `${cred.name}/${cred.key}${hasKey ? "" : " (missing)"}` : "none" };
}

describe("code-executor on the prod stack", () => {
  let res: Recorded[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, outputs } = await renderStack("prod"));
  });

  test("its URL without a host of its own is the in-cluster one (it was https:/// under gateway exposure)", () => {
    expect(at(outputs.suites as JsonObject, "code-executor.url")).toBe("http://llm-service.llm-executor.svc.cluster.local:8000/");
  });

  test("the seed's commands select what they name: `kubectl get all -l app=llm-service` finds its Deployment, Service and pods", () => {
    for (const name of ["llm-service", "executor-service"]) {
      for (const kind of ["apps/v1:Deployment", "core/v1:Service"]) expect(at(byName(res, kind, name).inputs, "metadata.labels.app")).toBe(name);
      const d = byName(res, "apps/v1:Deployment", name);
      expect(at(d.inputs, "spec.template.metadata.labels.app")).toBe(name);
      // The selector stays what it was (immutable on a Deployment).
      expect(at(d.inputs, "spec.selector.matchLabels.app")).toBeUndefined();
    }
  });

  test("the seed's names: llm-service :8000, executor-service :8001, health on /api/v1/health for both probes", () => {
    expect(Object.fromEntries(inNs(res, "core/v1:Service").map((s) => [k8sName(s), at(s.inputs, "spec.ports.0.port")]))).toEqual({ "llm-service": 8000, "executor-service": 8001 });
    for (const name of ["llm-service", "executor-service"]) {
      const c = containersOf(byName(res, "apps/v1:Deployment", name))[0];
      expect([at(c, "readinessProbe.httpGet.path"), at(c, "livenessProbe.httpGet.path")]).toEqual(["/api/v1/health", "/api/v1/health"]);
    }
  });

  test("RBAC: executor-service may manage Jobs and read Pods and logs in its namespace, nothing else", () => {
    expect(at(byName(res, "rbac.authorization.k8s.io/v1:Role", "executor-service-role").inputs, "rules")).toEqual(EXECUTOR_RULES.map((r) => ({ ...r })));
    expect(at(byName(res, "rbac.authorization.k8s.io/v1:RoleBinding", "executor-service-rolebinding").inputs, "subjects")).toEqual([{ kind: "ServiceAccount", name: "executor-service", namespace: NS }]);
    expect(res.filter((r) => /ClusterRole/.test(r.type) && String(at(r.inputs, "metadata.name")).includes("executor"))).toEqual([]);
    const executor = podSpecOf(byName(res, "apps/v1:Deployment", "executor-service"));
    expect([executor.serviceAccountName, executor.automountServiceAccountToken]).toEqual(["executor-service", true]);
    expect(podSpecOf(byName(res, "apps/v1:Deployment", "llm-service")).automountServiceAccountToken).toBe(false);
  });

  test("replicas: llm-service fixed at 3; executor-service owned by executor-service-hpa (3-20, CPU 70%, memory 80%)", () => {
    expect(at(byName(res, "apps/v1:Deployment", "llm-service").inputs, "spec.replicas")).toBe(3);
    expect(at(byName(res, "apps/v1:Deployment", "executor-service").inputs, "spec.replicas")).toBeUndefined();
    const hpa = byName(res, "autoscaling/v2:HorizontalPodAutoscaler", "executor-service-hpa");
    expect(at(hpa.inputs, "spec")).toMatchObject({ minReplicas: 3, maxReplicas: 20, scaleTargetRef: { name: "executor-service" } });
    expect((at(hpa.inputs, "spec.metrics") as JsonObject[]).map((m) => [at(m, "resource.name"), at(m, "resource.target.averageUtilization")])).toEqual([
      ["cpu", 70],
      ["memory", 80],
    ]);
    expect(inNs(res, "policy/v1:PodDisruptionBudget").map(k8sName).sort()).toEqual(["executor-service", "llm-service"]);
  });

  test("hardening: UID 1000, read-only root and a size-limited /tmp on executor-service, restricted enforced", () => {
    const pod = podSpecOf(byName(res, "apps/v1:Deployment", "executor-service"));
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(containersOf(byName(res, "apps/v1:Deployment", "executor-service"))[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }]));
    expect(at(byName(res, "core/v1:Namespace", NS).inputs, "metadata.labels")).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
  });

  test("the heavy Jobs' settings, GPU placement from the platform, quota and limits", () => {
    const data = byName(res, "core/v1:ConfigMap", "llm-executor-config").inputs.data as JsonObject;
    expect(data).toMatchObject({
      heavy_job_cpu_request: "2",
      heavy_job_memory_request: "4Gi",
      heavy_job_cpu_limit: "4",
      heavy_job_memory_limit: "8Gi",
      heavy_job_ttl_seconds: "3600",
      heavy_job_image: "registry.example.com/llmctl/heavy-executor:2026.11.0",
      heavy_job_node_selector_json: JSON.stringify({ "nvidia.com/gpu.present": "true" }),
      heavy_job_gpu_limits_json: JSON.stringify({ "nvidia.com/gpu": "1" }),
    });
    expect(at(byName(res, "core/v1:ResourceQuota", "llm-executor-quota").inputs, "spec.hard")).toEqual({
      "requests.cpu": "29500m",
      "requests.memory": "60416Mi",
      "limits.cpu": "102000m",
      "limits.memory": "208896Mi",
      pods: "31",
      "count/jobs.batch": "8",
    });
    expect(at(byName(res, "core/v1:LimitRange", "llm-executor-limits").inputs, "spec.limits.0")).toMatchObject({ defaultRequest: { cpu: "2", memory: "4Gi" }, default: { cpu: "4", memory: "8Gi" }, max: { cpu: "4", memory: "8Gi" } });
  });

  test("credentials: its own gateway key (never LiteLLM's master key) read as the seed's LLM_API_KEY, no invented DB password, no placeholder anywhere", () => {
    const gw = byName(res, "core/v1:Secret", "model-gateway");
    expect(at(gw.inputs, "metadata.namespace")).toBe(NS);
    // The key the LLM stack generated for this suite (registered with its limits by the litellm-keys Job).
    expect(gw.inputs.stringData).toEqual({ OPENAI_API_BASE_URL: "http://litellm.llm-stack.svc.cluster.local:4000/v1", OPENAI_API_KEY: "sk-generated-gateway-code-executor-api-key" });
    expect((byName(res, "core/v1:Secret", "gateway-code-executor").inputs.stringData as JsonObject)["api-key"]).toBe("sk-generated-gateway-code-executor-api-key");
    const secret = byName(res, "core/v1:Secret", "llm-executor-secrets");
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    // The seed's DB_PASSWORD opens a database the seed does not deploy: only the operator can supply it.
    expect(Object.keys(secret.inputs.stringData as JsonObject)).toEqual([]);
    expect(JSON.stringify(res.map((r) => r.inputs))).not.toMatch(/REPLACE_WITH_ACTUAL/);
    for (const name of ["llm-service", "executor-service"]) {
      const c = containersOf(byName(res, "apps/v1:Deployment", name))[0];
      expect(c.envFrom).toEqual([{ configMapRef: { name: "llm-executor-config" } }, { secretRef: { name: "llm-executor-secrets" } }, { secretRef: { name: "object-store" } }]);
      // The same env name with the gateway as without it (the seed's secrets.yaml): never OPENAI_API_KEY.
      expect(envOf(c).LLM_API_KEY).toEqual({ name: "LLM_API_KEY", valueFrom: { secretKeyRef: { name: "model-gateway", key: "OPENAI_API_KEY" } } });
    }
  });

  test("S3 from the mlops object store: its bucket created, the object-store Secret read by both services, the flow both sides, not for heavy Jobs", () => {
    const buckets = String(envOf(containersOf(byName(res, "batch/v1:Job", "minio-create-buckets"))[0]).BUCKETS.value).split(" ");
    expect(buckets).toContain(BUCKET);
    const secret = inNs(res, "core/v1:Secret").find((s) => k8sName(s) === "object-store")!;
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect(secret.inputs.stringData).toEqual({
      // Its own user (read-write on its bucket alone), not MinIO's root keys.
      AWS_ACCESS_KEY_ID: "code-executor",
      AWS_SECRET_ACCESS_KEY: "generated-minio-user-code-executor-secretkey",
      AWS_REGION: "us-east-1",
      S3_ENDPOINT_URL: "http://minio.mlops.svc.cluster.local:9000",
      S3_BUCKET: BUCKET,
    });
    for (const name of ["llm-service", "executor-service"]) {
      const d = byName(res, "apps/v1:Deployment", name);
      expect({ name, envFrom: containersOf(d)[0].envFrom }).toEqual({ name, envFrom: expect.arrayContaining([{ secretRef: { name: "object-store" } }]) });
      expect(at(d.inputs, "spec.template.metadata.annotations")).toHaveProperty(["checksum/objectStore"]);
    }
    // The keys live in object-store only: not in the suite's own Secret, never in the ConfigMap.
    expect(Object.keys(byName(res, "core/v1:Secret", "llm-executor-secrets").inputs.stringData as JsonObject)).toEqual([]);
    expect(JSON.stringify(byName(res, "core/v1:ConfigMap", "llm-executor-config").inputs.data)).not.toMatch(/AWS_|S3_|minio/);
    const policies = ofType(res, "networking.k8s.io/v1:NetworkPolicy").filter((p) => k8sName(p).startsWith("code-executor-to-object-store"));
    expect(policies.map((p) => [at(p.inputs, "metadata.namespace"), k8sName(p)]).sort()).toEqual([
      ["llm-executor", "code-executor-to-object-store-egress"],
      ["mlops", "code-executor-to-object-store-ingress"],
    ]);
    const can = reaches(res);
    expect([can(`${NS}/llm-service`, "mlops/minio", 9000), can(`${NS}/executor-service`, "mlops/minio", 9000), can(`${NS}/heavy-job`, "mlops/minio", 9000)]).toEqual([true, true, false]);
  });

  test("monitoring: a ServiceMonitor per service on its named port and /metrics, and Prometheus may reach exactly that port", () => {
    const monitors = inNs(res, "monitoring.coreos.com/v1:ServiceMonitor");
    expect(monitors.map(k8sName).sort()).toEqual(["executor-service", "llm-service"]);
    const can = reaches(res);
    for (const [name, port] of [
      ["llm-service", 8000],
      ["executor-service", 8001],
    ] as const) {
      expect({ name, scrape: scrapeOf(res, NS, name) }).toEqual({ name, scrape: { endpoints: 1, services: [name], ports: [port], path: "/metrics", bearer: "none" } });
      expect({ name, allowed: can("monitoring/prometheus", `${NS}/${name}`, port), otherPort: can("monitoring/prometheus", `${NS}/${name}`, 9090) }).toEqual({ name, allowed: true, otherPort: false });
      expect(ofType(res, "networking.k8s.io/v1:NetworkPolicy").filter((p) => k8sName(p).startsWith(`prometheus-to-${name}-`)).map((p) => at(p.inputs, "metadata.namespace")).sort()).toEqual(["llm-executor", "monitoring"]);
    }
  });
});

test("S3 keys from the operator win (an external store): in llm-executor-secrets as the seed has them, no bucket, no object-store Secret or flow", async () => {
  const { resources } = await renderStack("dev", { secrets: { codeExecutorAwsAccessKeyId: "AKIAEXTERNAL", codeExecutorAwsSecretAccessKey: "external-secret" } });
  expect(byName(resources, "core/v1:Secret", "llm-executor-secrets").inputs.stringData).toMatchObject({ AWS_ACCESS_KEY_ID: "AKIAEXTERNAL", AWS_SECRET_ACCESS_KEY: "external-secret" });
  expect(inNs(resources, "core/v1:Secret").map(k8sName)).not.toContain("object-store");
  expect(String(envOf(containersOf(byName(resources, "batch/v1:Job", "minio-create-buckets"))[0]).BUCKETS.value).split(" ")).not.toContain(BUCKET);
  expect(containersOf(byName(resources, "apps/v1:Deployment", "executor-service"))[0].envFrom).not.toContainEqual({ secretRef: { name: "object-store" } });
  expect(reaches(resources)(`${NS}/llm-service`, "mlops/minio", 9000)).toBe(false);
});

test("without mlops: no object store, the services read exactly what they did before", async () => {
  const { resources } = await renderStack("dev", { set: { suites: ["llm-stack", "code-executor"] } });
  expect(resources.filter((r) => k8sName(r) === "object-store" || k8sName(r).includes("to-object-store"))).toEqual([]);
  expect(containersOf(byName(resources, "apps/v1:Deployment", "llm-service"))[0].envFrom).toEqual([
    { configMapRef: { name: "llm-executor-config" } },
    { secretRef: { name: "llm-executor-secrets" } },
  ]);
  expect(at(byName(resources, "apps/v1:Deployment", "llm-service").inputs, "spec.template.metadata.annotations")).not.toHaveProperty(["checksum/objectStore"]);
});

test("where S3 comes from: the operator's keys first, then the platform's store; a bucket is asked for only without the operator's keys", () => {
  const operator = { s3: {} } as unknown as CodeExecutorConfig;
  const none = {} as CodeExecutorConfig;
  expect([s3Source(operator, true), s3Source(none, true), s3Source(none, false)]).toEqual(["operator", "object-store", "none"]);
  expect(executorGrants(operator)).toEqual([]);
  // Its own user, read-write on its bucket alone.
  expect(executorGrants(none)).toEqual([expect.objectContaining({ user: "code-executor", buckets: [BUCKET], access: "readwrite" })]);
});

test("without the LLM stack: the endpoint and key come from config, and both services reach the internet for it", async () => {
  const { resources } = await renderStack("dev", {
    set: { suites: ["code-executor"], harborEnabled: false, pgadminEnabled: false, codeExecutorLlmBaseUrl: "https://api.openai.com/v1" },
    secrets: { codeExecutorLlmApiKey: "sk-config", codeExecutorEventHubConnectionString: "Endpoint=sb://x", codeExecutorDbPassword: "db-from-operator" },
  });
  expect(envOf(containersOf(byName(resources, "apps/v1:Deployment", "llm-service"))[0]).LLM_API_KEY).toBeUndefined();
  expect(byName(resources, "core/v1:Secret", "llm-executor-secrets").inputs.stringData).toMatchObject({ DB_PASSWORD: "db-from-operator" });
  expect(resources.filter((r) => k8sName(r) === "model-gateway")).toEqual([]);
  expect(byName(resources, "core/v1:Secret", "llm-executor-secrets").inputs.stringData).toMatchObject({ LLM_API_KEY: "sk-config", EVENT_HUB_CONNECTION_STRING: "Endpoint=sb://x" });
  expect((byName(resources, "core/v1:ConfigMap", "llm-executor-config").inputs.data as JsonObject).llm_api_base_url).toBe("https://api.openai.com/v1");
  expect(ofType(resources, "networking.k8s.io/v1:NetworkPolicy").map(k8sName)).toEqual(expect.arrayContaining(["llm-service-to-llm-api-egress", "executor-service-to-llm-api-egress"]));
});

test("quota math: services at their HPA maximum plus heavy.max heavy Jobs, exact quantities", () => {
  const cfg = { llmReplicas: 1, executor: { min: 1, max: 3 }, heavy: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" }, max: 2 } } as unknown as CodeExecutorConfig;
  // requests: 1 x 500m + 3 x 1 + 2 x 500m = 4.5 CPU; 1 x 1Gi + 3 x 2Gi + 2 x 1Gi = 9Gi
  expect(executorQuota(cfg)).toEqual({ requests: { cpu: "4500m", memory: "9216Mi" }, limits: { cpu: "16000m", memory: "32768Mi" }, pods: 8, jobs: 4 });
});

test("dev: laptop sizing, no GPU placement, heavy Jobs sized down", async () => {
  const { resources } = await renderStack("dev");
  expect(at(byName(resources, "autoscaling/v2:HorizontalPodAutoscaler", "executor-service-hpa").inputs, "spec")).toMatchObject({ minReplicas: 1, maxReplicas: 3 });
  const data = byName(resources, "core/v1:ConfigMap", "llm-executor-config").inputs.data as JsonObject;
  expect(data).toMatchObject({ heavy_job_cpu_request: "500m", heavy_job_gpu_limits_json: "{}", heavy_job_image: "heavy-executor:latest" });
  // Only the gateway's key, under the seed's name.
  expect(Object.keys(envOf(containersOf(byName(resources, "apps/v1:Deployment", "llm-service"))[0]))).toEqual(["LLM_API_KEY"]);
  // Monitoring is off in dev: nothing to scrape with, so no ServiceMonitor and no Prometheus flow.
  expect(inNs(resources, "monitoring.coreos.com/v1:ServiceMonitor")).toEqual([]);
  expect(inNs(resources, "networking.k8s.io/v1:NetworkPolicy").map(k8sName).filter((n) => n.startsWith("prometheus-"))).toEqual([]);
});
