/**
 * The llmctl studio suite (seed: llmctl-studio.md): Studio backend and frontend, Celery worker and beat,
 * Redis, Postgres, ChromaDB, the six integrated MCP servers, executor plumbing and exposure.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExposureConfig, GpuConfig, HarborConfig, LlmctlConfig, PgAdminConfig, PullCredentials } from "../../config";
import { checksum } from "../../lib/checksum";
import type { ImageName } from "../../lib/images";
import { standardLabels } from "../../lib/labels";
import { execProbes, httpProbes, tcpProbes } from "../../lib/probes";
import { resources, type ResourceProfile } from "../../lib/resources";
import { ExecutorPlumbing } from "../../platform/executor";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { IngressRoutes, type Route } from "../../platform/ingress";
import { allowIngress, Namespace } from "../../platform/namespace";
import { chroma, postgres, redis, CHROMA_PORT, POSTGRES_PORT, REDIS_PORT } from "../../workloads/datastores";
import { buildPodSpec, type ContainerArgs, emptyDir, type EnvMap, type Volume, type VolumeMount } from "../../workloads/pod";
import { waitForContainer, type WaitTarget } from "../../workloads/waitFor";
import { WebService } from "../../workloads/webService";
import { MCP_SECRET_KEYS, MCP_SERVERS, type McpSecretKey, mcpUrl } from "./mcp";
import { CELERY_APP, CELERY_QUEUES, studioConfigData } from "./studioConfig";
import { Harbor } from "./harbor";
import { PgAdmin } from "./pgadmin";

export const INSTANCE = "llmctl";
export const NAMES = {
  backend: "llmctl-studio-backend",
  frontend: "llmctl-studio-frontend",
  worker: "llmctl-celery-worker",
  beat: "llmctl-celery-beat",
  redis: "llmctl-redis",
  postgres: "llmctl-postgres",
  chroma: "llmctl-chromadb",
  configMap: "llmctl-studio-config",
  studioSecret: "llmctl-studio-secrets",
  mcpSecret: "llmctl-mcp-secrets",
  dataClaim: "llmctl-studio-data",
  executor: "llmctl-executor",
  controllerServiceAccount: "llmctl-studio",
  executorServiceAccount: "llmctl-executor",
  smokeJob: "llmctl-executor-smoke",
  ingress: "llmctl-studio",
  harbor: "llmctl-harbor",
  pgadmin: "llmctl-pgadmin",
  harborPullSecret: "llmctl-harbor-regcred",
  registryPullSecret: "llmctl-registry-regcred",
} as const;
export const PORTS = { backend: 5155, frontend: 8080 } as const;
export const POSTGRES = { database: "llmctl", user: "llmctl", passwordKey: "LLMCTL_POSTGRES_PASSWORD" } as const;
export const CREDENTIALS_PATH = "/app/data/credentials";
const LIVE_CODE_MOUNT = "/app";
const FRONTEND_SOURCE = "/app/app/llmctl-studio-frontend";

export interface LlmctlSuiteArgs {
  /** The llmctl section of the stack config. */
  readonly config: LlmctlConfig;
  readonly exposure: ExposureConfig;
  readonly gpu: GpuConfig;
  readonly persistence: boolean;
  /** undefined: the cluster default. */
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
  readonly podDisruptionBudgets: boolean;
  /** Resolved reference of every image (registry rewrite already applied). */
  readonly images: Readonly<Record<ImageName, string>>;
  /** Existing dockerconfigjson Secrets in the llmctl namespace for every pod and executor Job. */
  readonly imagePullSecrets: readonly string[];
  readonly harbor: HarborConfig;
  readonly pgadmin: PgAdminConfig;
  /** Where a generated pull secret for the llmctl images gets its credentials. */
  readonly pullCredentials: PullCredentials;
}

export interface HarborOutputs {
  readonly url: string;
  readonly adminUsername: string;
  readonly adminPassword: pulumi.Output<string>;
  /** <registry endpoint>/<project>, the prefix of the llmctl images when useHarborRegistry is on. */
  readonly imagePrefix: string;
  readonly chartVersion: string;
}

export interface PgAdminOutputs {
  readonly url: string;
  readonly email: string;
  readonly password: pulumi.Output<string>;
}

export interface Endpoint {
  readonly url: pulumi.Output<string>;
  readonly portForward: string;
}

