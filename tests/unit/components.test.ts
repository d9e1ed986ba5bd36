import * as pulumi from "@pulumi/pulumi";
import type { GpuConfig } from "../../components/platform/gpu";
import { ExecutorPlumbing, EXECUTOR_MANAGER_RULES } from "../../components/platform/executor";
import { GeneratedSecret } from "../../components/platform/generatedSecret";
import * as crypto from "crypto";
import { EdgeRoutes } from "../../components/platform/edge/edgeRoutes";
import type { RouteGroup } from "../../components/platform/edge/routes";
import { clusterApis, exposureOf } from "../helpers/edge";
import { Namespace } from "../../components/platform/namespace";
import { postgres } from "../../components/workloads/datastores";
import { StatefulService } from "../../components/workloads/statefulService";
import { WebService } from "../../components/workloads/webService";
import { at, byName, containersOf, isSecretValue, k8sName, ofType, podSpecOf, renderComponents, type JsonObject } from "../helpers/harness";

const base = { namespace: "team", instance: "suite", profile: "small" as const };
const gpuOff: GpuConfig = { enabled: false, limit: 0, resourceName: "nvidia.com/gpu", nodeSelector: {}, tolerations: [], manageRuntimeClass: false };

const WEB: RouteGroup = {
  name: "web",
  instance: "suite",
  namespace: "team",
  host: "llm.example.com",
  auth: { kind: "edge" },
  routes: [
    { name: "ui", path: "/", service: "ui", port: 8080 },
    { name: "mcp-github", path: "/mcp/github", service: "gh", port: 8000, rewriteTo: "/mcp/" },
  ],
};

describe("WebService", () => {
  test("the Service selects exactly the Deployment's matchLabels, and the pod template carries them", async () => {
    const res = await renderComponents(() => {
      new WebService("api", { ...base, port: { port: 5155, nodePort: 30155 }, container: { image: "api:1", size: "small" } });
    });
    const dep = byName(res, "apps/v1:Deployment", "api");
    const svc = byName(res, "core/v1:Service", "api");
    const match = at(dep.inputs, "spec.selector.matchLabels") as JsonObject;
    expect(match).toEqual({ "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "suite" });
    expect(at(svc.inputs, "spec.selector")).toEqual(match);
    expect(at(dep.inputs, "spec.template.metadata.labels")).toMatchObject(match);
    expect(at(svc.inputs, "spec.type")).toBe("NodePort");
    expect(at(svc.inputs, "spec.ports.0")).toMatchObject({ port: 5155, targetPort: "http", nodePort: 30155 });
    expect(containersOf(dep)[0].ports).toEqual([{ name: "http", containerPort: 5155 }]);
    expect(at(dep.inputs, "spec.replicas")).toBe(1);
  });

  test("pods are secure by default and sized by the profile", async () => {
    const res = await renderComponents(() => {
      new WebService("api", { ...base, port: { port: 80 }, container: { image: "api:1", size: "small" } });
    });
    const dep = byName(res, "apps/v1:Deployment", "api");
    const pod = podSpecOf(dep);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = containersOf(dep)[0];
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(c.resources).toEqual({ requests: { cpu: "25m", memory: "64Mi", "ephemeral-storage": "64Mi" }, limits: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "1Gi" } });
  });

  test("with an HPA the Deployment leaves replicas to it; a PDB guards 2+ replicas", async () => {
    const res = await renderComponents(() => {
      new WebService("api", { ...base, port: { port: 80 }, replicas: 2, maxReplicas: 5, podDisruptionBudget: true, container: { image: "api:1", size: "small" } });
    });
    const dep = byName(res, "apps/v1:Deployment", "api");
    expect(at(dep.inputs, "spec.replicas")).toBeUndefined();
    const hpa = byName(res, "autoscaling/v2:HorizontalPodAutoscaler", "api");
    expect(at(hpa.inputs, "spec")).toMatchObject({ minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: "Deployment", name: "api" } });
    const pdb = byName(res, "policy/v1:PodDisruptionBudget", "api");
    expect(at(pdb.inputs, "spec.selector.matchLabels")).toEqual(at(dep.inputs, "spec.selector.matchLabels"));
  });

  test("a worker has no Service; a singleton uses Recreate; checksums become pod annotations", async () => {
    const res = await renderComponents(() => {
      new WebService("beat", { ...base, strategy: "Recreate", checksums: { config: "abc" }, container: { image: "w:1", size: "small" } });
    });
    expect(ofType(res, "core/v1:Service")).toHaveLength(0);
    const dep = byName(res, "apps/v1:Deployment", "beat");
    expect(at(dep.inputs, "spec.strategy")).toEqual({ type: "Recreate" });
    expect(at(dep.inputs, "spec.template.metadata.annotations")).toEqual({ "checksum/config": "abc" });
  });

  test("invalid args are rejected with the component and field named", () => {
    expect(() => new WebService("x", { ...base, replicas: 3, maxReplicas: 2, container: { image: "i", size: "small" } })).toThrow(/WebService x: maxReplicas \(2\)/);
    expect(() => new WebService("y", { ...base, strategy: "Recreate", maxReplicas: 3, container: { image: "i", size: "small" } })).toThrow(/WebService y: a Recreate singleton cannot be autoscaled/);
  });
});

