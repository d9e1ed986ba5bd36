/**
 * End to end against a real Kubernetes API server (tests/e2e/cluster.sh: etcd, kube-apiserver,
 * controller-manager, scheduler, kwok fake nodes). For each stack file the objects the program registers
 * are rendered and:
 *   1. validated by the API server (`--dry-run=server`: OpenAPI schema, defaulting, Pod Security admission),
 *   2. applied for real on fake nodes sized by the stack's own cluster profile (clusterNodes, clusterNodeCpu,
 *      clusterNodeMemory, clusterGpuNodes: what the capacity check fits against), GPU nodes labelled and
 *      tainted the way gpuNodeSelector/gpuTolerations expect: the scheduler places every pod by its
 *      requests (GPU pods on the tainted GPU node), PVCs bind, every Deployment/StatefulSet becomes available, Jobs complete,
 *   3. re-applied: `kubectl diff` reports no change (the rendered objects are stable),
 *   4. deleted: the namespaces and cluster-scoped objects are gone.
 * What this tier cannot do here is run the Pulumi engine itself (see docs/testing.md: the provider plugins cannot
 * be built from the package registries).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { CERT_MANAGER_APIS, ENVOY_GATEWAY_APIS, MONITORING_APIS } from "../../components/addons/apis";
import { type ApiSupplier, covers } from "../../components/platform/apis";
import { parsedStack, renderStack, type RenderOptions, type StackName } from "../helpers/harness";
import { manifestSet, writeManifests, type Manifest } from "../../scripts/lib/manifests";
import { PROJECT, stackFileConfig } from "../../scripts/lib/render";
import type { GpuConfig } from "../../components/platform/gpu";
import { nodeManifests, replaceNodes, type GpuNodeShape } from "./nodes";

const KUBECONFIG = process.env.KUBECONFIG;
/** The edge add-ons' CRDs (tests/e2e/toolchain.sh copies them from the projects' Go modules). */
const CRD_DIR = process.env.E2E_CRD_DIR;
const CRD_GROUPS = /^(gateway\.networking\.k8s\.io|gateway\.envoyproxy\.io|cert-manager\.io|acme\.cert-manager\.io|monitoring\.coreos\.com)\//;
const WAIT = process.env.E2E_WAIT_TIMEOUT ?? "240s";

