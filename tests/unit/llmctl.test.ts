import { MCP_SERVERS } from "../../components/suites/llmctl/mcp";
import { CELERY_QUEUES } from "../../components/suites/llmctl/studioConfig";
import { at, byName, containersOf, envOf, isSecretValue, k8sName, ofType, podSpecOf, renderStack, studioOnly, type JsonObject, type Recorded } from "../helpers/harness";

function configMapData(res: Recorded[]): Record<string, string> {
  return byName(res, "core/v1:ConfigMap", "llmctl-studio-config").inputs.data as Record<string, string>;
}

describe("llmctl suite on the dev stack", () => {
  let res: Recorded[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, outputs } = await renderStack("dev"));
  });

  test("the seed's Deployments, StatefulSets and Services exist under their exact names in namespace llmctl", () => {
    const inLlmctl = (r: Recorded) => at(r.inputs, "metadata.namespace") === "llmctl";
    const deployments = ofType(res, "apps/v1:Deployment").filter(inLlmctl).map(k8sName).sort();
    expect(deployments).toEqual(
      ["llmctl-celery-beat", "llmctl-celery-worker", "llmctl-studio-backend", "llmctl-studio-frontend", ...MCP_SERVERS.map((s) => s.name)].sort(),
    );
    expect(ofType(res, "apps/v1:StatefulSet").filter(inLlmctl).map(k8sName).sort()).toEqual(["llmctl-chromadb", "llmctl-postgres", "llmctl-redis"]);
    for (const r of [...ofType(res, "apps/v1:Deployment"), ...ofType(res, "core/v1:Service")].filter((x) => k8sName(x).startsWith("llmctl"))) {
      expect(at(r.inputs, "metadata.namespace")).toBe("llmctl");
    }
  });

  test("backend :5155 and frontend :8080 on dev NodePorts 30155/30157", () => {
    const backend = byName(res, "core/v1:Service", "llmctl-studio-backend");
    const frontend = byName(res, "core/v1:Service", "llmctl-studio-frontend");
    expect(at(backend.inputs, "spec.ports.0")).toMatchObject({ port: 5155, nodePort: 30155 });
    expect(at(frontend.inputs, "spec.ports.0")).toMatchObject({ port: 8080, nodePort: 30157 });
    expect(at(backend.inputs, "spec.type")).toBe("NodePort");
  });

  test("the MCP endpoint contract: service names, ports and paths (github's once its token is set)", async () => {
    const llmctl = outputs.llmctl as { mcpEndpoints: Record<string, string> };
    expect(llmctl.mcpEndpoints).toEqual({
      llmctl: "http://llmctl-mcp.llmctl.svc.cluster.local:9020/mcp",
      atlassian: "http://llmctl-mcp-atlassian.llmctl.svc.cluster.local:8000/mcp/",
      chroma: "http://llmctl-mcp-chroma.llmctl.svc.cluster.local:8000/mcp/",
      "google-cloud": "http://llmctl-mcp-google-cloud.llmctl.svc.cluster.local:8000/mcp/",
      "google-workspace": "http://llmctl-mcp-google-workspace.llmctl.svc.cluster.local:8000/mcp/",
    });
    for (const s of MCP_SERVERS) expect(at(byName(res, "core/v1:Service", s.name).inputs, "spec.ports.0.port")).toBe(s.port);
    // github-mcp-server exits without a token: its Deployment runs no pod, nothing waits for it or lists it.
    expect(at(byName(res, "apps/v1:Deployment", "llmctl-mcp-github").inputs, "spec.replicas")).toBe(0);
    expect(String(envOf(containersOf(byName(res, "apps/v1:Deployment", "llmctl-studio-backend"), true)[1]).WAIT_TARGETS.value)).not.toContain("llmctl-mcp-github");
    const { resources, outputs: withToken } = await studioOnly({}, { githubToken: "ghp_0123456789abcdefghijklmnopqrstuvwxyz" });
    expect(at(byName(resources, "apps/v1:Deployment", "llmctl-mcp-github").inputs, "spec.replicas")).toBe(1);
    expect((withToken.llmctl as { mcpEndpoints: Record<string, string> }).mcpEndpoints.github).toBe("http://llmctl-mcp-github.llmctl.svc.cluster.local:8000/mcp/");
    expect(String(envOf(containersOf(byName(resources, "apps/v1:Deployment", "llmctl-studio-backend"), true)[1]).WAIT_TARGETS.value)).toContain("llmctl-mcp-github");
  });

  test("the studio ConfigMap derives hosts and MCP endpoints from the Services", () => {
    const data = configMapData(res);
    expect(data).toMatchObject({
      LLMCTL_POSTGRES_HOST: "llmctl-postgres.llmctl.svc.cluster.local",
      LLMCTL_POSTGRES_PORT: "5432",
      LLMCTL_POSTGRES_DB: "llmctl",
      LLMCTL_POSTGRES_USER: "llmctl",
      CHROMA_HOST: "llmctl-chromadb.llmctl.svc.cluster.local",
      CHROMA_PORT: "8000",
      CHROMA_SSL: "false",
      LLMCTL_STUDIO_MCP_WAIT_ENABLED: "true",
      LLMCTL_STUDIO_MCP_WAIT_TIMEOUT_SECONDS: "180",
      LLMCTL_NODE_EXECUTOR_PROVIDER: "kubernetes",
      LLMCTL_NODE_EXECUTOR_K8S_FRONTIER_IMAGE: "llmctl-executor-frontier:latest",
      LLMCTL_NODE_EXECUTOR_K8S_VLLM_IMAGE: "llmctl-executor-vllm:latest",
      LLMCTL_NODE_EXECUTOR_K8S_IMAGE: "llmctl-executor-frontier:latest",
      LLMCTL_NODE_EXECUTOR_K8S_SERVICE_ACCOUNT: "llmctl-executor",
      LLMCTL_NODE_EXECUTOR_K8S_GPU_LIMIT: "0",
      LLMCTL_NODE_EXECUTOR_K8S_JOB_TTL_SECONDS: "1800",
      LLMCTL_NODE_EXECUTOR_K8S_IMAGE_PULL_SECRETS_JSON: "[]",
      LLMCTL_NODE_EXECUTOR_K8S_LIVE_CODE_ENABLED: "false",
      LLMCTL_NODE_EXECUTOR_K8S_LIVE_CODE_HOST_PATH: "/workspace/llmctl",
    });
    const services = new Set(ofType(res, "core/v1:Service").map(k8sName));
    const endpoints = data.LLMCTL_STUDIO_MCP_REQUIRED_ENDPOINTS.split(",");
    // The six servers but github, which runs once its token is set.
    expect(endpoints).toHaveLength(5);
    for (const url of endpoints) expect(services.has(new URL(url).hostname.split(".")[0])).toBe(true);
  });

  test("Postgres password: generated once, a Pulumi secret, consumed by Postgres and by the studio via the Secret", () => {
    const secret = byName(res, "core/v1:Secret", "llmctl-studio-secrets");
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    const pw = res.find((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.startsWith("llmctl-studio-secrets") && r.name.includes("postgres-password"))!;
    expect((secret.inputs.stringData as JsonObject).LLMCTL_POSTGRES_PASSWORD).toBe(`generated-${pw.name}`);
    const pg = containersOf(byName(res, "apps/v1:StatefulSet", "llmctl-postgres"))[0];
    // Postgres reads it from a file (POSTGRES_PASSWORD_FILE), mounted from the same Secret key.
    expect(envOf(pg).POSTGRES_PASSWORD).toBeUndefined();
    expect(envOf(pg).POSTGRES_PASSWORD_FILE.value).toBe("/etc/postgres-password/password");
    expect(podSpecOf(byName(res, "apps/v1:StatefulSet", "llmctl-postgres")).volumes).toEqual(
      expect.arrayContaining([{ name: "password", secret: { secretName: "llmctl-studio-secrets", items: [{ key: "LLMCTL_POSTGRES_PASSWORD", path: "password" }], defaultMode: 0o440 } }]),
    );
    const backend = containersOf(byName(res, "apps/v1:Deployment", "llmctl-studio-backend"))[0];
    expect(backend.envFrom).toEqual([
      { configMapRef: { name: "llmctl-studio-config" } },
      { secretRef: { name: "llmctl-studio-secrets" } },
      { secretRef: { name: "llmctl-studio-broker" } },
      { secretRef: { name: "llmctl-mcp-secrets", optional: true } },
    ]);
    // No llmctl-mcp-secrets without operator credentials (optional for boot).
    expect(ofType(res, "core/v1:Secret").filter((x) => at(x.inputs, "metadata.namespace") === "llmctl").map(k8sName).sort()).toEqual(["backup-target", "llmctl-chromadb-proxy", "llmctl-redis-config", "llmctl-studio-broker", "llmctl-studio-secrets"]);
  });

  test("ChromaDB answers only with the generated token: a proxy holds the Service port, the clients send the token", () => {
    const token = `generated-${res.find((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.includes("chroma-client-auth-credentials"))!.name}`;
    const sts = byName(res, "apps/v1:StatefulSet", "llmctl-chromadb");
    const [server, proxy] = containersOf(sts);
    // Chroma on loopback (no containerPort: nothing outside the pod reaches it), probed through the proxy's heartbeat.
    expect(server.ports ?? []).toEqual([]);
    expect(envOf(server).CHROMA_PORT.value).toBe("8001");
    expect(envOf(server).CHROMA_LISTEN_ADDRESS.value).toBe("127.0.0.1");
    expect(at(server, "readinessProbe.httpGet")).toEqual({ path: "/api/v2/heartbeat", port: 8000 });
    expect(proxy).toMatchObject({ name: "auth-proxy", image: "docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine", ports: [{ name: "http", containerPort: 8000 }] });
    expect(at(byName(res, "core/v1:Service", "llmctl-chromadb").inputs, "spec.ports.0")).toMatchObject({ port: 8000, targetPort: "http" });
    const conf = String((byName(res, "core/v1:Secret", "llmctl-chromadb-proxy").inputs.stringData as JsonObject)["nginx.conf"]);
    expect(conf).toContain(`map $http_x_chroma_token $chroma_token_ok { default 0; "${token}" 1; }`);
    expect(conf).toContain("if ($chroma_token_ok = 0) { return 401; }");
    expect(conf).toContain("location = /api/v2/heartbeat { proxy_pass http://127.0.0.1:8001; }");
    // The studio (envFrom) and the chroma MCP server send the same token in X-Chroma-Token.
    expect(configMapData(res)).toMatchObject({ CHROMA_CLIENT_AUTH_PROVIDER: "chromadb.auth.token_authn.TokenAuthClientProvider", CHROMA_AUTH_TOKEN_TRANSPORT_HEADER: "X-Chroma-Token" });
    expect((byName(res, "core/v1:Secret", "llmctl-studio-secrets").inputs.stringData as JsonObject).CHROMA_CLIENT_AUTH_CREDENTIALS).toBe(token);
    const mcp = envOf(containersOf(byName(res, "apps/v1:Deployment", "llmctl-mcp-chroma"))[0]);
    expect(mcp.CHROMA_CLIENT_AUTH_CREDENTIALS.valueFrom).toEqual({ secretKeyRef: { name: "llmctl-studio-secrets", key: "CHROMA_CLIENT_AUTH_CREDENTIALS" } });
    expect(mcp.CHROMA_AUTH_TOKEN_TRANSPORT_HEADER.value).toBe("X-Chroma-Token");
  });

  test("Redis requires the generated password: redis.conf for the server, the Celery URLs carry it, the probe authenticates", () => {
    const pw = res.find((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name.startsWith("llmctl-studio-secrets") && r.name.includes("redis-password"))!;
    const value = `generated-${pw.name}`;
    expect((byName(res, "core/v1:Secret", "llmctl-redis-config").inputs.stringData as JsonObject)["redis.conf"]).toBe(`requirepass ${value}\n`);
    const broker = byName(res, "core/v1:Secret", "llmctl-studio-broker").inputs.stringData as JsonObject;
    expect(broker).toEqual({
      CELERY_BROKER_URL: `redis://:${value}@llmctl-redis.llmctl.svc.cluster.local:6379/0`,
      CELERY_RESULT_BACKEND: `redis://:${value}@llmctl-redis.llmctl.svc.cluster.local:6379/0`,
    });
    expect(configMapData(res)).not.toHaveProperty("CELERY_BROKER_URL");
    const redis = containersOf(byName(res, "apps/v1:StatefulSet", "llmctl-redis"))[0];
    expect(redis.args).toEqual(["/etc/redis/redis.conf", "--appendonly", "yes", "--dir", "/data"]);
    expect(redis.env ?? []).toEqual([]);
    expect(at(redis, "readinessProbe.exec.command")).toEqual(["sh", "-c", `REDISCLI_AUTH="$(sed -n 's/^requirepass //p' /etc/redis/redis.conf)" redis-cli ping | grep -q PONG`]);
  });

  test("backend start-up gates: datastores, then wait-for-integrated-mcp on every required endpoint with the timeout", () => {
    const inits = containersOf(byName(res, "apps/v1:Deployment", "llmctl-studio-backend"), true);
    expect(inits.map((c) => c.name)).toEqual(["wait-for-datastores", "wait-for-integrated-mcp"]);
    const mcpGate = envOf(inits[1]);
    expect(String(mcpGate.WAIT_TARGETS.value).split(" ")).toEqual(configMapData(res).LLMCTL_STUDIO_MCP_REQUIRED_ENDPOINTS.split(","));
    expect(mcpGate.WAIT_TIMEOUT_SECONDS.value).toBe("180");
    expect(String(envOf(inits[0]).WAIT_TARGETS.value)).toBe(
      "http://llmctl-postgres.llmctl.svc.cluster.local:5432/ http://llmctl-redis.llmctl.svc.cluster.local:6379/",
    );
  });

  test("celery worker: 4 replicas x concurrency 1, consuming all five queues; beat: one replica, Recreate", () => {
    const worker = byName(res, "apps/v1:Deployment", "llmctl-celery-worker");
    expect(at(worker.inputs, "spec.replicas")).toBe(4);
    const cmd = containersOf(worker)[0].command as string[];
    expect(cmd).toEqual(expect.arrayContaining(["worker", "--concurrency=1", "-Q", CELERY_QUEUES.join(",")]));
    expect(CELERY_QUEUES).toHaveLength(5);
    const beat = byName(res, "apps/v1:Deployment", "llmctl-celery-beat");
    expect(at(beat.inputs, "spec.replicas")).toBe(1);
    expect(at(beat.inputs, "spec.strategy")).toEqual({ type: "Recreate" });
    expect(containersOf(beat)[0].command).toEqual(expect.arrayContaining(["beat"]));
  });

  test("executor RBAC: the backend runs as llmctl-studio with a token; the Role is namespaced", () => {
    const pod = podSpecOf(byName(res, "apps/v1:Deployment", "llmctl-studio-backend"));
    expect(pod.serviceAccountName).toBe("llmctl-studio");
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(at(byName(res, "rbac.authorization.k8s.io/v1:RoleBinding", "llmctl-executor-manager").inputs, "subjects.0.name")).toBe("llmctl-studio");
    // Every other Deployment runs without a token, except the code executor's executor-service (it creates Jobs too).
    for (const d of ofType(res, "apps/v1:Deployment").filter((x) => !["llmctl-studio-backend", "executor-service"].includes(k8sName(x)))) {
      expect(podSpecOf(d).automountServiceAccountToken).toBe(false);
    }
  });

  test("Google MCP servers get credentials in the names their programs read; the backend alone writes the studio's data", async () => {
    const claim = byName(res, "core/v1:PersistentVolumeClaim", "llmctl-studio-data");
    expect(at(claim.inputs, "spec")).toMatchObject({ accessModes: ["ReadWriteOnce"], storageClassName: "standard" });
    const ref = (key: string) => ({ secretKeyRef: { name: "llmctl-mcp-secrets", key, optional: true } });
    // gcloud: its project and its key file (auth/credential_file_override), from an optional Secret volume.
    const cloud = byName(res, "apps/v1:Deployment", "llmctl-mcp-google-cloud");
    const cloudEnv = envOf(containersOf(cloud)[0]);
    expect(cloudEnv.CLOUDSDK_CORE_PROJECT.valueFrom).toEqual(ref("GOOGLE_CLOUD_PROJECT"));
    // The key file is named only once the key is supplied (gcloud fails on a missing file).
    expect(cloudEnv.CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE).toBeUndefined();
    const keyed = envOf(containersOf(byName((await studioOnly({}, { googleCloudServiceAccountJson: '{"type":"service_account"}' })).resources, "apps/v1:Deployment", "llmctl-mcp-google-cloud"))[0]);
    expect(keyed.CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE.value).toBe("/var/run/secrets/llmctl-mcp-google-cloud/service-account.json");
    expect(podSpecOf(cloud).volumes).toContainEqual({ name: "mcp-secrets", secret: { secretName: "llmctl-mcp-secrets", items: [{ key: "GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON", path: "service-account.json" }], optional: true } });
    expect(containersOf(cloud)[0].volumeMounts).toContainEqual({ name: "mcp-secrets", mountPath: "/var/run/secrets/llmctl-mcp-google-cloud", readOnly: true });
    // workspace-mcp 1.4.1: an OAuth client and the account it acts for.
    const ws = envOf(containersOf(byName(res, "apps/v1:Deployment", "llmctl-mcp-google-workspace"))[0]);
    expect(ws.GOOGLE_OAUTH_CLIENT_ID.valueFrom).toEqual(ref("GOOGLE_OAUTH_CLIENT_ID"));
    expect(ws.GOOGLE_OAUTH_CLIENT_SECRET.valueFrom).toEqual(ref("GOOGLE_OAUTH_CLIENT_SECRET"));
    expect(ws.USER_GOOGLE_EMAIL.valueFrom).toEqual(ref("GOOGLE_WORKSPACE_IMPERSONATE_USER"));
    // No MCP server mounts the studio's data claim (none of their programs reads a credentials directory).
    for (const d of ofType(res, "apps/v1:Deployment").filter((x) => k8sName(x).startsWith("llmctl-mcp"))) {
      expect(JSON.stringify(podSpecOf(d).volumes ?? [])).not.toContain("llmctl-studio-data");
    }
    const backend = containersOf(byName(res, "apps/v1:Deployment", "llmctl-studio-backend"))[0];
    expect(backend.volumeMounts).toEqual(expect.arrayContaining([{ name: "studio-data", mountPath: "/app/data/credentials" }]));
  });

  test("the stdio-only MCP servers run behind mcp-proxy in the platform's images, serving streamable HTTP on their port", () => {
    for (const [name, server] of [["llmctl-mcp-github", ["github-mcp-server", "stdio"]], ["llmctl-mcp-chroma", ["chroma-mcp"]], ["llmctl-mcp-google-cloud", ["gcloud-mcp"]]] as const) {
      const c = containersOf(byName(res, "apps/v1:Deployment", name))[0];
      expect(c.command).toEqual(["mcp-proxy", "--host", "0.0.0.0", "--port", "8000", "--pass-environment", "--", ...server]);
      expect(c.image).toBe(`${name.replace("llmctl-", "")}:latest`);
    }
  });

  test("MCP server credentials come from llmctl-mcp-secrets as optional refs", () => {
    const gh = envOf(containersOf(byName(res, "apps/v1:Deployment", "llmctl-mcp-github"))[0]);
    expect(gh.GITHUB_PERSONAL_ACCESS_TOKEN.valueFrom).toEqual({ secretKeyRef: { name: "llmctl-mcp-secrets", key: "GITHUB_PERSONAL_ACCESS_TOKEN", optional: true } });
    const atl = envOf(containersOf(byName(res, "apps/v1:Deployment", "llmctl-mcp-atlassian"))[0]);
    expect(Object.keys(atl)).toEqual(expect.arrayContaining(["JIRA_URL", "JIRA_API_TOKEN", "CONFLUENCE_URL", "CONFLUENCE_API_TOKEN"]));
  });

  test("outputs tell a person where to go", () => {
    expect(outputs.llmctl).toMatchObject({
      frontendUrl: "http://<node-ip>:30157/",
      backendUrl: "http://<node-ip>:30155/",
      nodeIpHint: "minikube -p llmctl ip",
      portForward: { backend: "kubectl -n llmctl port-forward svc/llmctl-studio-backend 5155:5155" },
    });
  });
});

