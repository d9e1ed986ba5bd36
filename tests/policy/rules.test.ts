/**
 * The policies over crafted resources: a stack every policy passes, then one bad object per rule, each making
 * exactly that rule fire with a message naming the object; plus the edges of each rule.
 */
import type { PolicyPackConfig } from "@pulumi/policy";
import * as policySdk from "@pulumi/policy";
import { PACK_NAME, packArgs, policies } from "../../policy/policies";
import { reopensAll } from "../../policy/rules/defaultDeny";
import { isSecretKey } from "../../policy/rules/literalSecrets";
import { unpinned } from "../../policy/rules/pinnedImages";
import { runPolicies, toPolicyResources, type ResourceInput, type RunResult } from "./adapter";
import {
  binding,
  compliantStack,
  configMap,
  container,
  cronJob,
  defaultDeny,
  deployment,
  namespace,
  networkPolicy,
  NS,
  podSpec,
  serviceAccount,
} from "./fixtures";

async function run(resources: ResourceInput[], config: PolicyPackConfig = {}): Promise<RunResult> {
  return runPolicies(toPolicyResources(resources), config);
}

/** Which policies fired, and their messages. */
function fired(result: RunResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of result.violations) (out[v.policy] ??= []).push(v.message);
  return out;
}

describe("the pack", () => {
  test("is named llm-platform, mandatory by default, every policy with a unique name, a description and remediation steps", () => {
    expect(PACK_NAME).toBe("llm-platform");
    expect(packArgs.enforcementLevel).toBe("mandatory");
    expect(packArgs.policies).toHaveLength(6);
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const p of policies) {
      expect({ name: p.name, description: p.description.length > 20, remediation: (p.remediationSteps ?? "").length > 20 }).toEqual({ name: p.name, description: true, remediation: true });
      // Each inherits the pack's level, so the pack config can lower one or all of them.
      expect(p.enforcementLevel).toBeUndefined();
    }
  });

  test("passes the compliant stack", async () => {
    const result = await run(compliantStack());
    expect(result.violations).toEqual([]);
    expect(result.errors).toEqual([]);
  });
});

describe("one bad object per rule: exactly that rule fires, naming the object", () => {
  const CASES: Array<[rule: string, bad: ResourceInput[], message: RegExp]> = [
    [
      "pod-security-restricted",
      [deployment("root-app", NS, podSpec({ securityContext: {}, containers: [container("app", { securityContext: { privileged: true } })] }))],
      /^Deployment team\/root-app does not meet Pod Security restricted: container "app" is privileged; .*allowPrivilegeEscalation must be false; .*runAsNonRoot must be true.*; .*capabilities must drop ALL; .*seccompProfile must be RuntimeDefault or Localhost/,
    ],
    [
      "container-resources",
      [deployment("greedy", NS, podSpec({ containers: [container("app", { resources: { requests: { cpu: "100m", memory: "64Mi" } } })] }))],
      /^Deployment team\/greedy: container "app" has no limits\.cpu, limits\.memory\.$/,
    ],
    [
      "namespace-default-deny",
      // The program's old default-deny: ingress only, and re-opened to every pod of the namespace.
      [namespace("open"), networkPolicy("default-deny-ingress", "open", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] })],
      /^Namespace open: no default-deny for Ingress \[NetworkPolicy default-deny-ingress: its ingress rule 1 re-opens all traffic: podSelector \{\} \(every pod of the namespace\), every port\]; no default-deny for Egress \[NetworkPolicy default-deny-ingress: its policyTypes do not include Egress\]\.$/,
    ],
    [
      "no-literal-secrets",
      [configMap("leaky", NS, { DB_PASSWORD: "hunter2", LOG_LEVEL: "debug" })],
      /^ConfigMap team\/leaky: data key "DB_PASSWORD" names a credential and holds a literal value; use a Secret\.$/,
    ],
    [
      "pinned-images",
      [deployment("floating", NS, podSpec({ containers: [container("app", { image: "nginx:latest" })] }))],
      /^Deployment team\/floating: container "app" image nginx:latest is tagged latest\.$/,
    ],
    [
      "no-cluster-scope-bindings",
      [binding("ClusterRoleBinding", "api-admin", { kind: "ClusterRole", name: "cluster-admin" }, [{ kind: "ServiceAccount", name: "api", namespace: NS }])],
      /^ClusterRoleBinding api-admin grants ClusterRole cluster-admin cluster-wide to ServiceAccount team\/api; use a RoleBinding in the namespace\.$/,
    ],
  ];

  test.each(CASES)("%s", async (rule, bad, message) => {
    const result = await run([...compliantStack(), ...bad]);
    expect(result.errors).toEqual([]);
    const byPolicy = fired(result);
    expect(Object.keys(byPolicy)).toEqual([rule]);
    expect(byPolicy[rule]).toHaveLength(1);
    expect(byPolicy[rule][0]).toMatch(message);
    // The violation points at the bad object (the first one crafted).
    expect(result.violations[0].urn).toBe(toPolicyResources(bad)[0].urn);
  });
});

