import { HARBOR_GENERATED } from "../../components/addons/harbor";
import { HARBOR_DB_IMAGE } from "../../components/addons/harbor/backups";
import { PLATFORM_IMAGES } from "../../components/lib/images";
import { LLMCTL_IMAGES, LLMCTL_THIRD_PARTY_IMAGES } from "../../components/suites/llmctl/images";
import { LLM_STACK_THIRD_PARTY } from "../../components/suites/llmStack/images";
import { CONTEXT_ENGINE_THIRD_PARTY } from "../../components/suites/contextEngine/images";
import { MLOPS_THIRD_PARTY } from "../../components/suites/mlops/images";
import {
  at,
  byName,
  containersOf,
  isSecretValue,
  k8sName,
  ofType,
  podSpecOf,
  renderStack,
  studioOnly,
  unwrapSecrets,
  WORKLOAD_KINDS,
  type Json,
  type JsonObject,
  type Recorded,
  type StackName,
} from "../helpers/harness";

const CHART = "kubernetes:helm.sh/v4:Chart";
const charts = (res: Recorded[]) => res.filter((r) => r.type === CHART);
const chart = (res: Recorded[], chartName: string) => {
  const found = charts(res).filter((r) => r.inputs.chart === chartName);
  if (found.length !== 1) throw new Error(`expected one ${chartName} chart, found ${found.length}`);
  return found[0];
};
const values = (c: Recorded) => c.inputs.values as JsonObject;
const passwords = (res: Recorded[]) => res.filter((r) => r.type === "random:index/randomPassword:RandomPassword");

