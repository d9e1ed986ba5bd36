/**
 * Admission for the Jobs the studio and the code executor create at run time (components/platform/jobAdmission.ts):
 * which requests the policies match, what each allows, and the config that widens llmctl's Secrets. The CEL itself
 * is evaluated by a real API server in the e2e tier (tests/e2e: a good Job admitted, each bad one refused).
 */
import { jobValidations } from "../../components/platform/jobAdmission";
import { at, configProblems, k8sName, ofType, renderStack, type JsonObject, type Recorded } from "../helpers/harness";

const policies = (res: Recorded[]) => ofType(res, "admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy");
const policy = (res: Recorded[], name: string) => policies(res).find((p) => k8sName(p) === name)!;
const messages = (p: Recorded) => (at(p.inputs, "spec.validations") as JsonObject[]).map((v) => String(v.message));

describe("dev: a policy per namespace whose controller creates Jobs", () => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack("dev"));
  });

  test("the studio's and executor-service's Jobs are matched by their ServiceAccounts, in their own namespaces only, and refused on failure", () => {
    expect(policies(res).map(k8sName).sort()).toEqual(["llm-executor-executor-jobs", "llmctl-executor-jobs"]);
    for (const [name, user, ns] of [["llmctl-executor-jobs", "system:serviceaccount:llmctl:llmctl-studio", "llmctl"], ["llm-executor-executor-jobs", "system:serviceaccount:llm-executor:executor-service", "llm-executor"]]) {
      const p = policy(res, name);
      expect(at(p.inputs, "spec.failurePolicy")).toBe("Fail");
      expect(at(p.inputs, "spec.matchConstraints.resourceRules")).toEqual([{ apiGroups: ["batch"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["jobs"] }]);
      expect(at(p.inputs, "spec.matchConditions.0.expression")).toBe(`request.userInfo.username in ['${user}']`);
      const binding = ofType(res, "admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding").find((b) => k8sName(b) === name)!;
      expect(at(binding.inputs, "spec")).toEqual({ policyName: name, validationActions: ["Deny"], matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } } });
    }
  });

  test("llmctl: the executor account, no platform workload's name, llmctl-mcp-secrets only, no node path; baseline (the studio builds its pods)", () => {
    const m = messages(policy(res, "llmctl-executor-jobs"));
    expect(m).toEqual([
      "executor Jobs run as the ServiceAccount llmctl-executor",
      "executor Jobs do not mount an API token (automountServiceAccountToken: true is refused)",
      expect.stringContaining("llmctl-studio-backend, llmctl-studio-frontend, llmctl-celery-worker, llmctl-celery-beat, llmctl-redis, llmctl-postgres, llmctl-chromadb, llmctl-mcp,"),
      "executor Jobs may not carry llm-platform/ labels (the platform's own pods are selected by them)",
      "executor Jobs mount only these Secrets: llmctl-mcp-secrets (llmctlExecutorSecrets)",
      "executor Jobs read only these Secrets in env: llmctl-mcp-secrets (llmctlExecutorSecrets)",
      "executor Jobs mount no node path (hostPath)",
    ]);
  });

  test("llm-executor: heavy Jobs read no Secret and meet restricted in the Job itself", () => {
    const m = messages(policy(res, "llm-executor-executor-jobs"));
    expect(m).toContain("executor Jobs mount only these Secrets: none");
    expect(m).toContain("executor Jobs run as non-root with the RuntimeDefault seccomp profile (Pod Security restricted)");
    expect(m).toContain("every container of an executor Job drops ALL capabilities, disallows privilege escalation and is not privileged or root (Pod Security restricted)");
    expect(m[0]).toBe("executor Jobs run as the ServiceAccount default");
  });
});

test("live code (dev only): the executor Jobs may mount exactly the live-code path", async () => {
  const { resources } = await renderStack("dev", { set: { llmctlLiveCode: true } });
  const hostPath = (at(policy(resources, "llmctl-executor-jobs").inputs, "spec.validations") as JsonObject[]).find((v) => String(v.message).includes("node path"))!;
  expect(hostPath).toEqual({ expression: "!has(variables.pod.volumes) || variables.pod.volumes.all(v, !has(v.hostPath) || v.hostPath.path in ['/workspace/llmctl'])", message: "executor Jobs mount no node path but the live code (/workspace/llmctl)" });
});

