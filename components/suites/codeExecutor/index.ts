/**
 * The secure code executor (seed code-executor-platform.md): llm-service writes and validates Python,
 * executor-service runs light code itself and untrusted heavy code as Kubernetes Jobs. Its hardening is the
 * product: restricted pods, a namespaced Role for Jobs only, a quota and limits, default deny with exactly the
 * wired flows, and no credential typed by a person where the platform owns the service.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parseCpu, parseMemory } from "../../lib/capacity";
import { checksum } from "../../lib/checksum";
import { standardLabels } from "../../lib/labels";
import { jobAdmission } from "../../platform/jobAdmission";
import { httpProbes } from "../../lib/probes";
import { EdgeRoutes } from "../../platform/edge/edgeRoutes";
import { hasPublicHosts, publicOrigin, serviceHost } from "../../platform/exposure";
import { allowFlow, type Flow, INTERNET_PORTS, type PodGroup, workloadPods } from "../../platform/flows";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { gpuPlacement } from "../../platform/gpu";
import { consumerKey, MODEL_GATEWAY_KEY, MODEL_GATEWAY_SECRET, useModelGateway } from "../../platform/modelGateway";
import { emptyDir, type EnvMap } from "../../workloads/pod";
import { WebService } from "../../workloads/webService";
import { childOpts, openSuite, type SuiteContext, workloadOpts } from "../context";
import { defineSuite, type PlatformContext } from "../types";
import { CODE_EXECUTOR_SCHEMA, type CodeExecutorConfig, parseCodeExecutor } from "./config";
import { executorGrants, executorConfigData, executorQuota, portForwards, type Quota } from "./decisions";
import { CODE_EXECUTOR_CATALOGUE, type CodeExecutorImage } from "./images";
import { codeExecutorDemand } from "./capacity";
import { EXECUTOR_RULES, HEALTH_PATH, INSTANCE, NAMES, PORTS, SEED_RESOURCES, UID } from "./names";
import { executorMetrics, useExecutorObjectStore } from "./wires";

type Ctx = SuiteContext<CodeExecutorImage>;

/** Any pod of a Job in the namespace: the heavy Jobs executor-service creates. */
export function heavyJobPods(namespace: string, own?: PodGroup["own"]): PodGroup {
  return { name: "heavy-jobs", namespace, own, selector: { matchExpressions: [{ key: "batch.kubernetes.io/job-name", operator: "Exists" }] } };
}

/** The flows the wiring needs; the model gateway's comes with it (useModelGateway). */
export function executorFlows(cfg: CodeExecutorConfig, ctx: Pick<Ctx, "network" | "namespace">, viaGateway: boolean): Flow[] {
  const pods = (name: string) => workloadPods(name, INSTANCE, cfg.namespace, ctx.namespace);
  const flows: Flow[] = [
    { name: `${NAMES.llm}-to-${NAMES.executor}`, from: { pods: pods(NAMES.llm) }, to: { pods: pods(NAMES.executor) }, ports: [{ port: PORTS.executor }], why: "executor_service_url" },
    {
      name: `${NAMES.executor}-to-api-server`,
      from: { pods: pods(NAMES.executor) },
      to: { external: ctx.network.apiServer },
      ports: ctx.network.apiServerPorts.map((port) => ({ port })),
      why: "executor-service creates heavy Jobs and reads their pods and logs",
    },
  ];
  // Without the platform's gateway the LLM endpoint is outside: both services reach the internet for it.
  if (!viaGateway) {
    for (const n of [NAMES.llm, NAMES.executor]) flows.push({ name: `${n}-to-llm-api`, from: { pods: pods(n) }, to: { external: ctx.network.internet }, ports: INTERNET_PORTS, why: "the configured LLM endpoint" });
  }
  if (cfg.heavy.egress === "internet") {
    flows.push({ name: "heavy-jobs-to-internet", from: { pods: heavyJobPods(cfg.namespace, ctx.namespace) }, to: { external: ctx.network.internet }, ports: INTERNET_PORTS, why: "codeExecutorHeavyEgress: internet" });
  }
  return flows;
}