describe.each<StackName>(["dev", "prod"])("Harbor and pgAdmin on %s", (stack) => {
  let res: Recorded[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, outputs } = await renderStack(stack));
  });

  test("charts: name, version, repository, namespace", () => {
    const harbor = chart(res, "harbor");
    expect(harbor.inputs).toMatchObject({ name: "harbor", version: "1.18.2", repositoryOpts: { repo: "https://helm.goharbor.io" }, namespace: "llmctl-harbor" });
    const pgadmin = chart(res, "pgadmin4");
    expect(pgadmin.inputs).toMatchObject({ name: "llmctl-pgadmin", version: "1.59.0", repositoryOpts: { repo: "https://helm.runix.net" }, namespace: "llmctl-pgadmin" });
    const prodOnly = stack === "prod" ? ["cert-manager", "envoy-gateway-system", "gpu-operator", "kserve", "llm-platform-edge", "monitoring"] : [];
    expect(ofType(res, "core/v1:Namespace").map(k8sName).sort()).toEqual([...prodOnly, "context-engine", "llm-executor", "llm-stack", "llmctl", "llmctl-harbor", "llmctl-pgadmin", "mlops"].sort());
  });

  test("exposure: dev NodePorts 30082/30156 over HTTP; prod ingress hosts with TLS", () => {
    const h = values(chart(res, "harbor"));
    const p = values(chart(res, "pgadmin4"));
    if (stack === "dev") {
      expect(h.expose).toEqual({ type: "nodePort", tls: { enabled: false }, nodePort: { name: "harbor", ports: { http: { port: 80, nodePort: 30082 } } } });
      expect(p.service).toMatchObject({ type: "NodePort", nodePort: 30156, targetPort: 8080 });
      expect(h.externalURL).toBe("http://harbor.llmctl-harbor.svc.cluster.local");
    } else {
      // Behind the platform Gateway: Harbor's nginx as a ClusterIP, TLS terminated at the edge, one route each.
      expect(h.expose).toEqual({ type: "clusterIP", tls: { enabled: false }, clusterIP: { name: "harbor", ports: { httpPort: 80 } } });
      expect(h.externalURL).toBe("https://harbor.example.com");
      expect(p.ingress).toEqual({ enabled: false });
      expect(p.service).toMatchObject({ type: "ClusterIP", port: 80 });
      const routes = res.filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
      const byHost = Object.fromEntries(routes.map((r) => [(at(r.inputs, "spec.hostnames") as string[])[0], [at(r.inputs, "metadata.namespace"), at(r.inputs, "spec.rules.0.backendRefs.0")]]));
      expect(byHost["harbor.example.com"]).toEqual(["llmctl-harbor", { name: "harbor", port: 80 }]);
      expect(byHost["pgadmin.example.com"]).toEqual(["llmctl-pgadmin", { name: "llmctl-pgadmin", port: 80 }]);
      // Registry pushes: no request timeout at the edge; both apps log their users in themselves (no edge policy).
      const harborRoute = routes.find((r) => at(r.inputs, "metadata.namespace") === "llmctl-harbor");
      expect(harborRoute && at(harborRoute.inputs, "spec.rules.0.timeouts")).toEqual({ request: "0s" });
      const policies = res.filter((r) => r.type === "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy").map((r) => at(r.inputs, "metadata.namespace"));
      expect(policies).not.toContain("llmctl-harbor");
      expect(policies).not.toContain("llmctl-pgadmin");
    }
  });

  test("every value Harbor's chart would randomize is pinned from generated, state-kept secrets", () => {
    const h = values(chart(res, "harbor"));
    expect(h).toMatchObject({
      existingSecretAdminPassword: "harbor-credentials",
      existingSecretAdminPasswordKey: "HARBOR_ADMIN_PASSWORD",
      existingSecretSecretKey: "harbor-credentials",
      core: { secretName: "harbor-token", existingSecret: "harbor-credentials", existingXsrfSecret: "harbor-credentials", existingXsrfSecretKey: "CSRF_KEY" },
      jobservice: { existingSecret: "harbor-credentials", existingSecretKey: "JOBSERVICE_SECRET" },
      registry: { existingSecret: "harbor-credentials", existingSecretKey: "REGISTRY_HTTP_SECRET", credentials: { username: "harbor_registry_user", existingSecret: "harbor-registry-credentials" } },
      internalTLS: { enabled: false },
      enableMigrateHelmHook: false,
    });
    // Generated with the lengths the chart requires, and stored as a Pulumi secret.
    const creds = byName(res, "core/v1:Secret", "harbor-credentials");
    expect(isSecretValue(creds.raw.stringData)).toBe(true);
    expect(Object.keys(creds.inputs.stringData as JsonObject).sort()).toEqual(Object.keys(HARBOR_GENERATED).sort());
    for (const [key, spec] of Object.entries(HARBOR_GENERATED)) {
      const pw = passwords(res).find((p) => p.name === `llmctl-harbor-credentials-${key.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`);
      expect({ key, length: pw?.inputs.length }).toEqual({ key, length: spec.length });
    }
    // htpasswd from the stable bcrypt hash, not the chart's per-render htpasswd.
    const reg = byName(res, "core/v1:Secret", "harbor-registry-credentials");
    expect(isSecretValue(reg.raw.stringData)).toBe(true);
    expect((reg.inputs.stringData as JsonObject).REGISTRY_HTPASSWD).toMatch(/^harbor_registry_user:/);
    // The token CA comes from a key pair generated once and kept in state, as a TLS Secret.
    expect(res.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic")).map((r) => r.inputs.commonName)).toEqual(["harbor-token-ca"]);
    const token = byName(res, "core/v1:Secret", "harbor-token");
    expect(token.inputs.type).toBe("kubernetes.io/tls");
    expect(isSecretValue(token.raw.stringData)).toBe(true);
    // The internal database password is generated and never in the values (they stay known at preview): core reads
    // it from harbor-database-password, and a transform puts it into the chart's database Secret (tests/unit/preview.test.ts).
    expect(at(h, "database")).toMatchObject({ type: "internal", internal: { password: "" }, external: { existingSecret: "harbor-database-password" } });
    const dbSecret = byName(res, "core/v1:Secret", "harbor-database-password");
    expect(dbSecret.inputs.stringData).toEqual({ password: "generated-llmctl-harbor-credentials-database-password" });
    expect(isSecretValue(dbSecret.raw.stringData)).toBe(true);
    expect(JSON.stringify(chart(res, "harbor").raw.values)).not.toContain("generated-");
  });

  test("no well-known default credential anywhere", () => {
    const text = JSON.stringify(res.map((r) => unwrapSecrets(r.raw as Json)));
    for (const known of ["Harbor12345", "changeit", "not-a-secure-key", "harbor_registry_password", "SuperSecret"]) expect(text).not.toContain(known);
  });

  test("pgAdmin: generated login, and a server definition using the studio's own generated Postgres password", () => {
    const p = values(chart(res, "pgadmin4"));
    expect(p).toMatchObject({ existingSecret: "llmctl-pgadmin-credentials", secretKeys: { pgadminPasswordKey: "password" }, fullnameOverride: "llmctl-pgadmin" });
    expect(at(p, "serverDefinitions.servers.llmctl")).toEqual({
      Name: "llmctl",
      Group: "Servers",
      Host: "llmctl-postgres.llmctl.svc.cluster.local",
      Port: 5432,
      MaintenanceDB: "llmctl",
      Username: "llmctl",
      ConnectionParameters: { sslmode: "prefer", connect_timeout: 10, passfile: "/pgpass/pgpass" },
    });
    const studioPw = passwords(res).filter((r) => r.name.startsWith("llmctl-studio-secrets") && r.name.includes("postgres-password"));
    expect(studioPw).toHaveLength(1); // one generated value ...
    const creds = byName(res, "core/v1:Secret", "llmctl-pgadmin-credentials");
    expect(isSecretValue(creds.raw.stringData)).toBe(true);
    // ... two consumers: Postgres (via llmctl-studio-secrets) and pgAdmin's pgpass.
    expect((creds.inputs.stringData as JsonObject).pgpass).toBe(`llmctl-postgres.llmctl.svc.cluster.local:5432:*:llmctl:generated-${studioPw[0].name}\n`);
    expect((byName(res, "core/v1:Secret", "llmctl-studio-secrets").inputs.stringData as JsonObject).LLMCTL_POSTGRES_PASSWORD).toBe(`generated-${studioPw[0].name}`);
    // The pgpass file is installed with mode 0600 (libpq ignores group-readable files).
    expect(String(p.extraInitContainers)).toContain("chmod 0600 /pgpass/pgpass");
    expect(at(p, "env.pgpassfile")).toBe("/pgpass/pgpass");
    // The flow the wiring declares: pgAdmin's pod -> the studio's Postgres on 5432, both sides.
    const policies = ofType(res, "networking.k8s.io/v1:NetworkPolicy").filter((n) => k8sName(n).startsWith("llmctl-pgadmin-to-llmctl-postgres"));
    const side = (suffix: string) => policies.find((n) => k8sName(n).endsWith(suffix));
    expect(at(side("-ingress")?.inputs ?? {}, "metadata.namespace")).toBe("llmctl");
    expect(at(side("-ingress")?.inputs ?? {}, "spec.ingress.0")).toEqual({
      ports: [{ port: 5432, protocol: "TCP" }],
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "llmctl-pgadmin" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "pgadmin4", "app.kubernetes.io/instance": "llmctl-pgadmin" } } }],
    });
    expect(at(side("-egress")?.inputs ?? {}, "metadata.namespace")).toBe("llmctl-pgadmin");
  });

  test("outputs: URLs and admin usernames in clear, passwords as secret outputs", () => {
    const llmctl = outputs.llmctl as JsonObject;
    expect(at(llmctl, "harbor.adminUsername")).toBe("admin");
    expect(isSecretValue(at(llmctl, "harbor.adminPassword"))).toBe(true);
    expect(isSecretValue(at(llmctl, "pgadmin.password"))).toBe(true);
    expect(at(llmctl, "pgadmin.url")).toBe(stack === "dev" ? "http://<node-ip>:30156/" : "https://pgadmin.example.com/");
  });
});