test("llmctlExecutorSecrets widens the list, but never to the studio's own credentials", () => {
  const v = jobValidations({ namespace: "llmctl", instance: "llmctl", creators: ["llmctl-studio"], executorServiceAccount: "llmctl-executor", workloadNames: [], secrets: ["a", "b"], restricted: false });
  expect(v.find((x) => x.message.startsWith("executor Jobs mount only"))?.expression).toContain("v.secret.secretName in ['a', 'b']");
  expect(configProblems("dev", { llmctlExecutorSecrets: ["llmctl-mcp-secrets", "llmctl-studio-secrets"] })).toEqual([expect.stringMatching(/llmctlExecutorSecrets: must not list llmctl-studio-secrets: it holds the studio's own datastore credentials/)]);
  expect(configProblems("dev", { llmctlExecutorSecrets: ["Not A Name"] })).toEqual([expect.stringMatching(/llmctlExecutorSecrets: "Not A Name" is not a Secret name/)]);
});

describe("llmctl's ResourceQuota bounds what the studio may start (pods, Jobs, GPUs), not CPU it cannot size", () => {
  test("dev: its own pods at their most with a surge each, the backup pods, the smoke Job and four executors", async () => {
    const { resources } = await renderStack("dev", { set: { llmctlExecutorSmokeTest: true } });
    const q = resources.find((r) => r.type === "kubernetes:core/v1:ResourceQuota" && k8sName(r) === "llmctl-quota")!;
    // Deployments that run (an MCP server without its credentials is rendered at zero replicas: no surge).
    const deployments = ofType(resources, "apps/v1:Deployment").filter((d) => at(d.inputs, "metadata.namespace") === "llmctl" && at(d.inputs, "spec.replicas") !== 0);
    const statefulSets = ofType(resources, "apps/v1:StatefulSet").filter((d) => at(d.inputs, "metadata.namespace") === "llmctl");
    const hpaMax = new Map(ofType(resources, "autoscaling/v2:HorizontalPodAutoscaler").filter((h) => at(h.inputs, "metadata.namespace") === "llmctl").map((h) => [String(at(h.inputs, "spec.scaleTargetRef.name")), Number(at(h.inputs, "spec.maxReplicas"))]));
    const own = [...deployments, ...statefulSets].reduce((n, w) => n + Math.max(Number(at(w.inputs, "spec.replicas") ?? 1), hpaMax.get(k8sName(w)) ?? 0), 0);
    const stores = ofType(resources, "batch/v1:CronJob").filter((c) => at(c.inputs, "metadata.namespace") === "llmctl" && k8sName(c).startsWith("backup-")).length;
    expect(stores).toBe(3);
    expect(at(q.inputs, "spec.hard")).toEqual({ pods: String(own + deployments.length + statefulSets.length + 2 * stores + 1 + 4), "count/jobs.batch": String(2 * 4 + 3 * stores * 6 + 1), "requests.nvidia.com/gpu": "0" });
  });

  test("prod with GPUs: the executors' GPUs; llmctlExecutorJobsMax scales it; out of range is refused", async () => {
    const { resources } = await renderStack("prod", { set: { llmctlExecutorJobsMax: 2 } });
    const q = resources.find((r) => r.type === "kubernetes:core/v1:ResourceQuota" && k8sName(r) === "llmctl-quota")!;
    expect(at(q.inputs, "spec.hard")).toMatchObject({ "count/jobs.batch": String(2 * 2 + 3 * 3 * 6) });
    expect(Number((at(q.inputs, "spec.hard") as Record<string, string>)["requests.nvidia.com/gpu"])).toBeGreaterThanOrEqual(2);
    expect(configProblems("dev", { llmctlExecutorJobsMax: 0 })).toEqual([expect.stringMatching(/llmctlExecutorJobsMax: must be between 1 and 100/)]);
  });
});