export class CodeExecutorSuite extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly quota: Quota;
  readonly url: string;
  readonly llmBaseUrl: string;
  readonly portForwards: Readonly<Record<string, string>>;

  constructor(name: string, args: { config: CodeExecutorConfig; platform: PlatformContext<CodeExecutorImage> }, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:suites:CodeExecutor", name, {}, opts);
    const { config: cfg, platform } = args;
    // Nothing here outlives a delete: its Jobs and their pods go with the namespace.
    const ctx = openSuite(this, name, platform, { namespaceName: cfg.namespace, instance: INSTANCE, namespace: { keepOnDelete: false } });
    this.namespace = ctx.namespace;
    const gateway = platform.modelGateway;
    const callers: PodGroup = { name: INSTANCE, namespace: cfg.namespace, own: this.namespace, selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [NAMES.llm, NAMES.executor] }] } };
    if (gateway) useModelGateway(name, { namespace: this.namespace, instance: INSTANCE, gateway, callers }, childOpts(ctx));
    this.llmBaseUrl = gateway?.baseUrl ?? cfg.llm.baseUrl ?? "";
    this.portForwards = portForwards(cfg.namespace);

    const secret = new GeneratedSecret(
      NAMES.secret,
      {
        namespace: this.namespace,
        secretName: NAMES.secret,
        instance: INSTANCE,
        // Nothing generated: the seed's DB_PASSWORD opens a database the seed does not deploy, so it is the
        // operator's (codeExecutorDbPassword), like its other credentials. Missing optional values are absent
        // keys, never placeholders. The gateway's key is in model-gateway and the platform's object-store keys
        // in object-store (wires.ts); the operator's S3 keys stay here.
        generate: {},
        extra: {
          ...cfg.secrets,
          ...(cfg.s3 ? { AWS_ACCESS_KEY_ID: cfg.s3.accessKeyId, AWS_SECRET_ACCESS_KEY: cfg.s3.secretAccessKey } : {}),
          ...(gateway ? {} : { LLM_API_KEY: cfg.llm.apiKey }),
        },
      },
      childOpts(ctx),
    );
    const store = useExecutorObjectStore(ctx, cfg, platform.objectStore, callers);
    const data = executorConfigData(cfg, ctx.images["heavy-executor"], gpuPlacement(ctx.gpu), this.llmBaseUrl);
    const config = new k8s.core.v1.ConfigMap(NAMES.config, { metadata: { name: NAMES.config, namespace: this.namespace, labels: standardLabels(NAMES.config, INSTANCE, "config") }, data }, childOpts(ctx));
    this.quota = executorQuota(cfg);
    this.guardrails(ctx, cfg);
    const sa = this.rbac(ctx);
    const envFrom = [{ configMapRef: { name: NAMES.config } }, { secretRef: { name: NAMES.secret } }, ...(store ? [store.envFrom] : [])];
    // The seed's services read the key as LLM_API_KEY (secrets.yaml) whoever issues it: the gateway's from its Secret.
    const env: EnvMap = gateway ? { LLM_API_KEY: { secretKeyRef: { name: MODEL_GATEWAY_SECRET, key: MODEL_GATEWAY_KEY } } } : {};
    // The gateway's key (model-gateway) too: a rotated consumer key rolls the services that send it.
    const checksums = { data: checksum(data), secret: secret.checksum, ...(store ? { objectStore: store.checksum } : {}), ...(gateway ? { gateway: checksum(consumerKey(gateway, INSTANCE)) } : {}) };
    this.services(ctx, cfg, envFrom, env, [config, secret, sa, ...(store ? [store.secret] : [])], checksums);
    for (const f of executorFlows(cfg, ctx, gateway !== undefined)) allowFlow(f, INSTANCE, childOpts(ctx));
    executorMetrics(ctx, cfg, platform.monitoring);
    if (hasPublicHosts(ctx.exposure) && cfg.host) {
      const group = { name: NAMES.llm, instance: INSTANCE, namespace: cfg.namespace, host: cfg.host, auth: { kind: "edge" as const }, routes: [{ name: NAMES.llm, path: "/", service: NAMES.llm, port: PORTS.llm }] };
      new EdgeRoutes(`${INSTANCE}-${NAMES.llm}`, { group, namespace: this.namespace, edge: ctx.edge }, childOpts(ctx));
    }
    this.url = `${publicOrigin(ctx.exposure, { host: cfg.host ?? "", nodePort: 0, inCluster: `http://${serviceHost(NAMES.llm, cfg.namespace)}:${PORTS.llm}` }, "inCluster")}/`;
    this.registerOutputs({ namespace: this.namespace, url: this.url });
  }

  /** ResourceQuota and LimitRange: heavy Jobs are bounded one by one and all together. */
  private guardrails(ctx: Ctx, cfg: CodeExecutorConfig): void {
    const q = this.quota;
    new k8s.core.v1.ResourceQuota(
      NAMES.quota,
      {
        metadata: { name: NAMES.quota, namespace: ctx.namespace, labels: standardLabels(NAMES.quota, INSTANCE, "policy") },
        spec: {
          hard: {
            "requests.cpu": q.requests.cpu,
            "requests.memory": q.requests.memory,
            "limits.cpu": q.limits.cpu,
            "limits.memory": q.limits.memory,
            pods: String(q.pods),
            "count/jobs.batch": String(q.jobs),
          },
        },
      },
      childOpts(ctx),
    );
    // A container without resources gets a heavy Job's; none may ask for more than the largest pod of the suite.
    new k8s.core.v1.LimitRange(
      NAMES.limits,
      {
        metadata: { name: NAMES.limits, namespace: ctx.namespace, labels: standardLabels(NAMES.limits, INSTANCE, "policy") },
        spec: {
          limits: [
            {
              type: "Container",
              defaultRequest: { ...cfg.heavy.requests },
              default: { ...cfg.heavy.limits },
              max: { cpu: maxQuantity(cfg.heavy.limits.cpu, SEED_RESOURCES.executor.limits.cpu as string, "cpu"), memory: maxQuantity(cfg.heavy.limits.memory, SEED_RESOURCES.executor.limits.memory as string, "memory") },
            },
          ],
        },
      },
      childOpts(ctx),
    );
  }

  /** The executor's ServiceAccount, Role (Jobs, Pods, logs; this namespace only) and RoleBinding. */
  private rbac(ctx: Ctx): k8s.core.v1.ServiceAccount {
    const labels = standardLabels(NAMES.serviceAccount, INSTANCE, "rbac");
    const sa = new k8s.core.v1.ServiceAccount(NAMES.serviceAccount, { metadata: { name: NAMES.serviceAccount, namespace: ctx.namespace, labels } }, childOpts(ctx));
    new k8s.rbac.v1.Role(NAMES.role, { metadata: { name: NAMES.role, namespace: ctx.namespace, labels }, rules: EXECUTOR_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })) }, childOpts(ctx));
    new k8s.rbac.v1.RoleBinding(
      NAMES.roleBinding,
      {
        metadata: { name: NAMES.roleBinding, namespace: ctx.namespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: NAMES.role },
        subjects: [{ kind: "ServiceAccount", name: NAMES.serviceAccount, namespace: ctx.namespaceName }],
      },
      childOpts(ctx),
    );
    // What executor-service may create: heavy Jobs that run the user's code, restricted, reading no Secret. The
    // seed's heavy Jobs name no ServiceAccount (the namespace's default, which no Role binds).
    jobAdmission(
      { namespace: ctx.namespaceName, instance: INSTANCE, creators: [NAMES.serviceAccount], executorServiceAccount: "default", workloadNames: [NAMES.llm, NAMES.executor], secrets: [], restricted: true },
      childOpts(ctx),
    );
    return sa;
  }

  /** Both services read the same env: the ConfigMap, the Secrets (`envFrom`), nothing per service. */
  private services(ctx: Ctx, cfg: CodeExecutorConfig, envFrom: k8s.types.input.core.v1.EnvFromSource[], env: EnvMap, deps: pulumi.Resource[], checksums: Record<string, pulumi.Input<string>>): void {
    const common = { namespace: ctx.namespace, instance: INSTANCE, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets, uid: UID, podDisruptionBudget: true, checksums };
    new WebService(
      NAMES.llm,
      {
        ...common,
        seedLabels: { app: NAMES.llm },
        component: "api",
        replicas: cfg.llmReplicas,
        port: { port: PORTS.llm },
        automountServiceAccountToken: false,
        volumes: [emptyDir("tmp", "512Mi")],
        container: {
          image: ctx.images["llm-service"],
          size: "medium",
          resourcesOverride: SEED_RESOURCES.llm,
          envFrom,
          env,
          volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          probes: httpProbes("http", HEALTH_PATH, 10),
          // The seed makes only executor-service's root read-only; llm-service's image is not documented as safe.
          readOnlyRootFilesystem: false,
        },
      },
      workloadOpts(ctx, deps),
    );
    new WebService(
      NAMES.executor,
      {
        ...common,
        seedLabels: { app: NAMES.executor },
        component: "executor",
        replicas: cfg.executor.min,
        maxReplicas: cfg.executor.max,
        targetCpuUtilization: 70,
        targetMemoryUtilization: 80,
        hpaName: NAMES.hpa,
        port: { port: PORTS.executor },
        serviceAccountName: NAMES.serviceAccount,
        // It talks to the API server (heavy Jobs): its token, bound by the Role to this namespace.
        automountServiceAccountToken: true,
        volumes: [emptyDir("tmp", "1Gi")],
        container: { image: ctx.images["executor-service"], size: "large", resourcesOverride: SEED_RESOURCES.executor, envFrom, env, volumeMounts: [{ name: "tmp", mountPath: "/tmp" }], probes: httpProbes("http", HEALTH_PATH, 10) },
      },
      workloadOpts(ctx, deps),
    );
  }
}

/** The larger of two quantities of the same kind. */
function maxQuantity(a: string, b: string, kind: "cpu" | "memory"): string {
  const parse = kind === "cpu" ? parseCpu : parseMemory;
  return parse(a) >= parse(b) ? a : b;
}

export const codeExecutor = defineSuite({
  name: "code-executor",
  schema: CODE_EXECUTOR_SCHEMA,
  images: CODE_EXECUTOR_CATALOGUE,
  parse: parseCodeExecutor,
  demand: codeExecutorDemand,
  create: (config: CodeExecutorConfig, platform: PlatformContext<CodeExecutorImage>, opts) => new CodeExecutorSuite(INSTANCE, { config, platform }, opts),
  outputs: (s: CodeExecutorSuite) => ({ namespace: s.namespace, url: s.url, portForward: s.portForwards, quota: s.quota, llmBaseUrl: s.llmBaseUrl }),
  usesGateway: true,
  objectStoreGrants: executorGrants,
});