describe("registry wiring", () => {
  test("useHarborRegistry rewrites every built image (llmctl's, the LLM stack's, the code executor's) to <harbor>/<project> and nothing else", async () => {
    const { resources } = await renderStack("dev", { set: { useHarborRegistry: true, imageTag: "v7" } });
    const prefix = "harbor.llmctl-harbor.svc.cluster.local/llmctl/";
    const images = WORKLOAD_KINDS.flatMap((k) => ofType(resources, k)).flatMap((w) => [...containersOf(w), ...containersOf(w, true)].map((c) => String(c.image)));
    const rewritten = new Set(images.filter((i) => i.startsWith(prefix)).map((i) => i.slice(prefix.length).split(":")[0]));
    const thirdParty = new Set<string>([...Object.values(LLMCTL_THIRD_PARTY_IMAGES), ...Object.values(LLM_STACK_THIRD_PARTY), ...Object.values(CONTEXT_ENGINE_THIRD_PARTY), ...Object.values(MLOPS_THIRD_PARTY), ...Object.values(PLATFORM_IMAGES.thirdParty), HARBOR_DB_IMAGE]);
    for (const image of images) expect({ image, ok: image.startsWith(prefix) || thirdParty.has(image) }).toMatchObject({ ok: true });
    // Every running llmctl image is rewritten; the executor images go through the ConfigMap.
    expect([...rewritten].sort()).toEqual([
      "context-engine",
      "executor-service",
      "llm-service",
      "llm-stack-litellm",
      "llm-stack-openwebui",
      "llm-stack-r2r",
      "llm-stack-react-client",
      "llmctl-celery-worker",
      "llmctl-mcp",
      "llmctl-studio-backend",
      "llmctl-studio-frontend",
      "mcp-chroma",
      "mcp-github",
      "mcp-google-cloud",
    ]);
    const data = byName(resources, "core/v1:ConfigMap", "llmctl-studio-config").inputs.data as Record<string, string>;
    expect(data.LLMCTL_NODE_EXECUTOR_K8S_FRONTIER_IMAGE).toBe(`${prefix}llmctl-executor-frontier:v7`);
    expect(data.LLMCTL_NODE_EXECUTOR_K8S_VLLM_IMAGE).toBe(`${prefix}llmctl-executor-vllm:v7`);
    // The seed's six, and the three MCP images the platform builds (images/mcp-*).
    expect(LLMCTL_IMAGES).toHaveLength(9);
  });

  test("useHarborRegistry generates llmctl-harbor-regcred from Harbor's admin credentials and attaches it everywhere", async () => {
    const { resources } = await studioOnly({ useHarborRegistry: true });
    const regcred = byName(resources, "core/v1:Secret", "llmctl-harbor-regcred");
    expect(regcred.inputs.type).toBe("kubernetes.io/dockerconfigjson");
    expect(isSecretValue(regcred.raw.stringData)).toBe(true);
    const config = JSON.parse(String((regcred.inputs.stringData as JsonObject)[".dockerconfigjson"])) as { auths: Record<string, { username: string; password: string; auth: string }> };
    const entry = config.auths["harbor.llmctl-harbor.svc.cluster.local"];
    expect(entry.username).toBe("admin");
    expect(entry.password).toBe("generated-llmctl-harbor-credentials-harbor-admin-password");
    expect(Buffer.from(entry.auth, "base64").toString()).toBe(`admin:${entry.password}`);
    for (const w of [...ofType(resources, "apps/v1:Deployment"), ...ofType(resources, "apps/v1:StatefulSet")].filter((x) => at(x.inputs, "metadata.namespace") === "llmctl")) {
      expect({ w: k8sName(w), secrets: podSpecOf(w).imagePullSecrets }).toEqual({ w: k8sName(w), secrets: [{ name: "llmctl-harbor-regcred" }] });
    }
    expect(byName(resources, "core/v1:ServiceAccount", "llmctl-executor").inputs.imagePullSecrets).toEqual([{ name: "llmctl-harbor-regcred" }]);
    const data = byName(resources, "core/v1:ConfigMap", "llmctl-studio-config").inputs.data as Record<string, string>;
    expect(data.LLMCTL_NODE_EXECUTOR_K8S_IMAGE_PULL_SECRETS_JSON).toBe('[{"name":"llmctl-harbor-regcred"}]');
  });

  test("an external registry with operator credentials gets llmctl-registry-regcred", async () => {
    const { resources } = await studioOnly({ harborEnabled: false, imageRegistry: "harbor.corp.example/llmctl", registryUsername: "robot$llmctl" }, { registryPassword: "robot-token" });
    const regcred = byName(resources, "core/v1:Secret", "llmctl-registry-regcred");
    const config = JSON.parse(String((regcred.inputs.stringData as JsonObject)[".dockerconfigjson"])) as { auths: Record<string, { username: string }> };
    expect(Object.keys(config.auths)).toEqual(["harbor.corp.example"]);
    expect(config.auths["harbor.corp.example"].username).toBe("robot$llmctl");
    expect(containersOf(byName(resources, "apps/v1:Deployment", "llmctl-studio-backend"))[0].image).toBe("harbor.corp.example/llmctl/llmctl-studio-backend:latest");
  });
});