describe("pod-security-restricted", () => {
  const rule = policies.filter((p) => p.name === "pod-security-restricted");
  const messages = async (resources: ResourceInput[]): Promise<string[]> => (await runPolicies(toPolicyResources(resources), {}, rule)).violations.map((v) => v.message);

  test("a namespace's written exception holds its pods to the level it declares, not to restricted", async () => {
    const ns = namespace("chart", { enforce: "baseline", reason: "a third-party chart runs as root" });
    const rootPod = podSpec({ securityContext: {}, containers: [container("app", { securityContext: {} })] });
    expect(await messages([ns, deployment("root-app", "chart", rootPod)])).toEqual([]);
    // Baseline still forbids host access and privileged containers.
    const hostPod = podSpec({ hostNetwork: true, volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] });
    expect(await messages([ns, deployment("host-app", "chart", hostPod)])).toEqual([
      'Deployment chart/host-app does not meet Pod Security baseline (the exception namespace chart declares): hostNetwork is true; volume "docker" is a hostPath.',
    ]);
  });

  test("an exception needs both the weaker enforce label and the written reason", async () => {
    const unexplained = namespace("lax", { enforce: "baseline" });
    const rootPod = podSpec({ securityContext: {}, containers: [container("app", { securityContext: {} })] });
    const result = await messages([unexplained, deployment("root-app", "lax", rootPod)]);
    expect(result).toEqual([
      "Namespace lax enforces Pod Security baseline without a written reason (annotation llm-platform/pod-security-reason); its pods are held to restricted.",
      expect.stringMatching(/^Deployment lax\/root-app does not meet Pod Security restricted: /),
    ]);
  });

  test("checks init containers, CronJobs, hostPID, root users and restricted volume types; container settings override the pod's", async () => {
    const pod = podSpec({
      hostPID: true,
      initContainers: [container("init", { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] }, runAsUser: 0 } })],
      containers: [container("app", { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: false, seccompProfile: { type: "Unconfined" } } })],
      volumes: [{ name: "nfs", nfs: { server: "nas", path: "/" } }],
    });
    const [message] = await messages([namespace(NS), cronJob("nightly", NS, pod)]);
    expect(message).toMatch(/^CronJob team\/nightly does not meet Pod Security restricted: /);
    for (const problem of [
      "hostPID is true",
      'init container "init" adds capabilities SYS_ADMIN',
      'init container "init": runAsUser is 0 (root)',
      'container "app": seccompProfile is Unconfined',
      'container "app": runAsNonRoot must be true (pod or container)',
      'volume "nfs" is of type nfs',
    ]) {
      expect(message).toContain(problem);
    }
    expect(message).not.toContain('init container "init": runAsNonRoot');
  });

  test("a pod outside the stack's namespaces has no exception", async () => {
    const rootPod = podSpec({ securityContext: {}, containers: [container("app", { securityContext: {} })] });
    expect(await messages([deployment("stray", "default", rootPod)])).toEqual([expect.stringMatching(/^Deployment default\/stray does not meet Pod Security restricted \(no exception/)]);
  });
});