function kubectl(args: string[], opts: { allowFail?: boolean } = {}): { code: number; out: string } {
  const r = spawnSync("kubectl", args, { encoding: "utf8", env: process.env, maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status !== 0 && !opts.allowFail) throw new Error(`kubectl ${args.join(" ")} failed (${r.status}):\n${out}`);
  return { code: r.status ?? -1, out };
}

function log(message: string): void {
  process.stdout.write(`e2e: ${message}\n`);
}

const STACKS: Array<[StackName, RenderOptions, string]> = [
  ["dev", { set: { llmctlExecutorSmokeTest: true } }, "dev stack (minikube profile) with the executor smoke Job"],
  // The prod profile on the local cluster: fake nodes as Pulumi.prod.yaml declares them (3 x 16 CPU / 64Gi, one
  // tainted GPU node); the GPU smoke Job must land on the GPU node, everything else on the other two. The
  // RuntimeClass is created by the program here because no GPU operator runs (gpuOperatorEnabled false: its chart
  // cannot be downloaded here, and on a real cluster it would own the RuntimeClass).
  [
    "prod",
    {
      set: {
        llmctlExecutorSmokeTest: true,
        gpuOperatorEnabled: false,
        gpuManageRuntimeClass: true,
        storageClass: "standard",
        llmctlDataAccessMode: "ReadWriteOnce",
      },
    },
    "prod stack with GPUs",
  ],
];

const describeCluster = KUBECONFIG ? describe : describe.skip;

/** What a GPU node of this stack looks like: the labels it selects, the taints it tolerates, its resource. */
function gpuNodeShape(gpu: GpuConfig): GpuNodeShape {
  return {
    labels: gpu.nodeSelector,
    // A toleration with operator Exists matches any value; the node carries one anyway, like the GPU operator's.
    taints: gpu.tolerations.map((t) => ({ key: t.key, value: t.value ?? "present", effect: t.effect })),
    resourceName: gpu.resourceName,
  };
}

describeCluster.each(STACKS)("%s against a real API server", (stack, options, what) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `e2e-${stack}-`));
  let namespaces: Manifest[] = [];
  let rest: Manifest[] = [];
  let restFile = "";
  let clusterScoped: Manifest[] = [];

  beforeAll(async () => {
    log(`rendering ${what}`);
    const { platform } = parsedStack(stack, options);
    const nodes = nodeManifests(platform.cluster, gpuNodeShape(platform.gpu));
    replaceNodes(nodes, kubectl);
    log(`${stack}: ${nodes.length} fake nodes from the cluster profile (${platform.cluster.nodes} x ${platform.cluster.nodeCpu} CPU / ${platform.cluster.nodeMemory}, ${platform.cluster.gpuNodes} with GPUs)`);
    const { resources } = await renderStack(stack, options);
    const set = manifestSet(resources);
    namespaces = set.namespaces;
    rest = set.rest;
    clusterScoped = rest.filter((m) => m.metadata.namespace === undefined);
    log(`${stack}: ${namespaces.length} namespaces, ${rest.length} objects; not rendered here: ${set.skipped.join(", ") || "none"}`);
    writeManifests(dir, "00-namespaces.yaml", namespaces);
    restFile = writeManifests(dir, "10-objects.yaml", rest);
    // The charts that would install these CRDs are not rendered here: register the same CRDs first.
    const custom = rest.filter((m) => CRD_GROUPS.test(m.apiVersion));
    if (custom.length > 0) {
      if (!CRD_DIR || !fs.existsSync(CRD_DIR)) throw new Error(`${custom.length} objects need the edge CRDs, but E2E_CRD_DIR (${CRD_DIR ?? "unset"}) is missing: run tests/e2e/toolchain.sh`);
      kubectl(["apply", "--server-side", "--force-conflicts", "-R", "-f", CRD_DIR]);
      kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=120s"]);
      log(`${stack}: ${custom.length} objects of the edge CRDs (${[...new Set(custom.map((m) => m.kind))].sort().join(", ")}); CRDs registered from ${CRD_DIR}`);
    }
  });

  afterAll(() => {
    // Leave the cluster clean even when a step failed.
    for (const ns of namespaces) kubectl(["delete", "namespace", String(ns.metadata.name), "--wait=false", "--ignore-not-found"], { allowFail: true });
    for (const m of clusterScoped) kubectl(["delete", m.kind, String(m.metadata.name), "--ignore-not-found"], { allowFail: true });
  });

  test("the API server accepts every object (server-side dry run, Pod Security admission included)", () => {
    kubectl(["apply", "--server-side", "-f", path.join(dir, "00-namespaces.yaml")]);
    const r = kubectl(["apply", "--server-side", "--dry-run=server", "-f", restFile]);
    const accepted = r.out.split("\n").filter((l) => /serverside-applied \(server dry run\)/.test(l));
    log(`${stack}: dry run accepted ${accepted.length}/${rest.length} objects`);
    expect(accepted).toHaveLength(rest.length);
    expect(r.out).not.toMatch(/Warning: would violate PodSecurity/);
  });

  test("apply: every pod is scheduled by its requests, PVCs bind, workloads become available, Jobs complete", () => {
    const started = Date.now();
    kubectl(["apply", "--server-side", "-f", restFile]);
    for (const ns of namespaces.map((n) => String(n.metadata.name))) {
      const kinds = new Set(rest.filter((m) => m.metadata.namespace === ns).map((m) => m.kind));
      if (kinds.has("PersistentVolumeClaim")) kubectl(["-n", ns, "wait", "--for=jsonpath={.status.phase}=Bound", "pvc", "--all", `--timeout=${WAIT}`]);
      if (kinds.has("Deployment")) kubectl(["-n", ns, "wait", "--for=condition=Available", "deployment", "--all", `--timeout=${WAIT}`]);
      for (const sts of rest.filter((m) => m.metadata.namespace === ns && m.kind === "StatefulSet")) {
        kubectl(["-n", ns, "rollout", "status", `statefulset/${sts.metadata.name}`, `--timeout=${WAIT}`]);
      }
      if (kinds.has("Job")) kubectl(["-n", ns, "wait", "--for=condition=Complete", "job", "--all", `--timeout=${WAIT}`]);
    }
    const pods = JSON.parse(kubectl(["get", "pods", "-A", "-o", "json"]).out) as {
      items: Array<{ metadata: { name: string; namespace: string }; spec: { nodeName?: string }; status: { phase: string } }>;
    };
    const mine = pods.items.filter((p) => namespaces.some((n) => n.metadata.name === p.metadata.namespace));
    log(`${stack}: ${mine.length} pods scheduled and running/succeeded in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    for (const p of mine) expect({ pod: p.metadata.name, phase: p.status.phase, scheduled: !!p.spec.nodeName }).toMatchObject({ scheduled: true });
    const smoke = mine.filter((p) => p.metadata.name.startsWith("llmctl-executor-smoke"));
    expect(smoke.length).toBeGreaterThan(0);
    if (stack === "prod") {
      // The GPU smoke Job may only land on the tainted GPU node.
      for (const p of smoke) expect(p.spec.nodeName).toBe("e2e-gpu-1");
    }
  });

  test("edge: every HTTPRoute on the server attaches to a listener of an existing Gateway and reaches an existing Service port", () => {
    const list = <T>(kind: string): T[] => (JSON.parse(kubectl(["get", kind, "-A", "-o", "json"], { allowFail: true }).out || "{\"items\":[]}") as { items?: T[] }).items ?? [];
    type Meta = { metadata: { name: string; namespace: string } };
    type Gateway = Meta & { spec: { listeners: Array<{ name: string; hostname?: string }> } };
    type Route = Meta & { spec: { hostnames?: string[]; parentRefs: Array<{ name: string; namespace?: string; sectionName?: string }>; rules: Array<{ backendRefs?: Array<{ name: string; port: number }> }> } };
    type Service = Meta & { spec: { ports: Array<{ port: number }> } };
    const hasRoutes = rest.some((m) => m.kind === "HTTPRoute");
    if (!hasRoutes) return;
    const gateways = list<Gateway>("gateways.gateway.networking.k8s.io");
    const routes = list<Route>("httproutes.gateway.networking.k8s.io").filter((r) => namespaces.some((n) => n.metadata.name === r.metadata.namespace));
    const services = list<Service>("services");
    // Services a chart makes (Harbor's nginx, pgAdmin) do not exist here: charts are not rendered offline.
    const withBackends = routes.filter((r) => r.spec.rules.some((rule) => (rule.backendRefs ?? []).length > 0)).map((r) => r.metadata.namespace);
    const chartNamespaces = new Set(withBackends.filter((ns) => !rest.some((m) => m.kind === "Service" && m.metadata.namespace === ns)));
    let checked = 0;
    for (const r of routes) {
      for (const ref of r.spec.parentRefs) {
        const gw = gateways.find((g) => g.metadata.name === ref.name && g.metadata.namespace === (ref.namespace ?? r.metadata.namespace));
        const listener = gw?.spec.listeners.find((l) => l.name === ref.sectionName);
        expect({ route: r.metadata.name, listener: listener?.name, hosts: (r.spec.hostnames ?? []).every((h) => !listener?.hostname || listener.hostname === h) }).toEqual({
          route: r.metadata.name,
          listener: ref.sectionName,
          hosts: true,
        });
      }
      if (chartNamespaces.has(r.metadata.namespace)) continue;
      for (const b of r.spec.rules.flatMap((rule) => rule.backendRefs ?? [])) {
        const svc = services.find((s) => s.metadata.name === b.name && s.metadata.namespace === r.metadata.namespace);
        expect({ route: r.metadata.name, backend: `${b.name}:${b.port}`, exists: svc?.spec.ports.some((p) => p.port === b.port) ?? false }).toMatchObject({ exists: true });
        checked++;
      }
    }
    log(`${stack}: ${routes.length} HTTPRoutes attach to Gateway listeners; ${checked} backends are live Services (${[...chartNamespaces].join(", ") || "none"}: chart Services, checked in the invariants)`);
    expect(checked).toBeGreaterThan(0);
  });

  test("executor Jobs shaped like the studio's (no securityContext; a root vLLM one) run in the studio's namespace; restricted would reject them", () => {
    const studioNs = "llmctl";
    const podSpec = (root: boolean) => ({
      restartPolicy: "Never",
      containers: [
        {
          name: "executor",
          image: "llmctl-executor-frontier:latest",
          command: ["python", "-c", "print('ok')"],
          resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
          ...(root ? { securityContext: { runAsUser: 0 } } : {}),
        },
      ],
    });
    const job = (name: string, root: boolean) => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace: studioNs }, spec: { backoffLimit: 0, template: { spec: podSpec(root) } } });
    const file = path.join(dir, "executor-jobs.yaml");
    fs.writeFileSync(file, [job("e2e-executor-plain", false), job("e2e-executor-root", true)].map((j) => JSON.stringify(j)).join("\n---\n"));
    kubectl(["apply", "-f", file]);
    kubectl(["-n", studioNs, "wait", "--for=condition=Complete", "job/e2e-executor-plain", "job/e2e-executor-root", `--timeout=${WAIT}`]);
    // The same pods under restricted, as a bare Pod (admission enforces on pods, a Job only warns): rejected.
    const probeNs = `e2e-restricted-${stack}`;
    kubectl(["create", "namespace", probeNs]);
    kubectl(["label", "namespace", probeNs, "pod-security.kubernetes.io/enforce=restricted"]);
    try {
      const podFile = path.join(dir, "executor-pod.yaml");
      fs.writeFileSync(podFile, JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "executor", namespace: probeNs }, spec: podSpec(false) }));
      const r = kubectl(["apply", "--dry-run=server", "-f", podFile], { allowFail: true });
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/violates PodSecurity "restricted:latest"/);
      log(`${stack}: executor Jobs without a restricted securityContext completed in ${studioNs} (baseline); under restricted: ${r.out.split("\n")[0].slice(0, 160)}`);
    } finally {
      kubectl(["delete", "namespace", probeNs, "--wait=false"], { allowFail: true });
      kubectl(["-n", studioNs, "delete", "job", "e2e-executor-plain", "e2e-executor-root", "--ignore-not-found"], { allowFail: true });
    }
  });

  test("code executor: its ServiceAccount may create Jobs in its namespace only and read no Secret; a heavy Job runs under the quota", () => {
    const ns = "llm-executor";
    if (!namespaces.some((n) => n.metadata.name === ns)) return;
    const as = ["--as", `system:serviceaccount:${ns}:executor-service`];
    const can = (verb: string, resource: string, where: string) => kubectl(["auth", "can-i", verb, resource, "-n", where, ...as], { allowFail: true }).out.trim();
    expect({
      createJobsHere: can("create", "jobs.batch", ns),
      podLogsHere: can("get", "pods/log", ns),
      createJobsElsewhere: can("create", "jobs.batch", "default"),
      readSecretsHere: can("get", "secrets", ns),
      createPodsHere: can("create", "pods", ns),
    }).toEqual({ createJobsHere: "yes", podLogsHere: "yes", createJobsElsewhere: "no", readSecretsHere: "no", createPodsHere: "no" });
    // A heavy Job as executor-service builds them: restricted securityContext, the configured sizes, deadline, TTL.
    const config = JSON.parse(kubectl(["-n", ns, "get", "configmap", "llm-executor-config", "-o", "json"]).out) as { data: Record<string, string> };
    const d = config.data;
    const sc = JSON.parse(d.heavy_job_security_context_json) as { pod: object; container: object };
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "e2e-heavy-job", namespace: ns },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: Number(d.heavy_job_active_deadline_seconds),
        ttlSecondsAfterFinished: Number(d.heavy_job_ttl_seconds),
        template: {
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: sc.pod,
            containers: [
              {
                name: "run",
                image: d.heavy_job_image,
                command: ["python", "-c", "print(sum(range(10)))"],
                securityContext: sc.container,
                resources: { requests: { cpu: d.heavy_job_cpu_request, memory: d.heavy_job_memory_request }, limits: { cpu: d.heavy_job_cpu_limit, memory: d.heavy_job_memory_limit } },
              },
            ],
          },
        },
      },
    };
    const file = path.join(dir, "heavy-job.json");
    fs.writeFileSync(file, JSON.stringify(job));
    kubectl(["apply", "-f", file]);
    kubectl(["-n", ns, "wait", "--for=condition=Complete", "job/e2e-heavy-job", `--timeout=${WAIT}`]);
    const quota = JSON.parse(kubectl(["-n", ns, "get", "resourcequota", "llm-executor-quota", "-o", "json"]).out) as { status: { used: Record<string, string> } };
    log(`${stack}: executor-service can-i checks passed; heavy Job completed (${d.heavy_job_cpu_request} CPU / ${d.heavy_job_memory_request}); quota used ${JSON.stringify(quota.status.used)}`);
    kubectl(["-n", ns, "delete", "job", "e2e-heavy-job", "--ignore-not-found"], { allowFail: true });
  });

  test("admission: Jobs from the studio's and executor-service's ServiceAccounts are checked by the API server (a good one admitted, each bad one refused)", () => {
    type Pod = Record<string, unknown>;
    const container = (extra: Pod = {}) => ({ name: "run", image: "llmctl-executor-frontier:latest", command: ["python", "-c", "print(1)"], resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } }, ...extra });
    const restricted = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true } };
    const podSecurity = { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } };
    /** A Job created as `sa` of `ns`, server-side dry run: admission (Pod Security warns, the policy decides). */
    const create = (ns: string, sa: string, name: string, pod: Pod, labels: Record<string, string> = {}) => {
      const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace: ns }, spec: { backoffLimit: 0, template: { metadata: { labels }, spec: { restartPolicy: "Never", ...pod } } } };
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(job));
      return kubectl(["create", "--dry-run=server", "-f", file, "--as", `system:serviceaccount:${ns}:${sa}`], { allowFail: true });
    };
    const refused = (r: { code: number; out: string }, why: RegExp) => {
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/ValidatingAdmissionPolicy '.*-executor-jobs' with binding '.*-executor-jobs' denied request/);
      expect(r.out).toMatch(why);
    };
    const checked: string[] = [];
    if (namespaces.some((n) => n.metadata.name === "llmctl")) {
      const studio = (name: string, pod: Pod, labels?: Record<string, string>) => create("llmctl", "llmctl-studio", name, pod, labels);
      const good = { serviceAccountName: "llmctl-executor", containers: [container()] };
      expect(studio("e2e-executor-good", good).out).toMatch(/created \(server dry run\)/);
      refused(studio("e2e-executor-default-sa", { containers: [container()] }), /run as the ServiceAccount llmctl-executor/);
      refused(studio("e2e-executor-as-backend", good, { "app.kubernetes.io/name": "llmctl-studio-backend" }), /may not carry a platform workload's name/);
      refused(studio("e2e-executor-backup-label", good, { "llm-platform/backup": "true" }), /may not carry llm-platform\/ labels/);
      refused(studio("e2e-executor-db-secret", { ...good, volumes: [{ name: "s", secret: { secretName: "llmctl-studio-secrets" } }] }), /mount only these Secrets: llmctl-mcp-secrets/);
      refused(studio("e2e-executor-env-secret", { ...good, containers: [container({ envFrom: [{ secretRef: { name: "llmctl-studio-secrets" } }] })] }), /read only these Secrets in env/);
      refused(studio("e2e-executor-hostpath", { ...good, volumes: [{ name: "h", hostPath: { path: "/etc" } }] }), /mount no node path/);
      refused(studio("e2e-executor-token", { ...good, automountServiceAccountToken: true }), /do not mount an API token/);
      // Not the studio: the platform's own Jobs (here the operator) are not matched.
      checked.push("llmctl: 1 admitted, 7 refused");
    }
    if (namespaces.some((n) => n.metadata.name === "llm-executor")) {
      const heavy = (name: string, pod: Pod, labels?: Record<string, string>) => create("llm-executor", "executor-service", name, pod, labels);
      const good = { automountServiceAccountToken: false, securityContext: podSecurity, containers: [container(restricted)] };
      expect(heavy("e2e-heavy-good", good).out).toMatch(/created \(server dry run\)/);
      refused(heavy("e2e-heavy-root", { ...good, containers: [container({ securityContext: { ...restricted.securityContext, runAsUser: 0 } })] }), /not privileged or root/);
      refused(heavy("e2e-heavy-no-seccomp", { ...good, securityContext: { runAsNonRoot: true } }), /RuntimeDefault seccomp profile/);
      refused(heavy("e2e-heavy-secret", { ...good, containers: [container({ ...restricted, env: [{ name: "K", valueFrom: { secretKeyRef: { name: "llm-executor-secrets", key: "x" } } }] })] }), /read only these Secrets in env: none/);
      refused(heavy("e2e-heavy-as-service", { ...good, serviceAccountName: "executor-service" }), /run as the ServiceAccount default/);
      refused(heavy("e2e-heavy-as-llm", good, { app: "llm-service" }), /may not carry a platform workload's name/);
      checked.push("llm-executor: 1 admitted, 5 refused");
    }
    expect(checked.length).toBeGreaterThan(0);
    log(`${stack}: admission of controller-created Jobs: ${checked.join("; ")}`);
  });

  test("HPA-owned Deployments (no replicas field) are scaled to the HPA minimum by the controller", () => {
    const hpas = rest.filter((m) => m.kind === "HorizontalPodAutoscaler");
    if (stack === "prod") expect(hpas.length).toBeGreaterThan(0);
    for (const hpa of hpas) {
      const spec = hpa.spec as { minReplicas: number; scaleTargetRef: { name: string } };
      kubectl(["-n", String(hpa.metadata.namespace), "wait", `--for=jsonpath={.status.readyReplicas}=${spec.minReplicas}`, `deployment/${spec.scaleTargetRef.name}`, `--timeout=${WAIT}`]);
    }
    log(`${stack}: ${hpas.length} HPAs scaled their Deployments to minReplicas`);
  });

  test("a second apply changes nothing (kubectl diff is empty)", () => {
    const r = kubectl(["diff", "--server-side", "-f", restFile], { allowFail: true });
    if (r.code !== 0) log(r.out.slice(0, 4000));
    expect(r.code).toBe(0);
  });

  test("context engine: removing one repository from the stack file removes exactly its watcher; the rest is unchanged", async () => {
    const key = "contextEngineRepositories";
    const listed = JSON.parse(stackFileConfig(stack)[`${PROJECT}:${key}`] ?? "[]") as string[];
    expect(listed.length).toBeGreaterThanOrEqual(3);
    const watchers = (ms: Manifest[]) => ms.filter((m) => m.kind === "Deployment" && m.metadata.namespace === "context-engine" && String(m.metadata.name).startsWith("watcher-")).map((m) => String(m.metadata.name));
    expect(watchers(rest)).toHaveLength(listed.length);
    // The stack file minus its last repository, as an operator would edit it; Pulumi deletes what is no longer registered.
    const after = manifestSet((await renderStack(stack, { ...options, set: { ...options.set, [key]: listed.slice(0, -1) } })).resources).rest;
    const id = (m: Manifest) => `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`;
    const kept = new Set(after.map(id));
    const gone = rest.filter((m) => !kept.has(id(m)));
    expect(gone.map(id)).toEqual([`Deployment/context-engine/${watchers(rest).find((w) => !watchers(after).includes(w))}`]);
    expect(after.filter((m) => !rest.some((r) => id(r) === id(m)))).toEqual([]);
    for (const m of gone) kubectl(["-n", String(m.metadata.namespace), "delete", "deployment", String(m.metadata.name), `--timeout=${WAIT}`]);
    const afterFile = writeManifests(dir, "20-one-repository-less.yaml", after);
    const diff = kubectl(["diff", "--server-side", "-f", afterFile], { allowFail: true });
    if (diff.code !== 0) log(diff.out.slice(0, 4000));
    expect(diff.code).toBe(0);
    const onServer = (JSON.parse(kubectl(["-n", "context-engine", "get", "deployments", "-o", "json"]).out) as { items: Array<{ metadata: { name: string }; status: { readyReplicas?: number } }> }).items.filter((d) => d.metadata.name.startsWith("watcher-"));
    expect(onServer.map((d) => d.metadata.name).sort()).toEqual(watchers(after).sort());
    for (const d of onServer) expect({ name: d.metadata.name, ready: d.status.readyReplicas }).toEqual({ name: d.metadata.name, ready: 1 });
    // The seed's log command (`kubectl logs -l app=watcher`) still finds one pod per remaining watcher once the removed one has terminated.
    kubectl(["-n", "context-engine", "wait", "--for=delete", "pod", "-l", `app.kubernetes.io/name=${gone[0].metadata.name}`, `--timeout=${WAIT}`], { allowFail: true });
    expect(kubectl(["-n", "context-engine", "get", "pods", "-l", "app=watcher", "-o", "name"]).out.trim().split("\n")).toHaveLength(onServer.length);
    log(`${stack}: removed ${gone.map(id).join(", ")}; ${onServer.length} watchers left, all ready; re-apply diff empty`);
  });

  test("delete leaves nothing behind", () => {
    for (const ns of namespaces) kubectl(["delete", "namespace", String(ns.metadata.name), `--timeout=${WAIT}`]);
    for (const m of clusterScoped) kubectl(["delete", m.kind, String(m.metadata.name), "--ignore-not-found"]);
    for (const ns of namespaces) {
      expect(kubectl(["get", "namespace", String(ns.metadata.name)], { allowFail: true }).out).toMatch(/NotFound/);
    }
    const pvs = JSON.parse(kubectl(["get", "pv", "-o", "json"]).out) as { items: Array<{ spec: { claimRef?: { namespace: string } } }> };
    expect(pvs.items.filter((pv) => namespaces.some((n) => n.metadata.name === pv.spec.claimRef?.namespace))).toEqual([]);
  });
});

describe("the add-ons' API table matches the CRDs their charts ship", () => {
  // The CRD files the toolchain takes from the projects' Go modules, by directory, and the supplier that declares them.
  const SUPPLIERS: Record<string, ApiSupplier> = { "gateway-api": ENVOY_GATEWAY_APIS, "envoy-gateway": ENVOY_GATEWAY_APIS, "cert-manager": CERT_MANAGER_APIS, "prometheus-operator": MONITORING_APIS };
  test("every kind in the chart CRD files is one its add-on declares (components/addons/apis.ts)", () => {
    if (!CRD_DIR || !fs.existsSync(CRD_DIR)) throw new Error(`E2E_CRD_DIR (${CRD_DIR ?? "unset"}) is missing: run tests/e2e/toolchain.sh`);
    let checked = 0;
    for (const [dir, supplier] of Object.entries(SUPPLIERS)) {
      for (const file of fs.readdirSync(path.join(CRD_DIR, dir)).filter((f) => f.endsWith(".yaml"))) {
        for (const doc of yaml.loadAll(fs.readFileSync(path.join(CRD_DIR, dir, file), "utf8")) as Array<{ kind?: string; spec?: { group: string; names: { kind: string } } }>) {
          if (doc?.kind !== "CustomResourceDefinition" || !doc.spec) continue;
          const kind = `${doc.spec.group}/${doc.spec.names.kind}`;
          // The experimental channel's x-k8s.io kinds come along with the bundle; nothing of ours uses them.
          if (doc.spec.group.endsWith(".x-k8s.io")) continue;
          expect([dir, kind, covers(supplier.crds, kind)]).toEqual([dir, kind, true]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