describe("StatefulService", () => {
  const storage = { size: "5Gi", storageClass: "fast", mountPath: "/data" };
  test("persistence: headless governing Service, ClusterIP Service under the stable name, PVC template", async () => {
    const res = await renderComponents(() => {
      new StatefulService("db", { ...base, port: { port: 6379 }, storage: { ...storage, persistence: true }, container: { image: "db:1", size: "small" } });
    });
    const sts = byName(res, "apps/v1:StatefulSet", "db");
    expect(at(sts.inputs, "spec.serviceName")).toBe("db-headless");
    expect(at(byName(res, "core/v1:Service", "db-headless").inputs, "spec.clusterIP")).toBe("None");
    expect(at(byName(res, "core/v1:Service", "db").inputs, "spec.selector")).toEqual(at(sts.inputs, "spec.selector.matchLabels"));
    expect(at(sts.inputs, "spec.volumeClaimTemplates.0.spec")).toEqual({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "fast",
      resources: { requests: { storage: "5Gi" } },
    });
    expect(containersOf(sts)[0].volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
  });

  test("without persistence the data volume is an emptyDir", async () => {
    const res = await renderComponents(() => {
      new StatefulService("db", { ...base, port: { port: 6379 }, storage: { ...storage, persistence: false }, container: { image: "db:1", size: "small" } });
    });
    const sts = byName(res, "apps/v1:StatefulSet", "db");
    expect(at(sts.inputs, "spec.volumeClaimTemplates")).toBeUndefined();
    expect(podSpecOf(sts).volumes).toEqual([{ name: "data", emptyDir: { sizeLimit: "5Gi" } }]);
  });

  test("postgres reads its password from a file of the Secret, runs as the image's UID and probes with pg_isready", async () => {
    const res = await renderComponents(() => {
      postgres("pg", { ...base, image: "postgres:16", storage: { persistence: true, size: "1Gi" }, database: "app", user: "app", passwordSecret: { name: "app-secrets", key: "PW" } }, {});
    });
    const sts = byName(res, "apps/v1:StatefulSet", "pg");
    const c = containersOf(sts)[0];
    const env = Object.fromEntries((c.env as JsonObject[]).map((e) => [e.name, e]));
    expect(env.POSTGRES_PASSWORD).toBeUndefined();
    expect(env.POSTGRES_PASSWORD_FILE).toEqual({ name: "POSTGRES_PASSWORD_FILE", value: "/etc/postgres-password/password" });
    expect(at(c, "volumeMounts")).toEqual(expect.arrayContaining([{ name: "password", mountPath: "/etc/postgres-password", readOnly: true }]));
    expect(env.PGDATA).toMatchObject({ value: "/var/lib/postgresql/data/pgdata" });
    expect(podSpecOf(sts).securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999 });
    expect(at(c, "readinessProbe.exec.command")).toEqual(["pg_isready", "-h", "127.0.0.1", "-U", "app", "-d", "app"]);
    expect(() => postgres("bad", { ...base, image: "p", storage: { persistence: false, size: "1Gi" }, database: "App-DB", user: "u", passwordSecret: { name: "s", key: "k" } }, {})).toThrow(/Postgres bad: database/);
  });
});