/**
 * The whole dev stack with three independent switches at once (pull secrets, no persistence, clusterIP): each test
 * below reads only its own, over every suite, from one render.
 */
const variedDev = () => renderStack("dev", { set: { imagePullSecrets: ["llmctl-harbor-regcred"], persistence: false, exposure: "clusterIP" } });

describe("llmctl suite variations", () => {
  test("operator credentials create llmctl-mcp-secrets with only the supplied keys, as a secret", async () => {
    const { resources } = await studioOnly({ jiraUrl: "https://acme.atlassian.net", jiraUsername: "bot@acme.io" }, { githubToken: "ghp_x", jiraApiToken: "jira-tok" });
    const s = byName(resources, "core/v1:Secret", "llmctl-mcp-secrets");
    expect(isSecretValue(s.raw.stringData)).toBe(true);
    expect(s.inputs.stringData).toEqual({
      GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_x",
      JIRA_API_TOKEN: "jira-tok",
      JIRA_URL: "https://acme.atlassian.net",
      JIRA_USERNAME: "bot@acme.io",
    });
    // The consumers roll when it changes.
    const backend = byName(resources, "apps/v1:Deployment", "llmctl-studio-backend");
    expect(Object.keys(at(backend.inputs, "spec.template.metadata.annotations") as JsonObject).sort()).toEqual(["checksum/broker", "checksum/config", "checksum/mcp-secret", "checksum/secret"]);
  });

  test("a config change changes the checksum annotation (pods roll)", async () => {
    const ann = async (timeout: number) => {
      const { resources } = await studioOnly({ llmctlMcpWaitTimeoutSeconds: timeout });
      return at(byName(resources, "apps/v1:Deployment", "llmctl-studio-backend").inputs, "spec.template.metadata.annotations.checksum/config");
    };
    expect(await ann(120)).not.toEqual(await ann(240));
  });

  test("wait gate off: no wait-for-integrated-mcp init container", async () => {
    const { resources } = await studioOnly({ llmctlMcpWaitEnabled: false });
    const inits = containersOf(byName(resources, "apps/v1:Deployment", "llmctl-studio-backend"), true);
    expect(inits.map((c) => c.name)).toEqual(["wait-for-datastores"]);
    expect(configMapData(resources).LLMCTL_STUDIO_MCP_WAIT_ENABLED).toBe("false");
  });

  test("live code (dev only): hostPath into /app of the Python workloads, executor knobs on, namespace enforcement relaxed with a reason", async () => {
    const { resources } = await studioOnly({ llmctlLiveCode: true, llmctlLiveCodeHostPath: "/workspace/llmctl" });
    for (const name of ["llmctl-studio-backend", "llmctl-mcp", "llmctl-celery-worker", "llmctl-celery-beat", "llmctl-studio-frontend"]) {
      const d = byName(resources, "apps/v1:Deployment", name);
      expect(podSpecOf(d).volumes).toEqual(expect.arrayContaining([{ name: "live-code", hostPath: { path: "/workspace/llmctl", type: "Directory" } }]));
      expect(containersOf(d)[0].volumeMounts).toEqual(expect.arrayContaining([{ name: "live-code", mountPath: "/app" }]));
    }
    const fe = containersOf(byName(resources, "apps/v1:Deployment", "llmctl-studio-frontend"))[0];
    expect(fe.command).toEqual(["npm", "run", "dev", "--", "--host", "0.0.0.0", "--port", "8080"]);
    expect(configMapData(resources)).toMatchObject({ LLMCTL_NODE_EXECUTOR_K8S_LIVE_CODE_ENABLED: "true", LLMCTL_NODE_EXECUTOR_K8S_LIVE_CODE_HOST_PATH: "/workspace/llmctl" });
    const ns = byName(resources, "core/v1:Namespace", "llmctl");
    expect(at(ns.inputs, "metadata.labels")).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "restricted" });
  });

  test("GPU on: smoke Job requests the GPU on a tolerated, selected node with the runtime class; studio gets the same placement", async () => {
    const { resources } = await renderStack("dev", {
      set: {
        suites: ["llmctl"],
        gpuEnabled: true,
        executorGpuLimit: 1,
        gpuNodeSelector: ["nvidia.com/gpu.present=true"],
        gpuTolerations: ["nvidia.com/gpu:NoSchedule"],
        llmctlExecutorSmokeTest: true,
        // A GPU request must fit the declared cluster (the capacity check rejects it on a GPU-less profile), and
        // with the GPU node tainted, the pods without GPUs need another node.
        clusterNodes: 2,
        clusterGpuNodes: 1,
      },
    });
    const job = byName(resources, "batch/v1:Job", "llmctl-executor-smoke");
    const pod = podSpecOf(job);
    expect(pod).toMatchObject({
      serviceAccountName: "llmctl-executor",
      automountServiceAccountToken: false,
      restartPolicy: "Never",
      nodeSelector: { "nvidia.com/gpu.present": "true" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      runtimeClassName: "nvidia",
    });
    expect(at(containersOf(job)[0], "resources.limits")).toMatchObject({ "nvidia.com/gpu": "1" });
    expect(configMapData(resources)).toMatchObject({
      LLMCTL_NODE_EXECUTOR_K8S_GPU_LIMIT: "1",
      LLMCTL_NODE_EXECUTOR_K8S_NODE_SELECTOR_JSON: '{"nvidia.com/gpu.present":"true"}',
      LLMCTL_NODE_EXECUTOR_K8S_RUNTIME_CLASS_NAME: "nvidia",
    });
  });

  test("image pull secrets reach every pod, the executor ServiceAccount and the executor Job config", async () => {
    const { resources } = await variedDev();
    for (const w of [...ofType(resources, "apps/v1:Deployment"), ...ofType(resources, "apps/v1:StatefulSet")]) {
      expect(podSpecOf(w).imagePullSecrets).toEqual([{ name: "llmctl-harbor-regcred" }]);
    }
    expect(byName(resources, "core/v1:ServiceAccount", "llmctl-executor").inputs.imagePullSecrets).toEqual([{ name: "llmctl-harbor-regcred" }]);
    expect(configMapData(resources).LLMCTL_NODE_EXECUTOR_K8S_IMAGE_PULL_SECRETS_JSON).toBe('[{"name":"llmctl-harbor-regcred"}]');
  });

  test("persistence off: no PVCs anywhere, emptyDir data", async () => {
    const { resources } = await variedDev();
    expect(ofType(resources, "core/v1:PersistentVolumeClaim")).toHaveLength(0);
    for (const s of ofType(resources, "apps/v1:StatefulSet")) expect(at(s.inputs, "spec.volumeClaimTemplates")).toBeUndefined();
  });

  test("clusterIP exposure: no NodePorts, nothing admitted from outside the cluster, in-cluster URLs", async () => {
    const { resources, outputs } = await variedDev();
    for (const s of ofType(resources, "core/v1:Service")) expect(at(s.inputs, "spec.type")).not.toBe("NodePort");
    const policies = ofType(resources, "networking.k8s.io/v1:NetworkPolicy");
    expect(policies.filter((p) => ((at(p.inputs, "spec.ingress") ?? []) as JsonObject[]).some((rule) => rule.from === undefined))).toEqual([]);
    expect(policies.map(k8sName)).toEqual(expect.arrayContaining(["default-deny", "allow-dns"]));
    expect((outputs.llmctl as JsonObject).frontendUrl).toBe("http://llmctl-studio-frontend.llmctl.svc.cluster.local:8080/");
  });
});