describe("container-resources", () => {
  test("covers init containers and names each container's missing settings", async () => {
    const pod = podSpec({ initContainers: [container("wait", { resources: undefined })], containers: [container("app"), container("sidecar", { resources: { limits: { cpu: "1", memory: "" } } })] });
    const result = await runPolicies(toPolicyResources([deployment("api", NS, pod)]), {}, policies.filter((p) => p.name === "container-resources"));
    expect(result.violations.map((v) => v.message)).toEqual([
      'Deployment team/api: init container "wait" has no requests.cpu, requests.memory, limits.cpu, limits.memory; container "sidecar" has no requests.cpu, requests.memory, limits.memory.',
    ]);
  });
});

describe("namespace-default-deny", () => {
  const rule = policies.filter((p) => p.name === "namespace-default-deny");
  const messages = async (resources: ResourceInput[]): Promise<string[]> => (await runPolicies(toPolicyResources(resources), {}, rule)).violations.map((v) => v.message);

  test("a namespace with no NetworkPolicy at all", async () => {
    expect(await messages([namespace("bare")])).toEqual([
      "Namespace bare: no default-deny for Ingress [no NetworkPolicy with podSelector {}]; no default-deny for Egress [no NetworkPolicy with podSelector {}].",
    ]);
  });

  test("accepts narrow allow rules in the default-deny, and a deny per direction in two policies", async () => {
    const dnsOnly = { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ port: 53, protocol: "UDP" }] }] };
    expect(await messages([namespace("a"), networkPolicy("default-deny", "a", dnsOnly)])).toEqual([]);
    const split = [networkPolicy("deny-in", "b", { podSelector: {}, policyTypes: ["Ingress"] }), networkPolicy("deny-out", "b", { podSelector: {}, policyTypes: ["Egress"] })];
    expect(await messages([namespace("b"), ...split])).toEqual([]);
  });

  test("ignores namespaces the stack does not own, and policies in other namespaces", async () => {
    const foreign: ResourceInput = { ...namespace("theirs"), inputs: { metadata: { name: "theirs", labels: { "app.kubernetes.io/managed-by": "Helm" } } } };
    expect(await messages([foreign, namespace("ours"), defaultDeny("elsewhere")])).toEqual([
      "Namespace ours: no default-deny for Ingress [no NetworkPolicy with podSelector {}]; no default-deny for Egress [no NetworkPolicy with podSelector {}].",
    ]);
  });

  test.each([
    ["no peers", "re-opens", { ports: [] }, "Ingress", "no from (any peer), every port"],
    ["podSelector {} (the old default-deny's rule)", "re-opens", { from: [{ podSelector: {} }] }, "Ingress", "podSelector {} (every pod of the namespace), every port"],
    ["namespaceSelector {}", "re-opens", { to: [{ namespaceSelector: {} }] }, "Egress", "namespaceSelector {} (every pod of every namespace), every port"],
    ["ipBlock 0.0.0.0/0", "re-opens", { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }, "Egress", "ipBlock 0.0.0.0/0, every port"],
    ["named pods", "does not re-open", { from: [{ podSelector: { matchLabels: { app: "x" } } }] }, "Ingress", undefined],
    ["one namespace", "does not re-open", { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }] }, "Egress", undefined],
    ["any peer but one port", "does not re-open", { ports: [{ port: 443 }] }, "Ingress", undefined],
  ] as const)("a rule with %s %s all traffic", (_what, _verdict, rule, direction, expected) => {
    expect(reopensAll(rule, direction)).toBe(expected);
  });
});

