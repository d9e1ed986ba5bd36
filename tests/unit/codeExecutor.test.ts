/**
 * The code-executor suite (seed code-executor-platform.md): the seed's names, the executor's RBAC exactly,
 * the HPA owning executor-service's replicas, the hardening, the heavy-Job settings, the quota math, and the
 * credentials (the LLM stack's gateway key, a generated DB password, no placeholders).
 */
import type { CodeExecutorConfig } from "../../components/suites/codeExecutor/config";
import { executorQuota } from "../../components/suites/codeExecutor/decisions";
import { EXECUTOR_RULES } from "../../components/suites/codeExecutor/names";
import { at, byName, containersOf, envOf, isSecretValue, k8sName, ofType, podSpecOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";

const NS = "llm-executor";
const inNs = (res: Recorded[], kind: string) => ofType(res, kind).filter((r) => at(r.inputs, "metadata.namespace") === NS);

describe("code-executor on the prod stack", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("prod"));
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

  test("credentials: the LLM stack's gateway key in model-gateway, a generated DB password, no placeholder anywhere", () => {
    const gw = byName(res, "core/v1:Secret", "model-gateway");
    expect(at(gw.inputs, "metadata.namespace")).toBe(NS);
    const master = res.find((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name === "litellm-secret-master-key")!;
    expect(gw.inputs.stringData).toEqual({ OPENAI_API_BASE_URL: "http://litellm.llm-stack.svc.cluster.local:4000/v1", OPENAI_API_KEY: `generated-${master.name}` });
    const secret = byName(res, "core/v1:Secret", "llm-executor-secrets");
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect(Object.keys(secret.inputs.stringData as JsonObject)).toEqual(["DB_PASSWORD"]);
    expect(JSON.stringify(res.map((r) => r.inputs))).not.toMatch(/REPLACE_WITH_ACTUAL/);
    expect(containersOf(byName(res, "apps/v1:Deployment", "llm-service"))[0].envFrom).toEqual([
      { configMapRef: { name: "llm-executor-config" } },
      { secretRef: { name: "llm-executor-secrets" } },
      { secretRef: { name: "model-gateway" } },
    ]);
  });
});

test("without the LLM stack: the endpoint and key come from config, and both services reach the internet for it", async () => {
  const { resources } = await renderStack("dev", {
    set: { suites: ["code-executor"], harborEnabled: false, pgadminEnabled: false, codeExecutorLlmBaseUrl: "https://api.openai.com/v1" },
    secrets: { codeExecutorLlmApiKey: "sk-config", codeExecutorEventHubConnectionString: "Endpoint=sb://x" },
  });
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
  expect(envOf(containersOf(byName(resources, "apps/v1:Deployment", "llm-service"))[0])).toEqual({});
});