describe("llmctl suite on the prod stack", () => {
  let res: Recorded[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, outputs } = await renderStack("prod"));
  });

  test("gateway: one HTTPRoute on the studio host's HTTPS listener: / to the frontend, /api to the backend, /mcp/<name> rewritten to each MCP server's path", () => {
    const route = res.find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute" && k8sName(r) === "llmctl-studio");
    expect(route && at(route.inputs, "metadata.namespace")).toBe("llmctl");
    expect(route && at(route.inputs, "spec.hostnames")).toEqual(["llmctl.example.com"]);
    expect(route && at(route.inputs, "spec.parentRefs.0")).toMatchObject({ name: "llm-platform", namespace: "llm-platform-edge", sectionName: "https-llmctl-example-com" });
    const rules = (route ? at(route.inputs, "spec.rules") : []) as JsonObject[];
    const table = rules.map((r) => [at(r, "matches.0.path.value"), at(r, "backendRefs.0.name"), at(r, "backendRefs.0.port"), at(r, "filters.0.urlRewrite.path.replacePrefixMatch") ?? null]);
    expect(table).toEqual([
      ["/", "llmctl-studio-frontend", 8080, null],
      ["/api", "llmctl-studio-backend", 5155, null],
      ...MCP_SERVERS.map((s) => [`/mcp/${s.route}`, s.name, s.port, s.path]),
    ]);
    // The studio has no login: basic auth at the edge.
    const policy = res.find((r) => r.type === "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy" && k8sName(r) === "llmctl-studio");
    expect(policy && at(policy.inputs, "spec.basicAuth")).toEqual({ users: { name: "llmctl-studio-basic-auth" } });
    expect((outputs.llmctl as JsonObject).mcpPublicEndpoints).toMatchObject({ atlassian: "https://llmctl.example.com/mcp/atlassian" });
    expect((outputs.llmctl as JsonObject).frontendUrl).toBe("https://llmctl.example.com/");
    expect(ofType(res, "networking.k8s.io/v1:Ingress")).toEqual([]);
  });

  test("ingress (nginx, auth external): the same routes as Ingresses, the main one owning the host's certificate", async () => {
    const { resources } = await renderStack("prod", { set: { exposure: "ingress", ingressClassName: "nginx", edgeAuth: "external" } });
    const main = byName(resources, "networking.k8s.io/v1:Ingress", "llmctl-studio");
    expect(at(main.inputs, "spec.tls.0")).toEqual({ hosts: ["llmctl.example.com"], secretName: "llmctl-example-com-tls" });
    expect(at(main.inputs, "metadata.annotations")).toEqual({ "cert-manager.io/cluster-issuer": "llm-platform" });
    const paths = (at(main.inputs, "spec.rules.0.http.paths") as JsonObject[]).map((p) => [p.path, at(p, "backend.service.name")]);
    expect(paths).toEqual([
      ["/", "llmctl-studio-frontend"],
      ["/api", "llmctl-studio-backend"],
    ]);
    for (const s of MCP_SERVERS) {
      const ing = byName(resources, "networking.k8s.io/v1:Ingress", `llmctl-studio-mcp-${s.route}`);
      expect(at(ing.inputs, "spec.rules.0.http.paths.0.path")).toBe(`/mcp/${s.route}(/|$)(.*)`);
      expect(at(ing.inputs, "spec.rules.0.http.paths.0.backend.service")).toEqual({ name: s.name, port: { number: s.port } });
      expect(at(ing.inputs, "metadata.annotations")).not.toHaveProperty(["cert-manager.io/cluster-issuer"]);
    }
    expect(resources.filter((r) => r.type.startsWith("kubernetes:gateway."))).toEqual([]);
  });

  test("HPAs own backend and frontend replicas; PDBs guard them; no NodePorts", () => {
    for (const name of ["llmctl-studio-backend", "llmctl-studio-frontend"]) {
      expect(at(byName(res, "apps/v1:Deployment", name).inputs, "spec.replicas")).toBeUndefined();
      expect(at(byName(res, "autoscaling/v2:HorizontalPodAutoscaler", name).inputs, "spec.minReplicas")).toBe(2);
      byName(res, "policy/v1:PodDisruptionBudget", name);
    }
    expect(ofType(res, "core/v1:Service").filter((s) => at(s.inputs, "spec.type") === "NodePort")).toHaveLength(0);
  });

  test("images come from the configured registry at the pinned tag", () => {
    const backend = containersOf(byName(res, "apps/v1:Deployment", "llmctl-studio-backend"))[0];
    expect(backend.image).toBe("registry.example.com/llmctl/llmctl-studio-backend:2026.11.0");
    expect(configMapData(res).LLMCTL_NODE_EXECUTOR_K8S_VLLM_IMAGE).toBe("registry.example.com/llmctl/llmctl-executor-vllm:2026.11.0");
  });

  test("celery worker slots = 4 x 2; shared data is ReadWriteMany; GPU limit 1 for executors", () => {
    expect(at(byName(res, "apps/v1:Deployment", "llmctl-celery-worker").inputs, "spec.replicas")).toBe(4);
    expect(containersOf(byName(res, "apps/v1:Deployment", "llmctl-celery-worker"))[0].command).toEqual(expect.arrayContaining(["--concurrency=2"]));
    expect(at(byName(res, "core/v1:PersistentVolumeClaim", "llmctl-studio-data").inputs, "spec.accessModes")).toEqual(["ReadWriteMany"]);
    expect(configMapData(res).LLMCTL_NODE_EXECUTOR_K8S_GPU_LIMIT).toBe("1");
  });
});
