/**
 * The mlops suite (seed mlops-base.md): the seed's names and ports, generated credentials under the seed's keys,
 * the bucket and user Job (its script runs against a real MinIO in tests/software/minioUsers.software.test.ts), PostgreSQL's MLflow
 * database, MLflow's wiring and login, the flows, sizes per profile, URLs and secret outputs, and bad input.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { POSTGRES_INIT_SCRIPT } from "../../components/suites/mlops/scripts";
import { manifestSet } from "../../scripts/lib/manifests";
import {
  at,
  byName,
  configProblems,
  containersOf,
  envOf,
  isSecretValue,
  k8sName,
  ofType,
  podSpecOf,
  renderStack,
  type JsonObject,
  type Recorded,
  type RegisteredResource,
  type RenderOptions,
  type StackName,
} from "../helpers/harness";
import { runShell } from "../helpers/s3server";

const NS = "mlops";
const SEED_BUCKETS = ["mlflow-artifacts", "models", "datasets", "experiments"];
const inNs = (res: Recorded[], kind: string) => ofType(res, kind).filter((r) => at(r.inputs, "metadata.namespace") === NS);
const policy = (res: Recorded[], ns: string, name: string) => {
  const p = ofType(res, "networking.k8s.io/v1:NetworkPolicy").find((r) => k8sName(r) === name && at(r.inputs, "metadata.namespace") === ns);
  if (!p) throw new Error(`no NetworkPolicy ${ns}/${name}`);
  return p;
};
const secretRef = (name: string, key: string) => ({ valueFrom: { secretKeyRef: { name, key } } });

describe("mlops on the dev stack (nodePort, small profile)", () => {
  let res: Recorded[];
  let registered: RegisteredResource[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, registered, outputs } = await renderStack("dev"));
  });

  test("the seed's MinIO: Deployment and Service minio (API 9000, console 9001), the console alone on a NodePort, claim minio-storage, Recreate", () => {
    const svc = byName(res, "core/v1:Service", "minio");
    expect(at(svc.inputs, "metadata.namespace")).toBe(NS);
    expect((at(svc.inputs, "spec.ports") as JsonObject[]).map((p) => [p.name, p.port, p.nodePort])).toEqual([
      ["api", 9000, undefined],
      ["console", 9001, undefined],
    ]);
    // The console alone on the nodes (a Service of its own): a NodePort Service would open the S3 API there too.
    expect(at(svc.inputs, "spec.type")).toBe("ClusterIP");
    const consoleSvc = byName(res, "core/v1:Service", "minio-console");
    expect(at(consoleSvc.inputs, "spec")).toEqual({ type: "NodePort", selector: at(svc.inputs, "spec.selector"), ports: [{ name: "console", port: 9001, targetPort: "console", nodePort: 30901 }] });
    const minio = byName(res, "apps/v1:Deployment", "minio");
    expect(at(minio.inputs, "spec.strategy.type")).toBe("Recreate");
    const c = containersOf(minio)[0];
    expect(c.args).toEqual(["server", "/data", "--console-address", ":9001"]);
    expect(envOf(c)).toMatchObject({ MINIO_ROOT_USER: secretRef("minio-credentials", "accesskey"), MINIO_ROOT_PASSWORD: secretRef("minio-credentials", "secretkey") });
    expect(podSpecOf(minio).volumes).toEqual(expect.arrayContaining([{ name: "minio-storage", persistentVolumeClaim: { claimName: "minio-storage" } }]));
    expect(at(byName(res, "core/v1:PersistentVolumeClaim", "minio-storage").inputs, "spec")).toMatchObject({ accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "10Gi" } } });
    expect([at(c, "readinessProbe.httpGet.path"), at(c, "livenessProbe.httpGet.path")]).toEqual(["/minio/health/ready", "/minio/health/live"]);
  });

  test("credentials are generated under the seed's keys, never written: minio-credentials, postgresql-credentials, mlflow-auth", () => {
    const data = (name: string) => byName(res, "core/v1:Secret", name).inputs.stringData as JsonObject;
    expect(Object.keys(data("minio-credentials")).sort()).toEqual(["accesskey", "secretkey"]);
    expect(Object.keys(data("postgresql-credentials")).sort()).toEqual(["mlflow-password", "postgres-password"]);
    expect(Object.keys(data("mlflow-auth")).sort()).toEqual(["admin-password", "admin-username", "flask-secret-key"]);
    // The whole map is a secret (encrypted in state), generated values included.
    for (const name of ["minio-credentials", "postgresql-credentials", "mlflow-auth"]) expect(isSecretValue(byName(res, "core/v1:Secret", name).raw.stringData)).toBe(true);
    const passwords = res.filter((p) => p.type === "random:index/randomPassword:RandomPassword" && /^(minio-credentials|postgresql-credentials|mlflow-auth)-/.test(p.name));
    expect(passwords.map((p) => [p.name, p.inputs.length, p.inputs.special])).toEqual(
      expect.arrayContaining([
        ["minio-credentials-accesskey", 20, false],
        ["minio-credentials-secretkey", 40, false],
        ["postgresql-credentials-mlflow-password", 32, false],
      ]),
    );
  });

  test("PostgreSQL: StatefulSet postgresql, headless postgresql + ClusterIP postgresql-external, claim postgresql-storage, settings from postgresql-config", () => {
    const services = Object.fromEntries(inNs(res, "core/v1:Service").map((s) => [k8sName(s), [at(s.inputs, "spec.clusterIP") ?? at(s.inputs, "spec.type"), at(s.inputs, "spec.ports.0.port")]]));
    expect(services).toMatchObject({ postgresql: ["None", 5432], "postgresql-external": ["ClusterIP", 5432] });
    const sts = byName(res, "apps/v1:StatefulSet", "postgresql");
    expect(at(sts.inputs, "spec.serviceName")).toBe("postgresql");
    expect(podSpecOf(sts).volumes).toEqual(expect.arrayContaining([{ name: "postgresql-storage", persistentVolumeClaim: { claimName: "postgresql-storage" } }]));
    const c = containersOf(sts)[0];
    expect(c.args).toEqual(["postgres", "-c", "max_connections=$(PG_MAX_CONNECTIONS)", "-c", "log_connections=$(PG_LOG_CONNECTIONS)"]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: "postgresql-config" } }]);
    expect(byName(res, "core/v1:ConfigMap", "postgresql-config").inputs.data).toEqual({ PG_MAX_CONNECTIONS: "100", PG_LOG_CONNECTIONS: "on" });
    expect(envOf(c)).toMatchObject({ POSTGRES_USER: { value: "postgres" }, POSTGRES_DB: { value: "mlops" } });
    expect(at(byName(res, "core/v1:PersistentVolumeClaim", "postgresql-storage").inputs, "spec.resources.requests.storage")).toBe("2Gi");
  });

  test("postgresql-init-scripts creates MLflow's user and database; the password stays in its file (psql reads it)", async () => {
    const init = byName(res, "core/v1:ConfigMap", "postgresql-init-scripts").inputs.data as JsonObject;
    expect(Object.keys(init)).toEqual(["10-mlflow.sh"]);
    // Run the script with a psql stand-in that records its argv and stdin.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-init-"));
    fs.writeFileSync(path.join(dir, "psql"), `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/argv\ncat > ${dir}/stdin\n`, { mode: 0o755 });
    const run = await runShell(String(init["10-mlflow.sh"]), { PATH: `${dir}:/usr/bin:/bin`, POSTGRES_USER: "postgres", POSTGRES_DB: "mlops" });
    expect(run.code).toBe(0);
    const argv = fs.readFileSync(path.join(dir, "argv"), "utf8");
    expect(argv.split("\n")).toEqual(expect.arrayContaining(["ON_ERROR_STOP=1", "db=mlflow", "usr=mlflow", "--username", "postgres", "--dbname", "mlops"]));
    expect(argv).not.toMatch(/pw=/);
    expect(fs.readFileSync(path.join(dir, "stdin"), "utf8").split("\n")).toEqual([
      "\\set pw `cat /etc/postgres-init/mlflow-password`",
      `CREATE USER :"usr" WITH PASSWORD :'pw';`,
      `CREATE DATABASE :"db" OWNER :"usr";`,
      "",
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(init["10-mlflow.sh"]).toBe(POSTGRES_INIT_SCRIPT);
  });

  test("MLflow: Postgres backend without a password in the URI, artifacts proxied to mlflow-artifacts, keys by reference, gated on both stores", () => {
    const mlflow = byName(res, "apps/v1:Deployment", "mlflow");
    const c = containersOf(mlflow)[0];
    expect(c.image).toBe("ghcr.io/mlflow/mlflow:v3.17.2-full");
    expect(c.command).toEqual(
      expect.arrayContaining([
        "--port=5000",
        "--backend-store-uri=postgresql+psycopg2://mlflow@postgresql-external.mlops.svc.cluster.local:5432/mlflow",
        "--artifacts-destination=s3://mlflow-artifacts",
        "--serve-artifacts",
        "--app-name=basic-auth",
      ]),
    );
    expect(envOf(c)).toMatchObject({
      PGPASSWORD: secretRef("postgresql-credentials", "mlflow-password"),
      MLFLOW_S3_ENDPOINT_URL: { value: "http://minio.mlops.svc.cluster.local:9000" },
      AWS_ACCESS_KEY_ID: secretRef("minio-user-mlflow", "accesskey"),
      AWS_SECRET_ACCESS_KEY: secretRef("minio-user-mlflow", "secretkey"),
      MLFLOW_AUTH_ADMIN_PASSWORD: secretRef("mlflow-auth", "admin-password"),
    });
    const hosts = String((c.command as string[]).find((a) => a.startsWith("--allowed-hosts=")));
    const allowed = hosts.split("=")[1].split(",");
    expect(allowed).toEqual(expect.arrayContaining(["mlflow.mlops.svc.cluster.local:5000", "mlflow:5000"]));
    // MLflow matches with fnmatch: the scraper's Host header is the pod's address (it got 403 on /metrics before).
    const fnmatch = (pattern: string, host: string) => new RegExp(`^${pattern.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`).test(host);
    expect(["10.244.1.7:5000", "172.17.0.4:5000", "192.168.49.2:5000"].every((h) => allowed.some((p) => fnmatch(p, h)))).toBe(true);
    expect(allowed.some((p) => fnmatch(p, "evil.example.com"))).toBe(false);
    const gate = containersOf(mlflow, true).find((i) => i.name === "wait-for-stores") as JsonObject;
    expect(JSON.stringify(gate)).toContain("postgresql-external.mlops.svc.cluster.local");
    expect(JSON.stringify(gate)).toContain("http://minio.mlops.svc.cluster.local:9000/minio/health/ready");
    expect(byName(res, "core/v1:ConfigMap", "mlflow-config").inputs.data).toMatchObject({ "basic_auth.ini": expect.stringContaining("database_uri = postgresql+psycopg2://mlflow@postgresql-external") });
    expect([at(c, "readinessProbe.httpGet.path"), at(c, "livenessProbe.httpGet.path")]).toEqual(["/health", "/health"]);
    expect(at(byName(res, "core/v1:Service", "mlflow").inputs, "spec.ports.0")).toMatchObject({ port: 5000, nodePort: 30500 });
  });

  test("minio-create-buckets: mc with the root keys as files, the seed's four buckets and every consumer's, a user per consumer; replaced (deleted first) when a bucket, policy or key changes", () => {
    const job = byName(res, "batch/v1:Job", "minio-create-buckets");
    const c = containersOf(job)[0];
    expect(c.image).toBe("quay.io/minio/mc:RELEASE.2025-03-12T17-29-24Z");
    const env = envOf(c);
    const buckets = String(env.BUCKETS.value).split(" ");
    expect(buckets.slice(0, 4)).toEqual(SEED_BUCKETS);
    expect(buckets).toEqual(expect.arrayContaining(["context-engine-snapshots", "code-executor-artifacts", "platform-backups"]));
    // No key in the env: the root keys are files of minio-credentials, each user's files of its own Secret.
    expect(Object.values(env).some((v) => JSON.stringify(v).includes("secretKeyRef"))).toBe(false);
    const volumes = podSpecOf(job).volumes as JsonObject[];
    expect(volumes.find((v) => v.name === "root")).toMatchObject({ secret: { secretName: "minio-credentials", items: [{ key: "accesskey", path: "accesskey" }, { key: "secretkey", path: "secretkey" }] } });
    const sources = at(volumes.find((v) => v.name === "users") as JsonObject, "projected.sources") as JsonObject[];
    const users = sources.filter((x) => x.secret).map((x) => at(x, "secret.name"));
    expect(users.sort()).toEqual(["minio-user-backups", "minio-user-code-executor", "minio-user-context-engine", "minio-user-mlflow"]);
    expect(sources.filter((x) => x.configMap).map((x) => at(x, "configMap.items.0"))).toContainEqual({ key: "mlflow.json", path: "mlflow/policy.json" });
    expect(at(job.inputs, "spec.ttlSecondsAfterFinished")).toBeUndefined();
    expect(Object.keys(at(job.inputs, "spec.template.metadata.annotations") as JsonObject).sort()).toEqual(["llm-platform/buckets", "llm-platform/policies", "llm-platform/users"]);
    expect(registered.find((r) => r.type === "kubernetes:batch/v1:Job" && r.name === "minio-create-buckets")?.deleteBeforeReplace).toBe(true);
    // Nothing waits a wave for the MinIO Deployment: the script waits for the server itself.
    expect(registered.find((r) => r.name === "minio-create-buckets")?.dependencies.some((d) => d.includes("Deployment"))).toBe(false);
  });

  test("each consumer's policy opens its own buckets and nothing else, read-only where it only reads; no consumer holds the root keys", () => {
    const data = byName(res, "core/v1:ConfigMap", "minio-policies").inputs.data as Record<string, string>;
    const statements = (user: string) => (JSON.parse(data[`${user}.json`]) as { Statement: { Action: string[]; Resource: string[] }[] }).Statement;
    expect(statements("mlflow").flatMap((st) => st.Resource)).toEqual(["arn:aws:s3:::mlflow-artifacts", "arn:aws:s3:::mlflow-artifacts/*"]);
    expect(statements("backups").flatMap((st) => st.Resource)).toEqual(["arn:aws:s3:::platform-backups", "arn:aws:s3:::platform-backups/*"]);
    expect(statements("code-executor")[1].Action).toEqual(expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]));
    for (const user of Object.keys(data).map((k) => k.replace(/\.json$/, ""))) {
      const actions = statements(user).flatMap((st) => st.Action);
      expect(actions.every((a) => a.startsWith("s3:"))).toBe(true);
      expect(statements(user).flatMap((st) => st.Resource).some((r) => r === "arn:aws:s3:::*" || r === "*")).toBe(false);
    }
    // The user Secrets: the access key is the user's name, the secret key generated (not in git, not in the program).
    const mlflowUser = byName(res, "core/v1:Secret", "minio-user-mlflow").inputs.stringData as Record<string, string>;
    expect(mlflowUser.accesskey).toBe("mlflow");
    expect(mlflowUser.secretkey).toMatch(/^generated-/);
    // minio-credentials is read by MinIO and the setup Job only.
    const readers = res
      .filter((r) => /(Deployment|StatefulSet|Job|CronJob)$/.test(r.type))
      .filter((r) => JSON.stringify(r.inputs).includes('"minio-credentials"'))
      .map((r) => `${at(r.inputs, "metadata.namespace")}/${k8sName(r)}`);
    expect(readers.sort()).toEqual(["mlops/minio", "mlops/minio-create-buckets"]);
    const stores = ofType(res, "core/v1:Secret").filter((r) => k8sName(r) === "object-store" || k8sName(r) === "backup-target");
    const rootKey = (byName(res, "core/v1:Secret", "minio-credentials").inputs.stringData as Record<string, string>).accesskey;
    expect(stores.length).toBeGreaterThan(2);
    for (const st of stores) expect((st.inputs.stringData as Record<string, string>).AWS_ACCESS_KEY_ID).not.toBe(rootKey);
  });

  test("flows from the wiring: MLflow -> PostgreSQL and MinIO, the bucket Job -> MinIO, NodePorts; default deny both ways", () => {
    expect(policy(res, NS, "default-deny").inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const egress = (name: string) => policy(res, NS, `${name}-egress`).inputs.spec as JsonObject;
    const ingress = (name: string) => policy(res, NS, `${name}-ingress`).inputs.spec as JsonObject;
    expect(at(egress("mlflow-to-postgresql"), "podSelector.matchLabels")).toMatchObject({ "app.kubernetes.io/name": "mlflow" });
    expect(at(egress("mlflow-to-postgresql"), "egress.0.ports")).toEqual([{ port: 5432, protocol: "TCP" }]);
    expect(at(ingress("mlflow-to-postgresql"), "podSelector.matchLabels")).toMatchObject({ "app.kubernetes.io/name": "postgresql" });
    expect(at(ingress("mlflow-to-minio"), "ingress.0.ports")).toEqual([{ port: 9000, protocol: "TCP" }]);
    expect(at(egress("buckets-to-minio"), "podSelector.matchLabels")).toMatchObject({ "app.kubernetes.io/name": "minio-create-buckets" });
    expect(at(ingress("nodeport-to-minio-console"), "ingress.0.ports")).toEqual([{ port: 9001, protocol: "TCP" }]);
    expect(at(ingress("nodeport-to-mlflow"), "ingress.0.ports")).toEqual([{ port: 5000, protocol: "TCP" }]);
    // The Job's pods carry the labels the flow selects.
    expect(at(byName(res, "batch/v1:Job", "minio-create-buckets").inputs, "spec.template.metadata.labels")).toMatchObject({ "app.kubernetes.io/name": "minio-create-buckets" });
  });

  test("sizes: the seed's dev overlay (250m/512Mi) on the small profile; restricted pods", () => {
    for (const [kind, name] of [["apps/v1:Deployment", "minio"], ["apps/v1:StatefulSet", "postgresql"], ["apps/v1:Deployment", "mlflow"]] as const) {
      const w = byName(res, kind, name);
      expect(at(w.inputs, "spec.replicas")).toBe(1);
      expect(at(containersOf(w)[0], "resources.requests")).toMatchObject({ cpu: "250m", memory: "512Mi" });
      expect(podSpecOf(w).securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    }
    expect(at(byName(res, "core/v1:Namespace", NS).inputs, "metadata.labels")).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
  });

  test("the suite's objects render alone for a GitOps reader (`npm run render -- dev <dir> mlops`)", () => {
    const set = manifestSet(res, NS);
    expect(set.namespaces.map((n) => n.metadata.name)).toEqual([NS]);
    expect(new Set(set.rest.map((m) => m.metadata.namespace))).toEqual(new Set([NS]));
    const names = set.rest.map((m) => `${m.kind}/${String(m.metadata.name)}`);
    expect(names).toEqual(expect.arrayContaining(["Deployment/minio", "StatefulSet/postgresql", "Deployment/mlflow", "Job/minio-create-buckets", "Secret/minio-credentials", "ConfigMap/postgresql-init-scripts"]));
    expect(names.filter((n) => n.startsWith("NetworkPolicy/")).length).toBeGreaterThan(5);
  });

  test("outputs: console and MLflow NodePort URLs, the tracking URI, buckets, and the credentials only as secrets", () => {
    const m = (outputs.suites as JsonObject).mlops as JsonObject;
    expect(m.urls).toEqual({ minioConsole: "http://<node-ip>:30901", mlflow: "http://<node-ip>:30500", trackingUri: "http://mlflow.mlops.svc.cluster.local:5000" });
    expect(m.mlflowTrackingUri).toBe("http://mlflow.mlops.svc.cluster.local:5000");
    expect(m.s3Endpoint).toBe("http://minio.mlops.svc.cluster.local:9000");
    expect((m.buckets as string[]).slice(0, 4)).toEqual(SEED_BUCKETS);
    expect(isSecretValue(at(m, "minio.accessKey"))).toBe(true);
    expect(isSecretValue(at(m, "minio.secretKey"))).toBe(true);
    expect(isSecretValue(at(m, "mlflowAdmin.password"))).toBe(true);
  });
});

describe("mlops on prod (gateway, standard profile, monitoring on)", () => {
  let res: Recorded[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, outputs } = await renderStack("prod"));
  });

  test("the seed's claim sizes, sizes from config (limits twice), ClusterIP only", () => {
    expect(at(byName(res, "core/v1:PersistentVolumeClaim", "minio-storage").inputs, "spec.resources.requests.storage")).toBe("100Gi");
    expect(at(byName(res, "core/v1:PersistentVolumeClaim", "postgresql-storage").inputs, "spec.resources.requests.storage")).toBe("20Gi");
    expect(at(containersOf(byName(res, "apps/v1:Deployment", "minio"))[0], "resources")).toMatchObject({ requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } });
    expect(at(containersOf(byName(res, "apps/v1:Deployment", "mlflow"))[0], "resources")).toMatchObject({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1000m", memory: "2Gi" } });
    for (const s of inNs(res, "core/v1:Service")) expect(at(s.inputs, "spec.type") ?? "ClusterIP").toBe("ClusterIP");
  });

  test("routes: the console and MLflow on their hosts, each logging users in itself; MLflow accepts its public host", () => {
    const routes = inNs(res, "gateway.networking.k8s.io/v1:HTTPRoute");
    expect(Object.fromEntries(routes.map((r) => [k8sName(r), [at(r.inputs, "spec.hostnames.0"), at(r.inputs, "spec.rules.0.backendRefs.0")]]))).toEqual({
      "minio-console": ["minio.example.com", { name: "minio", port: 9001 }],
      mlflow: ["mlflow.example.com", { name: "mlflow", port: 5000 }],
    });
    expect(ofType(res, "gateway.envoyproxy.io/v1alpha1:SecurityPolicy").filter((p) => at(p.inputs, "metadata.namespace") === NS)).toEqual([]);
    expect(containersOf(byName(res, "apps/v1:Deployment", "mlflow"))[0].command).toEqual(expect.arrayContaining([expect.stringMatching(/^--allowed-hosts=.*,mlflow\.example\.com$/)]));
    expect(((outputs.suites as JsonObject).mlops as JsonObject).urls).toMatchObject({ minioConsole: "https://minio.example.com", mlflow: "https://mlflow.example.com" });
  });

  test("Prometheus scrapes MinIO's cluster metrics and MLflow's /metrics with its login; flows both sides", () => {
    const monitors = Object.fromEntries(inNs(res, "monitoring.coreos.com/v1:ServiceMonitor").map((m) => [k8sName(m), at(m.inputs, "spec")]));
    expect(monitors.minio).toMatchObject({ selector: { matchLabels: { "app.kubernetes.io/name": "minio" } }, endpoints: [{ port: "api", path: "/minio/v2/metrics/cluster" }] });
    expect(monitors.mlflow).toMatchObject({
      endpoints: [{ port: "http", path: "/metrics", basicAuth: { username: { name: "mlflow-auth", key: "admin-username" }, password: { name: "mlflow-auth", key: "admin-password" } } }],
    });
    // The selectors match the Services' labels, and the named ports exist.
    for (const name of ["minio", "mlflow"]) {
      const svc = byName(res, "core/v1:Service", name);
      expect(at(svc.inputs, "metadata.labels")).toMatchObject(at(monitors[name] as JsonObject, "selector.matchLabels") as JsonObject);
      expect((at(svc.inputs, "spec.ports") as JsonObject[]).map((p) => p.name)).toContain(at(monitors[name] as JsonObject, "endpoints.0.port"));
    }
    expect(at(policy(res, "monitoring", "prometheus-to-minio-egress").inputs.spec, "egress.0.ports")).toEqual([{ port: 9000, protocol: "TCP" }]);
    expect(at(policy(res, NS, "prometheus-to-mlflow-ingress").inputs.spec, "ingress.0.from.0.namespaceSelector.matchLabels")).toEqual({ "kubernetes.io/metadata.name": "monitoring" });
  });

  test("without MLflow's login the route goes behind the edge's auth, and no basic-auth app or Secret exists", async () => {
    const { resources } = await renderStack("prod", { set: { mlopsMlflowAuth: false, monitoringEnabled: false } });
    expect(ofType(resources, "core/v1:Secret").map(k8sName)).not.toContain("mlflow-auth");
    expect(containersOf(byName(resources, "apps/v1:Deployment", "mlflow"))[0].command).not.toContain("--app-name=basic-auth");
    const policies = ofType(resources, "gateway.envoyproxy.io/v1alpha1:SecurityPolicy").filter((p) => at(p.inputs, "metadata.namespace") === NS);
    expect(policies.map((p) => at(p.inputs, "spec.targetRefs.0.name"))).toEqual(["mlflow"]);
    expect(inNs(resources, "monitoring.coreos.com/v1:ServiceMonitor")).toEqual([]);
  });
});

/** [what, stack, overrides, the key named, what the message says is allowed]. */
const BAD: Array<[string, StackName, RenderOptions["set"], string, RegExp]> = [
  ["an upper-case bucket", "dev", { mlopsExtraBuckets: ["Models2"] }, "mlopsExtraBuckets", /"Models2" is not an S3 bucket name \(3-63 of a-z/],
  ["a two-letter bucket", "dev", { mlopsExtraBuckets: ["ab"] }, "mlopsExtraBuckets", /"ab" is not an S3 bucket name/],
  ["a bucket with an underscore", "dev", { mlopsExtraBuckets: ["raw_data"] }, "mlopsExtraBuckets", /"raw_data" is not an S3 bucket name/],
  ["a bucket shaped like an IP", "dev", { mlopsExtraBuckets: ["192.168.1.10"] }, "mlopsExtraBuckets", /is not an S3 bucket name/],
  ["buckets not a list", "dev", { mlopsExtraBuckets: "models" }, "mlopsExtraBuckets", /list/],
  ["a claim size without a unit", "dev", { mlopsMinioStorageSize: "100" }, "mlopsMinioStorageSize", /quantity|size/],
  ["a Postgres claim in GB", "dev", { mlopsPostgresStorageSize: "20GB" }, "mlopsPostgresStorageSize", /quantity|size/],
  ["a CPU with a unit typo", "prod", { mlopsMinioCpu: "2cores" }, "mlopsMinioCpu", /CPU quantity such as 500m or 2/],
  ["memory in G", "prod", { mlopsMlflowMemory: "2G" }, "mlopsMlflowMemory", /memory quantity such as 512Mi or 2Gi/],
  ["a Postgres CPU of zero width", "prod", { mlopsPostgresCpu: "" }, "mlopsPostgresCpu", /CPU quantity/],
  ["the console NodePort out of range", "dev", { mlopsMinioConsoleNodePort: 9001 }, "mlopsMinioConsoleNodePort", /between 30000 and 32767/],
  ["MLflow's NodePort taken by the LLM stack", "dev", { mlopsMlflowNodePort: 30180 }, "mlopsMlflowNodePort", /duplicates llmStack/],
  ["two mlops NodePorts the same", "dev", { mlopsMlflowNodePort: 30901 }, "mlopsMlflowNodePort", /duplicates mlopsMinioConsoleNodePort/],
  ["no MLflow host behind the gateway", "prod", { mlopsMlflowHost: "" }, "mlopsMlflowHost", /is required when exposure is gateway/],
  ["no console host behind the gateway", "prod", { mlopsMinioConsoleHost: "" }, "mlopsMinioConsoleHost", /is required when exposure is gateway/],
  ["a console host that is not DNS", "prod", { mlopsMinioConsoleHost: "MinIO Console" }, "mlopsMinioConsoleHost", /lower-case DNS name/],
  ["MLflow on another module's host", "prod", { mlopsMlflowHost: "harbor.example.com" }, "harborHost", /must differ from mlopsMlflowHost \(harbor\.example\.com\): each public host is served by one module/],
  ["the namespace of another suite", "dev", { mlopsNamespace: "llm-stack" }, "mlopsNamespace", /must differ/],
  ["an upper-case namespace", "dev", { mlopsNamespace: "MLOps" }, "mlopsNamespace", /DNS label/],
  ["a non-boolean login switch", "dev", { mlopsMlflowAuth: "sometimes" }, "mlopsMlflowAuth", /true or false/],
];

describe("bad input fails preview naming the key and what is allowed", () => {
  test.each(BAD)("%s", (_what, stack, set, key, allowed) => {
    const found = configProblems(stack, set).filter((p) => p.startsWith(`llm-platform:${key}`) && allowed.test(p));
    expect(found).toHaveLength(1);
  });

  test("all of them at once: every key reported in one error, nothing registered", () => {
    const all = configProblems("prod", { mlopsExtraBuckets: ["A"], mlopsMinioCpu: "x", mlopsMlflowHost: "" });
    expect(all.map((p) => p.split(":")[1])).toEqual(expect.arrayContaining(["mlopsExtraBuckets", "mlopsMinioCpu", "mlopsMlflowHost"]));
  });
});