export class LlmctlSuite extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly frontend: Endpoint;
  readonly backend: Endpoint;
  /** In-cluster MCP endpoint URLs by route (llmctl, github, ...). */
  readonly mcpEndpoints: Readonly<Record<string, pulumi.Output<string>>>;
  /** Public MCP URLs by route, when an ingress or mcpPublicBaseUrl exists. */
  readonly mcpPublicEndpoints?: Readonly<Record<string, string>>;
  /** Secret names an operator looks at, and how each is filled. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly postgresPasswordSecret: { readonly name: pulumi.Output<string>; readonly key: string };
  /** The generated Postgres password (a Pulumi secret): pgAdmin's server definition uses the same value. */
  readonly postgresPassword: pulumi.Output<string>;
  readonly postgresHost: pulumi.Output<string>;
  readonly harbor?: HarborOutputs;
  readonly pgadmin?: PgAdminOutputs;
  /** Every pull secret the llmctl pods and executor Jobs use (existing plus generated). */
  readonly imagePullSecrets: readonly string[];

  constructor(name: string, args: LlmctlSuiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:suites:Llmctl", name, {}, opts);
    const cfg = args.config;
    const ns = cfg.namespace;
    const child = { parent: this };
    const liveCode = cfg.executor.liveCodeHostPath;
    const creds = args.pullCredentials;
    const generatedPullSecret =
      creds.kind === "harbor" ? NAMES.harborPullSecret : creds.kind === "operator" ? NAMES.registryPullSecret : undefined;
    this.imagePullSecrets = [...args.imagePullSecrets, ...(generatedPullSecret ? [generatedPullSecret] : [])];
    const common = { instance: INSTANCE, profile: args.profile, imagePullSecrets: this.imagePullSecrets };

    const namespace = new Namespace(
      `${name}-namespace`,
      liveCode
        ? {
            name: ns,
            instance: INSTANCE,
            enforce: "privileged",
            enforceReason: "llmctlLiveCode mounts a hostPath (dev only); restricted is still warned and audited",
          }
        : { name: ns, instance: INSTANCE },
      child,
    );
    this.namespace = namespace.name;
    const inNs = { parent: this, dependsOn: [namespace] };

    // ---- secrets
    const studioSecret = new GeneratedSecret(
      NAMES.studioSecret,
      {
        namespace: this.namespace,
        secretName: NAMES.studioSecret,
        instance: INSTANCE,
        generate: { [POSTGRES.passwordKey]: { length: 32 } },
        extra: { LLMCTL_MCP_PUBLIC_BASE_URL: cfg.mcpPublicBaseUrl },
      },
      inNs,
    );
    this.postgresPasswordSecret = { name: studioSecret.secretName, key: POSTGRES.passwordKey };
    this.postgresPassword = studioSecret.values[POSTGRES.passwordKey];

    const mcpSecretValues: Record<McpSecretKey, pulumi.Input<string> | undefined> = {
      GITHUB_PERSONAL_ACCESS_TOKEN: cfg.secrets.githubToken,
      JIRA_URL: cfg.integrations.jiraUrl,
      JIRA_USERNAME: cfg.integrations.jiraUsername,
      JIRA_API_TOKEN: cfg.secrets.jiraApiToken,
      CONFLUENCE_URL: cfg.integrations.confluenceUrl,
      CONFLUENCE_USERNAME: cfg.integrations.confluenceUsername,
      CONFLUENCE_API_TOKEN: cfg.secrets.confluenceApiToken,
      GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON: cfg.secrets.googleCloudServiceAccountJson,
      GOOGLE_CLOUD_PROJECT: cfg.integrations.googleCloudProjectId,
      GOOGLE_WORKSPACE_SERVICE_ACCOUNT_JSON: cfg.secrets.googleWorkspaceServiceAccountJson,
      GOOGLE_WORKSPACE_IMPERSONATE_USER: cfg.integrations.googleWorkspaceImpersonateUser,
    };
    // llmctl-mcp-secrets is optional for boot: it exists only when an operator supplied something, and
    // every reference to it is optional.
    const mcpSecret = Object.values(mcpSecretValues).some((v) => v !== undefined)
      ? new GeneratedSecret(
          NAMES.mcpSecret,
          { namespace: this.namespace, secretName: NAMES.mcpSecret, instance: INSTANCE, generate: {}, extra: mcpSecretValues },
          inNs,
        )
      : undefined;

    // ---- Harbor (optional) and the pull secret for llmctl images
    let harbor: Harbor | undefined;
    if (args.harbor.enabled) {
      harbor = new Harbor(
        NAMES.harbor,
        {
          config: args.harbor,
          exposure: args.exposure,
          persistence: args.persistence,
          storageClass: args.storageClass,
          profile: args.profile,
          curlImage: args.images["wait-for"],
        },
        child,
      );
      this.harbor = {
        url: harbor.externalUrl,
        adminUsername: harbor.adminUsername,
        adminPassword: harbor.adminPassword,
        imagePrefix: `${harbor.registryEndpoint}/${harbor.project}`,
        chartVersion: harbor.chartVersion,
      };
    }
    const pullAuth =
      creds.kind === "harbor" && harbor
        ? { server: creds.server, username: pulumi.output(harbor.adminUsername), password: harbor.adminPassword }
        : creds.kind === "operator"
          ? { server: creds.server, username: pulumi.output(creds.username), password: creds.password }
          : undefined;
    const pullSecret =
      pullAuth && generatedPullSecret
        ? new GeneratedSecret(
            generatedPullSecret,
            {
              namespace: this.namespace,
              secretName: generatedPullSecret,
              instance: INSTANCE,
              type: "kubernetes.io/dockerconfigjson",
              generate: {},
              extra: { ".dockerconfigjson": dockerConfigJson(pullAuth) },
            },
            inNs,
          )
        : undefined;

    // ---- datastores
    const storage = (size: string) => ({ persistence: args.persistence, size, storageClass: args.storageClass });
    const pg = postgres(
      NAMES.postgres,
      {
        ...common,
        namespace: this.namespace,
        image: args.images.postgres,
        storage: storage(cfg.storage.postgres),
        database: POSTGRES.database,
        user: POSTGRES.user,
        passwordSecret: { name: studioSecret.secretName, key: POSTGRES.passwordKey },
        passwordChecksum: studioSecret.checksum,
      },
      inNs,
    );
    const rd = redis(NAMES.redis, { ...common, namespace: this.namespace, image: args.images.redis, storage: storage(cfg.storage.redis) }, inNs);
    const ch = chroma(NAMES.chroma, { ...common, namespace: this.namespace, image: args.images.chromadb, storage: storage(cfg.storage.chroma) }, inNs);
    this.postgresHost = pg.dnsName;

    // ---- pgAdmin (optional): the studio's generated Postgres password, no copy
    if (args.pgadmin.enabled) {
      const pgadmin = new PgAdmin(
        NAMES.pgadmin,
        {
          config: args.pgadmin,
          exposure: args.exposure,
          persistence: args.persistence,
          storageClass: args.storageClass,
          profile: args.profile,
          postgres: { host: pg.dnsName, port: POSTGRES_PORT, database: POSTGRES.database, user: POSTGRES.user, password: this.postgresPassword },
          initImage: args.images["wait-for"],
        },
        child,
      );
      allowIngress(
        `${NAMES.postgres}-allow-pgadmin`,
        {
          namespace: this.namespace,
          selector: pg.selector,
          port: POSTGRES_PORT,
          fromNamespaces: [args.pgadmin.namespace],
          labels: standardLabels(NAMES.postgres, INSTANCE),
        },
        inNs,
      );
      this.pgadmin = { url: pgadmin.url, email: pgadmin.email, password: pgadmin.password };
    }

    // Shared Studio data (integration-managed credential files read by the Google MCP servers).
    let dataVolume: Volume;
    if (args.persistence) {
      const claim = new k8s.core.v1.PersistentVolumeClaim(
        NAMES.dataClaim,
        {
          metadata: { name: NAMES.dataClaim, namespace: this.namespace, labels: standardLabels(NAMES.dataClaim, INSTANCE, "storage") },
          spec: {
            accessModes: [cfg.storage.dataAccessMode],
            storageClassName: args.storageClass,
            resources: { requests: { storage: cfg.storage.data } },
          },
        },
        // The claim binds when its first consumer is scheduled (WaitForFirstConsumer classes).
        { ...inNs, retainOnDelete: false },
      );
      dataVolume = { name: "studio-data", persistentVolumeClaim: { claimName: claim.metadata.name } };
    } else {
      // Without persistence the credentials cannot be shared; the Google MCP servers fall back to llmctl-mcp-secrets.
      dataVolume = emptyDir("studio-data", cfg.storage.data);
    }

    // ---- executor plumbing
    const executor = new ExecutorPlumbing(
      NAMES.executor,
      {
        namespace: this.namespace,
        instance: INSTANCE,
        controllerServiceAccount: NAMES.controllerServiceAccount,
        executorServiceAccount: NAMES.executorServiceAccount,
        gpu: args.gpu,
        imagePullSecrets: this.imagePullSecrets,
      },
      { ...inNs, dependsOn: [namespace, ...(pullSecret ? [pullSecret] : [])] },
    );

    // ---- studio config
    const mcpEndpoints: Record<string, pulumi.Output<string>> = {};
    const mcpServices: WebService[] = [];
    const configMapName = NAMES.configMap;
    const studioEnvFrom: k8s.types.input.core.v1.EnvFromSource[] = [
      { configMapRef: { name: configMapName } },
      { secretRef: { name: NAMES.studioSecret } },
      { secretRef: { name: NAMES.mcpSecret, optional: true } },
    ];
    const liveCodeVolume: Volume[] = liveCode ? [{ name: "live-code", hostPath: { path: liveCode, type: "Directory" } }] : [];
    const liveCodeMount: VolumeMount[] = liveCode ? [{ name: "live-code", mountPath: LIVE_CODE_MOUNT }] : [];
    const tmp = emptyDir("tmp");
    const tmpMount: VolumeMount = { name: "tmp", mountPath: "/tmp" };
    const exposed = args.exposure.mode !== "clusterIP";

    // ---- MCP servers
    for (const server of MCP_SERVERS) {
      const secretEnv: EnvMap = Object.fromEntries(
        server.secretEnv.map((key) => [key, { secretKeyRef: { name: NAMES.mcpSecret, key, optional: true } }]),
      );
      const volumes: Volume[] = [tmp, ...(server.llmctlCode ? liveCodeVolume : []), ...(server.readsCredentials ? [dataVolume] : [])];
      const mounts: VolumeMount[] = [
        tmpMount,
        ...(server.llmctlCode ? liveCodeMount : []),
        ...(server.readsCredentials ? [{ name: dataVolume.name, mountPath: CREDENTIALS_PATH, readOnly: true }] : []),
      ];
      const svc = new WebService(
        server.name,
        {
          ...common,
          namespace: this.namespace,
          component: "mcp",
          port: { port: server.port },
          volumes,
          podDisruptionBudget: false,
          container: {
            image: args.images[server.image],
            size: "small",
            env: {
              MCP_TRANSPORT: "streamable-http",
              HOST: "0.0.0.0",
              PORT: String(server.port),
              ...(server.readsCredentials ? { LLMCTL_CREDENTIALS_DIR: CREDENTIALS_PATH } : {}),
              ...(server.name === "llmctl-mcp-chroma"
                ? { CHROMA_CLIENT_TYPE: "http", CHROMA_HOST: ch.dnsName, CHROMA_PORT: String(CHROMA_PORT), CHROMA_SSL: "false" }
                : {}),
              ...secretEnv,
            },
            envFrom: server.llmctlCode ? studioEnvFrom : undefined,
            volumeMounts: mounts,
            probes: tcpProbes("http"),
            // The MCP runtimes (Python/Node) write caches outside /tmp; not verified read-only safe.
            readOnlyRootFilesystem: false,
          },
        },
        { ...inNs, dependsOn: [namespace, ...(server.llmctlCode ? [pg] : [])] },
      );
      mcpServices.push(svc);
      mcpEndpoints[server.route] = pulumi.interpolate`http://${svc.dnsName!}:${server.port}${server.path}`;
    }
    this.mcpEndpoints = mcpEndpoints;

    const configData = studioConfigData({
      namespace: ns,
      postgres: { host: pg.dnsName, port: POSTGRES_PORT, database: POSTGRES.database, user: POSTGRES.user },
      chroma: { host: ch.dnsName, port: CHROMA_PORT },
      redis: { host: rd.dnsName, port: REDIS_PORT },
      mcpWait: cfg.mcpWait,
      mcpEndpoints: Object.values(mcpEndpoints),
      executor: {
        frontierImage: args.images["llmctl-executor-frontier"],
        vllmImage: args.images["llmctl-executor-vllm"],
        serviceAccount: executor.executorServiceAccount,
        gpuLimit: args.gpu.enabled ? args.gpu.limit : 0,
        gpuResourceName: args.gpu.resourceName,
        jobTtlSeconds: cfg.executor.jobTtlSeconds,
        imagePullSecrets: this.imagePullSecrets,
        liveCodeHostPath: liveCode,
        placement: executor.placement,
      },
    });
    const configMap = new k8s.core.v1.ConfigMap(
      configMapName,
      { metadata: { name: configMapName, namespace: this.namespace, labels: standardLabels(configMapName, INSTANCE, "config") }, data: configData },
      inNs,
    );
    const studioChecksums = {
      config: checksum(configData),
      secret: studioSecret.checksum,
      ...(mcpSecret ? { "mcp-secret": mcpSecret.checksum } : {}),
    };
    const studioDeps = [namespace, configMap, studioSecret, ...(mcpSecret ? [mcpSecret] : []), ...(pullSecret ? [pullSecret] : [])];

    // ---- start-up gates
    const gates: ContainerArgs[] = [
      waitForContainer({
        name: "wait-for-datastores",
        image: args.images["wait-for"],
        targets: [
          { kind: "tcp", host: `${NAMES.postgres}.${ns}.svc.cluster.local`, port: POSTGRES_PORT },
          { kind: "tcp", host: `${NAMES.redis}.${ns}.svc.cluster.local`, port: REDIS_PORT },
        ],
      }),
    ];
    const backendGates: ContainerArgs[] = [...gates];
    if (cfg.mcpWait.enabled) {
      backendGates.push(
        waitForContainer({
          name: "wait-for-integrated-mcp",
          image: args.images["wait-for"],
          targets: MCP_SERVERS.map((s): WaitTarget => ({ kind: "http", url: mcpUrl(s, ns) })),
          timeoutSeconds: cfg.mcpWait.timeoutSeconds,
        }),
      );
    }

    // ---- studio backend (producer/control plane; launches executor Jobs)
    const nodePort = (port: number) => (args.exposure.mode === "nodePort" ? port : undefined);
    const pythonApp = {
      image: args.images["llmctl-studio-backend"],
      envFrom: studioEnvFrom,
      // The studio writes workspaces and caches under /app/data; its image does not document a fixed
      // set of writable paths, so its root stays writable (still non-root, no capabilities).
      readOnlyRootFilesystem: false,
    };
    const backend = new WebService(
      NAMES.backend,
      {
        ...common,
        namespace: this.namespace,
        component: "api",
        port: { port: PORTS.backend, nodePort: nodePort(cfg.backend.nodePort) },
        replicas: cfg.backend.replicas,
        maxReplicas: cfg.backend.maxReplicas,
        podDisruptionBudget: args.podDisruptionBudgets,
        serviceAccountName: executor.controllerServiceAccount,
        // The backend creates executor Jobs through the API server.
        automountServiceAccountToken: true,
        initContainers: backendGates,
        volumes: [tmp, dataVolume, ...liveCodeVolume],
        checksums: studioChecksums,
        container: {
          ...pythonApp,
          size: "medium",
          volumeMounts: [tmpMount, { name: dataVolume.name, mountPath: CREDENTIALS_PATH }, ...liveCodeMount],
          probes: tcpProbes("http", 10),
        },
      },
      { ...inNs, dependsOn: [...studioDeps, executor, ...mcpServices] },
    );

    // ---- studio frontend
    const frontend = new WebService(
      NAMES.frontend,
      {
        ...common,
        namespace: this.namespace,
        component: "ui",
        port: { port: PORTS.frontend, nodePort: nodePort(cfg.frontend.nodePort) },
        replicas: cfg.frontend.replicas,
        maxReplicas: cfg.frontend.maxReplicas,
        podDisruptionBudget: args.podDisruptionBudgets,
        volumes: [tmp, ...liveCodeVolume, ...(liveCode ? [emptyDir("node-modules", "2Gi")] : [])],
        container: {
          image: args.images["llmctl-studio-frontend"],
          size: "small",
          volumeMounts: [tmpMount, ...liveCodeMount, ...(liveCode ? [{ name: "node-modules", mountPath: `${FRONTEND_SOURCE}/node_modules` }] : [])],
          // Live code runs the Vite dev server with polling watches (the seed's dev overlay).
          ...(liveCode
            ? {
                command: ["npm", "run", "dev", "--", "--host", "0.0.0.0", "--port", String(PORTS.frontend)],
                env: { CHOKIDAR_USEPOLLING: "true", VITE_BACKEND_URL: `http://${NAMES.backend}.${ns}.svc.cluster.local:${PORTS.backend}` },
              }
            : {}),
          probes: httpProbes("http", "/"),
          // The web server writes its pid and temp files (and Vite its cache) outside /tmp.
          readOnlyRootFilesystem: false,
        },
      },
      { ...inNs, dependsOn: [namespace, backend] },
    );

    // ---- celery worker: consumes every queue; slots = replicas x concurrency
    const celery = (...cmd: string[]) => ["celery", "-A", CELERY_APP, ...cmd];
    new WebService(
      NAMES.worker,
      {
        ...common,
        namespace: this.namespace,
        component: "worker",
        replicas: cfg.celery.workerReplicas,
        podDisruptionBudget: args.podDisruptionBudgets,
        initContainers: gates,
        volumes: [tmp, ...liveCodeVolume],
        checksums: studioChecksums,
        terminationGracePeriodSeconds: 120,
        container: {
          ...pythonApp,
          image: args.images["llmctl-celery-worker"],
          size: "medium",
          command: celery("worker", "--loglevel=INFO", `--concurrency=${cfg.celery.workerConcurrency}`, "-Q", CELERY_QUEUES.join(",")),
          volumeMounts: [tmpMount, ...liveCodeMount],
          probes: execProbes(["/bin/sh", "-c", `celery -A ${CELERY_APP} inspect ping -d "celery@$HOSTNAME" --timeout 10`], 20, 20),
        },
      },
      { ...inNs, dependsOn: studioDeps },
    );

    // ---- celery beat: the only scheduler; Recreate so a rollout never runs two
    new WebService(
      NAMES.beat,
      {
        ...common,
        namespace: this.namespace,
        component: "scheduler",
        replicas: 1,
        strategy: "Recreate",
        initContainers: gates,
        volumes: [tmp, ...liveCodeVolume],
        checksums: studioChecksums,
        container: {
          ...pythonApp,
          image: args.images["llmctl-celery-worker"],
          size: "small",
          command: celery("beat", "--loglevel=INFO", "--schedule", "/tmp/celerybeat-schedule"),
          volumeMounts: [tmpMount, ...liveCodeMount],
          // Beat rewrites its schedule file at least every few minutes; a stale file means a stuck beat.
          probes: execProbes(["/bin/sh", "-c", "find /tmp -maxdepth 1 -name 'celerybeat-schedule*' -mmin -10 | grep -q ."], 30),
        },
      },
      { ...inNs, dependsOn: studioDeps },
    );

    // ---- optional executor smoke Job (on a GPU node when GPUs are on)
    if (cfg.executor.smokeTest) {
      const placement = executor.placement;
      new k8s.batch.v1.Job(
        NAMES.smokeJob,
        {
          metadata: { name: NAMES.smokeJob, namespace: this.namespace, labels: standardLabels(NAMES.smokeJob, INSTANCE, "executor") },
          spec: {
            backoffLimit: 1,
            activeDeadlineSeconds: 600,
            ttlSecondsAfterFinished: cfg.executor.jobTtlSeconds,
            template: {
              metadata: { labels: standardLabels(NAMES.smokeJob, INSTANCE, "executor") },
              spec: smokePodSpec(args, this.imagePullSecrets, executor.executorServiceAccount, placement),
            },
          },
        },
        { ...inNs, dependsOn: [namespace, executor] },
      );
    }

    // ---- exposure: NodePort and ingress-controller traffic comes from outside the namespace
    if (exposed) {
      const external = [
        { name: NAMES.backend, svc: backend, port: PORTS.backend },
        { name: NAMES.frontend, svc: frontend, port: PORTS.frontend },
        ...MCP_SERVERS.map((s, i) => ({ name: s.name, svc: mcpServices[i], port: s.port })),
      ];
      for (const e of external) {
        allowIngress(
          `${e.name}-allow-external`,
          { namespace: this.namespace, selector: e.svc.selector, port: e.port, labels: standardLabels(e.name, INSTANCE) },
          inNs,
        );
      }
    }

    const host = args.exposure.nodePortHost ?? "<node-ip>";
    const forward = (svc: string, p: number) => `kubectl -n ${ns} port-forward svc/${svc} ${p}:${p}`;
    let ingressOrigin: string | undefined;
    if (args.exposure.mode === "ingress" && args.exposure.ingress) {
      const routes: Route[] = [
        { name: "frontend", path: "/", serviceName: frontend.serviceName!, servicePort: PORTS.frontend },
        { name: "api", path: "/api", serviceName: backend.serviceName!, servicePort: PORTS.backend },
        ...MCP_SERVERS.map((s, i) => ({
          name: `mcp-${s.route}`,
          path: `/mcp/${s.route}`,
          serviceName: mcpServices[i].serviceName!,
          servicePort: s.port,
          rewriteTo: s.path,
        })),
      ];
      const ingress = new IngressRoutes(
        NAMES.ingress,
        {
          namespace: this.namespace,
          instance: INSTANCE,
          host: args.exposure.ingress.host,
          className: args.exposure.ingress.className,
          tlsClusterIssuer: args.exposure.ingress.tlsClusterIssuer,
          routes,
        },
        inNs,
      );
      ingressOrigin = ingress.origin;
    }
    const url = (svc: WebService, p: number, nodePortValue: number, path = "/"): pulumi.Output<string> => {
      if (ingressOrigin) return pulumi.output(`${ingressOrigin}${path}`);
      if (args.exposure.mode === "nodePort") return pulumi.output(`http://${host}:${nodePortValue}/`);
      return pulumi.interpolate`http://${svc.dnsName!}:${p}/`;
    };
    this.frontend = { url: url(frontend, PORTS.frontend, cfg.frontend.nodePort), portForward: forward(NAMES.frontend, PORTS.frontend) };
    this.backend = { url: url(backend, PORTS.backend, cfg.backend.nodePort, "/api"), portForward: forward(NAMES.backend, PORTS.backend) };

    const publicBase = cfg.mcpPublicBaseUrl ?? ingressOrigin;
    this.mcpPublicEndpoints = publicBase
      ? Object.fromEntries(MCP_SERVERS.map((s) => [s.route, `${publicBase}/mcp/${s.route}`]))
      : undefined;
    this.secrets = {
      [NAMES.studioSecret]: "generated by Pulumi (Postgres password); nothing to fill in",
      [NAMES.mcpSecret]: mcpSecret
        ? `created from stack config (${MCP_SECRET_KEYS.filter((k) => mcpSecretValues[k] !== undefined).join(", ")})`
        : "not created: set githubToken, jiraApiToken, confluenceApiToken, googleCloudServiceAccountJson or googleWorkspaceServiceAccountJson with `pulumi config set --secret`",
    };

    this.registerOutputs({
      namespace: this.namespace,
      frontendUrl: this.frontend.url,
      backendUrl: this.backend.url,
      mcpEndpoints: this.mcpEndpoints,
    });
  }
}