describe("platform", () => {
  test("Namespace: restricted Pod Security by default, deny everything both ways except DNS", async () => {
    const res = await renderComponents(() => {
      new Namespace("ns", { name: "team", instance: "suite" });
    });
    const ns = byName(res, "core/v1:Namespace", "team");
    expect(at(ns.inputs, "metadata.labels")).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" });
    const np = byName(res, "networking.k8s.io/v1:NetworkPolicy", "default-deny");
    expect(at(np.inputs, "spec")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(at(byName(res, "networking.k8s.io/v1:NetworkPolicy", "allow-dns").inputs, "spec.egress.0.ports")).toEqual([{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }]);
    expect(ofType(res, "networking.k8s.io/v1:NetworkPolicy").map(k8sName).sort()).toEqual(["allow-dns", "default-deny"]);
    expect(() => new Namespace("weak", { name: "w", instance: "s", enforce: "privileged" })).toThrow(/needs an enforceReason/);
  });

  test("GeneratedSecret: random values, Secret data is a Pulumi secret end to end, extras included", async () => {
    let gs: GeneratedSecret | undefined;
    const res = await renderComponents(() => {
      gs = new GeneratedSecret("app", { namespace: "team", secretName: "app-secrets", instance: "suite", generate: { DB_PASSWORD: {} }, extra: { URL: "https://x", SKIP: undefined } });
    });
    const pw = res.find((r) => r.type === "random:index/randomPassword:RandomPassword")!;
    expect(pw.inputs).toMatchObject({ length: 32, special: false });
    const secret = byName(res, "core/v1:Secret", "app-secrets");
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect(secret.inputs.stringData).toEqual({ DB_PASSWORD: `generated-${pw.name}`, URL: "https://x" });
    expect(await pulumi.isSecret(gs!.values.DB_PASSWORD)).toBe(true);
    expect(await pulumi.isSecret(gs!.checksum)).toBe(false);
    expect(() => new GeneratedSecret("short", { namespace: "n", secretName: "s", instance: "i", generate: { K: { length: 8 } } })).toThrow(/length must be at least 16/);
  });

  test("ExecutorPlumbing: namespaced Role only, bound to the controller; token-less executor account", async () => {
    const res = await renderComponents(() => {
      new ExecutorPlumbing("exec", { namespace: "team", instance: "suite", controllerServiceAccount: "ctl", executorServiceAccount: "runner", gpu: gpuOff, imagePullSecrets: ["regcred"] });
    });
    expect(ofType(res, "rbac.authorization.k8s.io/v1:ClusterRole")).toHaveLength(0);
    expect(ofType(res, "rbac.authorization.k8s.io/v1:ClusterRoleBinding")).toHaveLength(0);
    const role = byName(res, "rbac.authorization.k8s.io/v1:Role", "exec-manager");
    expect(role.inputs.rules).toEqual(EXECUTOR_MANAGER_RULES);
    const jobs = (role.inputs.rules as JsonObject[]).find((r) => (r.resources as string[]).includes("jobs"))!;
    expect(jobs.verbs).toEqual(expect.arrayContaining(["create", "watch", "delete"]));
    const binding = byName(res, "rbac.authorization.k8s.io/v1:RoleBinding", "exec-manager");
    expect(binding.inputs.subjects).toEqual([{ kind: "ServiceAccount", name: "ctl", namespace: "team" }]);
    expect(binding.inputs.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "exec-manager" });
    const runner = byName(res, "core/v1:ServiceAccount", "runner");
    expect(runner.inputs).toMatchObject({ automountServiceAccountToken: false, imagePullSecrets: [{ name: "regcred" }] });
    expect(ofType(res, "node.k8s.io/v1:RuntimeClass")).toHaveLength(0);
  });

  test("ExecutorPlumbing with GPUs: placement and an optional managed RuntimeClass", async () => {
    const gpu: GpuConfig = {
      enabled: true,
      limit: 2,
      resourceName: "nvidia.com/gpu",
      nodeSelector: { "nvidia.com/gpu.present": "true" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      runtimeClassName: "nvidia",
      manageRuntimeClass: true,
    };
    let plumbing: ExecutorPlumbing | undefined;
    const res = await renderComponents(() => {
      plumbing = new ExecutorPlumbing("exec", { namespace: "team", instance: "suite", controllerServiceAccount: "ctl", executorServiceAccount: "runner", gpu, imagePullSecrets: [] });
    });
    expect(plumbing!.placement).toEqual({
      nodeSelector: { "nvidia.com/gpu.present": "true" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      runtimeClassName: "nvidia",
      limits: { "nvidia.com/gpu": "2" },
    });
    const rc = byName(res, "node.k8s.io/v1:RuntimeClass", "nvidia");
    expect(rc.inputs).toMatchObject({ handler: "nvidia", scheduling: { nodeSelector: { "nvidia.com/gpu.present": "true" } } });
  });

  test("EdgeRoutes under ingress (nginx): plain routes share an Ingress that owns the TLS Secret; rewrites get their own", async () => {
    const res = await renderComponents(() => {
      new EdgeRoutes("web", { group: WEB, namespace: "team", edge: { exposure: exposureOf("ingress"), source: { anywhere: true }, apis: clusterApis() } });
    });
    const main = byName(res, "networking.k8s.io/v1:Ingress", "web");
    expect(at(main.inputs, "spec.ingressClassName")).toBe("nginx");
    expect(at(main.inputs, "spec.tls")).toEqual([{ hosts: ["llm.example.com"], secretName: "llm-example-com-tls" }]);
    expect(at(main.inputs, "metadata.annotations")).toEqual({ "cert-manager.io/cluster-issuer": "llm-platform" });
    const gh = byName(res, "networking.k8s.io/v1:Ingress", "web-mcp-github");
    // Same Secret, no second owner.
    expect(at(gh.inputs, "spec.tls")).toEqual([{ hosts: ["llm.example.com"], secretName: "llm-example-com-tls" }]);
    expect((gh.inputs.metadata as JsonObject).annotations).toEqual({ "nginx.ingress.kubernetes.io/use-regex": "true", "nginx.ingress.kubernetes.io/rewrite-target": "/mcp/$2" });
    expect(at(gh.inputs, "spec.rules.0.http.paths.0")).toEqual({ path: "/mcp/github(/|$)(.*)", pathType: "ImplementationSpecific", backend: { service: { name: "gh", port: { number: 8000 } } } });
    expect(ofType(res, "apiextensions.k8s.io/v1:CustomResource")).toEqual([]);
  });

  test("EdgeRoutes under gateway with basic auth: HTTPRoute on the host's listener, htpasswd Secret, SecurityPolicy", async () => {
    const password = "correct horse battery staple";
    const res = await renderComponents(() => {
      new EdgeRoutes("web", { group: WEB, namespace: "team", edge: { exposure: exposureOf("gateway"), basicAuthPassword: pulumi.secret(password), source: { anywhere: true }, apis: clusterApis() } });
    });
    const route = res.find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
    expect(route && at(route.inputs, "spec.parentRefs")).toEqual([
      { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "llm-platform-edge", name: "llm-platform", sectionName: "https-llm-example-com" },
    ]);
    const secret = byName(res, "core/v1:Secret", "web-basic-auth");
    const sha = crypto.createHash("sha1").update(password).digest("base64");
    expect(at(secret.inputs, "stringData")).toEqual({ ".htpasswd": `llm-platform:{SHA}${sha}` });
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    const policy = res.find((r) => r.type === "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy");
    expect(policy && at(policy.inputs, "spec")).toEqual({ targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "web" }], basicAuth: { users: { name: "web-basic-auth" } } });
  });

  test("EdgeRoutes under nodePort and clusterIP renders nothing; a path routed twice is rejected", async () => {
    for (const mode of ["nodePort", "clusterIP"] as const) {
      const res = await renderComponents(() => {
        new EdgeRoutes("web", { group: WEB, namespace: "team", edge: { exposure: exposureOf(mode), source: { anywhere: true }, apis: clusterApis() } });
      });
      expect(res.filter((r) => r.type.startsWith("kubernetes:"))).toEqual([]);
    }
    const dup = { ...WEB, routes: [WEB.routes[0], { ...WEB.routes[0], name: "again" }] };
    expect(() => new EdgeRoutes("dup", { group: dup, namespace: "n", edge: { exposure: exposureOf("ingress"), source: { anywhere: true }, apis: clusterApis() } })).toThrow(/path \/ is routed twice/);
  });
});