describe("turning a release off", () => {
  test("harborEnabled false removes Harbor, its namespace, secrets, key pair and bootstrap Job; the rest is untouched", async () => {
    const on = await renderStack("dev");
    const off = await renderStack("dev", { set: { harborEnabled: false } });
    expect(charts(off.resources).map((c) => c.inputs.chart)).toEqual(["pgadmin4"]);
    const harborOnly = (res: Recorded[]) => res.filter((r) => at(r.inputs, "metadata.namespace") === "llmctl-harbor" || k8sName(r) === "llmctl-harbor" || r.type.startsWith("pulumi-nodejs:dynamic") || r.name.startsWith("harbor-") || r.name.includes("llmctl-harbor"));
    expect(harborOnly(on.resources).length).toBeGreaterThan(5);
    expect(harborOnly(off.resources)).toEqual([]);
    expect((off.outputs.llmctl as JsonObject).harbor).toBeUndefined();
    // Everything else is the same set of objects (the object store's side of Harbor's backup flow is Harbor's too).
    const ids = (res: Recorded[]) => res.filter((r) => !harborOnly(on.resources).includes(r) && !harborOnly([r]).length).map((r) => `${r.type} ${r.name}`).sort();
    expect(ids(off.resources)).toEqual(ids(on.resources));
  });

  test("pgadminEnabled false removes pgAdmin, its credentials and the Postgres allow rule", async () => {
    const { resources, outputs } = await studioOnly({ pgadminEnabled: false });
    expect(charts(resources).map((c) => c.inputs.chart)).toEqual(["harbor"]);
    expect(ofType(resources, "core/v1:Secret").map(k8sName)).not.toContain("llmctl-pgadmin-credentials");
    expect(ofType(resources, "networking.k8s.io/v1:NetworkPolicy").map(k8sName)).not.toContain("llmctl-postgres-allow-pgadmin");
    expect((outputs.llmctl as JsonObject).pgadmin).toBeUndefined();
  });

  test("a chart version bump changes the chart's version input under the same resource (an update, not a replacement)", async () => {
    const a = chart((await renderStack("dev")).resources, "harbor");
    const b = chart((await studioOnly({ harborChartVersion: "1.18.3" })).resources, "harbor");
    expect(a.name).toBe(b.name);
    expect([a.inputs.version, b.inputs.version]).toEqual(["1.18.2", "1.18.3"]);
  });
});