describe("no-literal-secrets", () => {
  const rule = policies.filter((p) => p.name === "no-literal-secrets");
  const messages = async (resources: ResourceInput[]): Promise<string[]> => (await runPolicies(toPolicyResources(resources), {}, rule)).violations.map((v) => v.message);
  const GITHUB = `ghp_${"x9Y8z7W6v5".repeat(4)}`;
  const AWS = "AKIAIOSFODNN7EXAMPLE";
  const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----";

  test("finds literals in env values of every container (never echoing the value), and token formats under any key", async () => {
    const pod = podSpec({
      initContainers: [container("init", { env: [{ name: "API_KEY", value: "abc123" }] })],
      containers: [
        container("app", {
          env: [
            { name: "GH", value: GITHUB },
            { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
            { name: "EMPTY_TOKEN", value: "" },
          ],
        }),
      ],
    });
    const result = await messages([deployment("api", NS, pod), configMap("cfg", NS, { AWS_ID: AWS, "tls.key": PEM, DATABASE_URL: "postgres://app:s3cret@db:5432/app", REDIS_URL: "redis://:s3cret@redis:6379/0", CACHE_URL: "redis://redis:6379/0" })]);
    expect(result).toEqual([
      'Deployment team/api: init container "init": env API_KEY names a credential and holds a literal value; container "app": env GH holds a GitHub token; use a Secret.',
      'ConfigMap team/cfg: data key "AWS_ID" holds an AWS access key id; data key "tls.key" holds a private key; data key "DATABASE_URL" holds a password in a URL; data key "REDIS_URL" holds a password in a URL; use a Secret.',
    ]);
    for (const m of result) for (const secret of [GITHUB, AWS, "abc123", "s3cret", "MIIE"]) expect(m).not.toContain(secret);
  });

  test.each([
    ["DB_PASSWORD", true],
    ["githubToken", true],
    ["X-Api-Key", true],
    ["apikey", true],
    ["CLIENT_CREDENTIALS", true],
    ["LLMCTL_CREDENTIALS_DIR", false],
    ["DB_PASSWORD_FILE", false],
    ["CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE", false],
    ["TOKEN_URL_SECRET", true],
    ["PROVIDER_API_KEY", true],
    ["USER_API_KEY", true],
    ["hostApiKey", true],
    ["ENDPOINT_API_KEY", true],
    ["API_KEY_FILE", false],
    ["tokenServiceUrl", false],
    ["REGISTRY_CREDENTIAL_USERNAME", false],
    ["LLMCTL_NODE_EXECUTOR_K8S_IMAGE_PULL_SECRETS_JSON", false],
    ["LOG_LEVEL", false],
  ])("key %s names a credential: %s", (key, expected) => {
    expect(isSecretKey(key)).toBe(expected);
  });
});

describe("pinned-images", () => {
  const rule = policies.filter((p) => p.name === "pinned-images");
  const floating = deployment("floating", NS, podSpec({ containers: [container("app", { image: "nginx" })] }));

  test("requirePinnedImages: false turns it off (not applicable), the default is on", async () => {
    const off = await runPolicies(toPolicyResources([floating]), { "pinned-images": { requirePinnedImages: false } }, rule);
    expect(off.violations).toEqual([]);
    expect(off.notApplicable).toEqual([{ policy: "pinned-images", reason: "requirePinnedImages is false (not a production stack)" }]);
    const on = await runPolicies(toPolicyResources([floating]), { "pinned-images": { enforcementLevel: "mandatory", requirePinnedImages: true } }, rule);
    expect(on.violations.map((v) => v.message)).toEqual(['Deployment team/floating: container "app" image nginx has no tag (means latest).']);
    const schema = rule[0].configSchema?.properties.requirePinnedImages;
    expect(schema).toMatchObject({ type: "boolean", default: true });
  });

  test.each([
    ["nginx:1.27.3", undefined],
    ["registry.example.com:5000/llmctl/app@sha256:" + "a".repeat(64), undefined],
    ["registry.example.com:5000/llmctl/app:latest@sha256:" + "b".repeat(64), undefined],
    ["registry.example.com:5000/llmctl/app", "image registry.example.com:5000/llmctl/app has no tag (means latest)"],
    ["ghcr.io/org/app:latest", "image ghcr.io/org/app:latest is tagged latest"],
    ["", "has no image"],
  ])("image %p: %p", (image, expected) => {
    expect(unpinned(image)).toBe(expected);
  });
});

describe("no-cluster-scope-bindings", () => {
  const rule = policies.filter((p) => p.name === "no-cluster-scope-bindings");
  const messages = async (resources: ResourceInput[], config: PolicyPackConfig = {}): Promise<string[]> =>
    (await runPolicies(toPolicyResources(resources), config, rule)).violations.map((v) => v.message);
  const crb = (subjects: Array<Record<string, string>>): ResourceInput => binding("ClusterRoleBinding", "grant", { kind: "ClusterRole", name: "view" }, subjects);

  test("every way of naming our service accounts counts; others' accounts and RoleBindings do not", async () => {
    const stack = [namespace(NS), serviceAccount("robot", "kube-system")];
    expect(await messages([...stack, crb([{ kind: "ServiceAccount", name: "robot", namespace: "kube-system" }])])).toEqual([
      "ClusterRoleBinding grant grants ClusterRole view cluster-wide to ServiceAccount kube-system/robot; use a RoleBinding in the namespace.",
    ]);
    expect(await messages([...stack, crb([{ kind: "Group", name: `system:serviceaccounts:${NS}` }, { kind: "User", name: `system:serviceaccount:${NS}:api` }])])).toEqual([
      `ClusterRoleBinding grant grants ClusterRole view cluster-wide to Group system:serviceaccounts:${NS}, User system:serviceaccount:${NS}:api; use a RoleBinding in the namespace.`,
    ]);
    expect(await messages([...stack, crb([{ kind: "Group", name: "system:serviceaccounts" }])])).toHaveLength(1);
    expect(await messages([...stack, crb([{ kind: "ServiceAccount", name: "coredns", namespace: "kube-system" }, { kind: "User", name: "alice" }])])).toEqual([]);
    expect(await messages([...stack, binding("RoleBinding", "local", { kind: "ClusterRole", name: "admin" }, [{ kind: "ServiceAccount", name: "api", namespace: NS }], NS)])).toEqual([]);
  });

  test("allowedServiceAccounts is a written exception for named accounts", async () => {
    const stack = [namespace(NS), crb([{ kind: "ServiceAccount", name: "controller", namespace: NS }])];
    expect(await messages(stack, { "no-cluster-scope-bindings": { allowedServiceAccounts: [`${NS}/controller`] } })).toEqual([]);
    expect(await messages(stack, { "no-cluster-scope-bindings": { allowedServiceAccounts: [`${NS}/other`] } })).toHaveLength(1);
  });
});

describe("values unknown during preview", () => {
  // @pulumi/policy hands props through a proxy that throws on a value the engine does not know yet.
  const { unknownCheckingProxy } = policySdk as unknown as { unknownCheckingProxy: <T>(o: T) => T };
  const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

  test("an unknown in one object does not hide the others' violations; the policy then ends with the SDK's UnknownValueError", async () => {
    const unknownEnv = deployment("pending", NS, podSpec({ containers: [container("app", { env: [{ name: "DB_PASSWORD", value: UNKNOWN_STRING }] })] }));
    const resources = toPolicyResources([namespace(NS), unknownEnv, configMap("leaky", NS, { API_TOKEN: "t0k3n" })]).map((r) => ({ ...r, props: unknownCheckingProxy(r.props) }));
    const result = await runPolicies(resources, {}, policies.filter((p) => p.name === "no-literal-secrets"));
    expect(result.violations.map((v) => v.message)).toEqual(['ConfigMap team/leaky: data key "API_TOKEN" names a credential and holds a literal value; use a Secret.']);
    expect(result.errors.map((e) => e.error.message)).toEqual([expect.stringMatching(/can't be known during preview/)]);

    const stackResult = await runPolicies(
      toPolicyResources([namespace(NS), deployment("pending", NS, podSpec({ hostNetwork: UNKNOWN_STRING })), deployment("root", NS, podSpec({ hostPID: true }))]).map((r) => ({ ...r, props: unknownCheckingProxy(r.props) })),
      {},
      policies.filter((p) => p.name === "pod-security-restricted"),
    );
    expect(stackResult.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^Deployment team\/root does not meet Pod Security restricted: hostPID is true/)]);
    expect(stackResult.errors).toHaveLength(1);
  });
});