function smokePodSpec(
  args: LlmctlSuiteArgs,
  pullSecrets: readonly string[],
  serviceAccount: pulumi.Output<string>,
  placement: ExecutorPlumbing["placement"],
): pulumi.Output<k8s.types.input.core.v1.PodSpec> {
  const base = resources(args.profile, "small");
  return buildPodSpec({
    profile: args.profile,
    restartPolicy: "Never",
    serviceAccountName: serviceAccount,
    imagePullSecrets: pullSecrets,
    nodeSelector: placement.nodeSelector,
    tolerations: placement.tolerations,
    runtimeClassName: placement.runtimeClassName,
    containers: [
      {
        name: "smoke",
        image: args.images["llmctl-executor-frontier"],
        command: ["python", "-c", "import platform; print('llmctl executor smoke: ok', platform.python_version())"],
        size: "small",
        // The GPU limit (when on) proves the pod lands on a GPU node with the device plugin.
        resourcesOverride: { requests: base.requests, limits: { ...(base.limits as Record<string, string>), ...(placement.limits ?? {}) } },
      },
    ],
  });
}

/** A kubernetes.io/dockerconfigjson payload for one registry. */
function dockerConfigJson(auth: { server: string; username: pulumi.Input<string>; password: pulumi.Input<string> }): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([auth.username, auth.password]).apply(([username, password]) =>
      JSON.stringify({
        auths: { [auth.server]: { username, password, auth: Buffer.from(`${username}:${password}`).toString("base64") } },
      }),
    ),
  );
}
