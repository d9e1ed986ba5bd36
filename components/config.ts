/**
 * The ONLY place that reads Pulumi config. It turns the raw stack config into one typed, validated
 * `StackConfig`, and rejects bad values at preview time with one error that lists every problem, each
 * naming the key and what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, CONFIG_SCHEMA, type ConfigKey } from "./configSchema";
import {
  IMAGE_NAMES,
  type ImageName,
  type ImageSettings,
  isPinned,
  isValidRegistry,
  isValidTag,
  parseImage,
  resolveAllImages,
} from "./lib/images";
import { RESOURCE_PROFILES, type ResourceProfile } from "./lib/resources";

export const PROJECT = "llm-platform";

/** Suites with an implementation. The others in the design are listed so that a typo and a plan differ. */
export const IMPLEMENTED_SUITES = ["llmctl"] as const;
export const PLANNED_SUITES = ["llm-stack", "code-executor", "context-engine", "mlops"] as const;
export type Suite = (typeof IMPLEMENTED_SUITES)[number];

export const EXPOSURE_MODES = ["nodePort", "ingress", "clusterIP"] as const;
export type ExposureMode = (typeof EXPOSURE_MODES)[number];

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface ExposureConfig {
  readonly mode: ExposureMode;
  /** Address shown in NodePort URLs; undefined prints a placeholder. */
  readonly nodePortHost?: string;
  /** Present when mode is ingress. */
  readonly ingress?: {
    readonly host: string;
    readonly className: string;
    /** cert-manager ClusterIssuer; undefined serves plain HTTP. */
    readonly tlsClusterIssuer?: string;
  };
}

export interface GpuConfig {
  readonly enabled: boolean;
  /** GPUs per executor Job; 0 when disabled. */
  readonly limit: number;
  readonly resourceName: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** undefined: the node's default runtime. */
  readonly runtimeClassName?: string;
  readonly manageRuntimeClass: boolean;
}

export interface ImagesConfig extends ImageSettings {
  readonly pullSecrets: readonly string[];
  readonly requirePinned: boolean;
}

/** Credentials only a person can supply. Each is a Pulumi secret, or undefined when not set. */
export interface OperatorSecrets {
  readonly githubToken?: pulumi.Output<string>;
  readonly jiraApiToken?: pulumi.Output<string>;
  readonly confluenceApiToken?: pulumi.Output<string>;
  readonly googleCloudServiceAccountJson?: pulumi.Output<string>;
  readonly googleWorkspaceServiceAccountJson?: pulumi.Output<string>;
}

export interface LlmctlConfig {
  readonly namespace: string;
  readonly backend: { readonly nodePort: number; readonly replicas: number; readonly maxReplicas: number };
  readonly frontend: { readonly nodePort: number; readonly replicas: number; readonly maxReplicas: number };
  readonly celery: { readonly workerReplicas: number; readonly workerConcurrency: number };
  readonly storage: {
    readonly postgres: string;
    readonly redis: string;
    readonly chroma: string;
    readonly data: string;
    readonly dataAccessMode: "ReadWriteOnce" | "ReadWriteMany";
  };
  readonly mcpWait: { readonly enabled: boolean; readonly timeoutSeconds: number };
  readonly mcpPublicBaseUrl?: string;
  readonly executor: {
    readonly jobTtlSeconds: number;
    readonly smokeTest: boolean;
    /** Present when live code is on. */
    readonly liveCodeHostPath?: string;
  };
  /** Plain (non-secret) operator settings for the MCP servers. */
  readonly integrations: {
    readonly jiraUrl?: string;
    readonly jiraUsername?: string;
    readonly confluenceUrl?: string;
    readonly confluenceUsername?: string;
    readonly googleCloudProjectId?: string;
    readonly googleWorkspaceImpersonateUser?: string;
  };
  readonly secrets: OperatorSecrets;
}

export interface ChartConfig {
  /** Helm repository URL (https://, http:// or oci://). */
  readonly repo: string;
  readonly version: string;
}

export interface HarborConfig {
  readonly enabled: boolean;
  readonly chart: ChartConfig;
  readonly namespace: string;
  readonly nodePort: number;
  /** Ingress host; present when exposure is ingress. */
  readonly host?: string;
  /** Explicit externalURL; undefined derives it from the exposure. */
  readonly externalUrl?: string;
  readonly registryStorageSize: string;
  readonly trivy: boolean;
  /** Registry host nodes pull Harbor images from. */
  readonly registryEndpoint: string;
  readonly project: string;
}

export interface PgAdminConfig {
  readonly enabled: boolean;
  readonly chart: ChartConfig;
  readonly namespace: string;
  readonly nodePort: number;
  readonly host?: string;
  readonly email: string;
}

/** Where pull credentials for llmctl-built images come from. */
export type PullCredentials =
  | { readonly kind: "none" }
  /** The in-cluster Harbor's generated admin credentials. */
  | { readonly kind: "harbor"; readonly server: string }
  /** Operator-supplied credentials for an external registry. */
  | { readonly kind: "operator"; readonly server: string; readonly username: string; readonly password: pulumi.Output<string> };

export interface StackConfig {
  readonly suites: readonly Suite[];
  readonly kubeContext?: string;
  readonly exposure: ExposureConfig;
  readonly persistence: boolean;
  readonly storageClass?: string;
  readonly resourceProfile: ResourceProfile;
  readonly podDisruptionBudgets: boolean;
  readonly images: ImagesConfig;
  readonly gpu: GpuConfig;
  readonly llmctl: LlmctlConfig;
  readonly harbor: HarborConfig;
  readonly pgadmin: PgAdminConfig;
  readonly pullCredentials: PullCredentials;
}

/** Raised for invalid stack config. A RunError prints its message without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Raw config as the Pulumi runtime holds it: keys without the project prefix, values as strings. */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  /** Keys (without prefix) whose values are stored encrypted. */
  readonly secretKeys: ReadonlySet<string>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const QUANTITY = /^([1-9][0-9]*)(Mi|Gi|Ti)$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const RESOURCE_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;
const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

type Typed<K extends ConfigKey> = (typeof CONFIG_SCHEMA)[K]["type"] extends "integer"
  ? number
  : (typeof CONFIG_SCHEMA)[K]["type"] extends "boolean"
    ? boolean
    : (typeof CONFIG_SCHEMA)[K]["type"] extends "array"
      ? string[]
      : string;

/** Reads keys by their declared type, recording problems instead of throwing. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly raw: RawConfig) {}

  /** The fully qualified key, as the operator types it in `pulumi config set`. */
  static key(key: ConfigKey): string {
    return `${PROJECT}:${key}`;
  }

  problem(key: ConfigKey, message: string): void {
    this.problems.push(`${Reader.key(key)}: ${message}`);
  }

  get<K extends ConfigKey>(key: K): Typed<K> {
    const spec = CONFIG_SCHEMA[key];
    const fallback = spec.default as unknown as Typed<K>;
    const raw = this.raw.values[key];
    if (raw === undefined) return Array.isArray(fallback) ? ([...fallback] as Typed<K>) : fallback;
    if (spec.type === "string") return raw as Typed<K>;
    if (spec.type === "integer") {
      if (!/^-?[0-9]+$/.test(raw.trim())) {
        this.problem(key, `must be an integer (got ${JSON.stringify(raw)})`);
        return fallback;
      }
      return Number(raw) as Typed<K>;
    }
    if (spec.type === "boolean") {
      if (raw !== "true" && raw !== "false") {
        this.problem(key, `must be true or false (got ${JSON.stringify(raw)})`);
        return fallback;
      }
      return (raw === "true") as Typed<K>;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.some((v) => typeof v !== "string")) {
      this.problem(key, `must be a list of strings (got ${JSON.stringify(raw)})`);
      return [...(fallback as unknown as string[])] as Typed<K>;
    }
    return parsed as Typed<K>;
  }

  /** For keys only known as ConfigKey: the value, after checking the key is declared with that type. */
  private typed(key: ConfigKey, type: "string" | "integer" | "array"): unknown {
    if (CONFIG_SCHEMA[key].type !== type) throw new Error(`config.ts: ${key} is declared as ${CONFIG_SCHEMA[key].type}, read as ${type}`);
    return this.get(key);
  }

  string(key: ConfigKey): string {
    return this.typed(key, "string") as string;
  }

  integer(key: ConfigKey): number {
    return this.typed(key, "integer") as number;
  }

  list(key: ConfigKey): string[] {
    return this.typed(key, "array") as string[];
  }

  oneOf<T extends string>(key: ConfigKey, allowed: readonly T[]): T {
    const value = this.string(key);
    if (!(allowed as readonly string[]).includes(value)) {
      this.problem(key, `must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`);
      return CONFIG_SCHEMA[key].default as T;
    }
    return value as T;
  }

  intInRange(key: ConfigKey, min: number, max: number): number {
    const value = this.integer(key);
    if (value < min || value > max) this.problem(key, `must be between ${min} and ${max} (got ${value})`);
    return value;
  }

  matching(key: ConfigKey, pattern: RegExp, what: string): string {
    const value = this.string(key);
    if (value !== "" && !pattern.test(value)) this.problem(key, `must be ${what} (got ${JSON.stringify(value)})`);
    return value;
  }

  nodePort(key: ConfigKey): number {
    return this.intInRange(key, NODE_PORT_RANGE.min, NODE_PORT_RANGE.max);
  }

  quantity(key: ConfigKey): string {
    return this.matching(key, QUANTITY, "a storage size such as 512Mi, 10Gi or 1Ti");
  }

  url(key: ConfigKey, opts: { originOnly?: boolean } = {}): string | undefined {
    const value = this.string(key);
    if (value === "") return undefined;
    let u: URL | undefined;
    try {
      u = new URL(value);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) {
      this.problem(key, `must be an http(s) URL (got ${JSON.stringify(value)})`);
      return undefined;
    }
    if (opts.originOnly && (u.pathname !== "/" || u.search || u.hash)) {
      this.problem(key, `must be an origin without a path, such as https://llm.example.com (got ${JSON.stringify(value)})`);
    }
    return opts.originOnly ? u.origin : value;
  }

  /**
   * A credential: Pulumi secret when set. A plaintext value in the stack file is rejected, because it
   * would sit unencrypted in git.
   */
  secret(key: ConfigKey): pulumi.Output<string> | undefined {
    const value = this.raw.values[key];
    if (value === undefined || value === "") return undefined;
    if (!this.raw.secretKeys.has(key)) {
      this.problem(key, `is a credential: set it with \`pulumi config set --secret ${key} ...\`, not in plaintext`);
      return undefined;
    }
    return pulumi.secret(value);
  }

  optional(key: ConfigKey): string | undefined {
    const value = this.string(key);
    return value === "" ? undefined : value;
  }
}

function parseKeyValues(r: Reader, key: ConfigKey): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of r.list(key)) {
    const eq = entry.indexOf("=");
    const k = eq > 0 ? entry.slice(0, eq) : "";
    const v = eq > 0 ? entry.slice(eq + 1) : "";
    if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) {
      r.problem(key, `entries must be key=value with a valid label key and value (got ${JSON.stringify(entry)})`);
      continue;
    }
    out[k] = v;
  }
  return out;
}

function parseTolerations(r: Reader): Toleration[] {
  const out: Toleration[] = [];
  for (const entry of r.get("gpuTolerations")) {
    const m = /^([^=:]+)(?:=([^:]*))?:(.+)$/.exec(entry);
    const effect = m?.[3] as Toleration["effect"] | undefined;
    if (!m || !LABEL_KEY.test(m[1]) || !(TAINT_EFFECTS as readonly string[]).includes(effect ?? "")) {
      r.problem(
        "gpuTolerations",
        `entries must be key[=value]:Effect with Effect one of ${TAINT_EFFECTS.join(", ")} (got ${JSON.stringify(entry)})`,
      );
      continue;
    }
    out.push(
      m[2] === undefined
        ? { key: m[1], operator: "Exists", effect: effect! }
        : { key: m[1], operator: "Equal", value: m[2], effect: effect! },
    );
  }
  return out;
}

function parseSuites(r: Reader): Suite[] {
  const suites = r.get("suites");
  const out: Suite[] = [];
  for (const s of suites) {
    if ((IMPLEMENTED_SUITES as readonly string[]).includes(s)) {
      if (out.includes(s as Suite)) r.problem("suites", `lists ${JSON.stringify(s)} twice`);
      else out.push(s as Suite);
    } else if ((PLANNED_SUITES as readonly string[]).includes(s)) {
      r.problem("suites", `suite ${JSON.stringify(s)} is planned but not implemented yet; implemented: ${IMPLEMENTED_SUITES.join(", ")}`);
    } else {
      r.problem("suites", `unknown suite ${JSON.stringify(s)}; allowed: ${IMPLEMENTED_SUITES.join(", ")}`);
    }
  }
  return out;
}

function parseImages(r: Reader, harbor: HarborConfig): ImagesConfig {
  const configured = r.get("imageRegistry");
  if (configured !== "" && !isValidRegistry(configured)) {
    r.problem("imageRegistry", `must be a registry host with an optional project path, such as harbor.example.com/llmctl (got ${JSON.stringify(configured)})`);
  }
  let registry = configured;
  if (r.get("useHarborRegistry")) {
    if (!harbor.enabled) {
      r.problem("useHarborRegistry", "needs harborEnabled: true (for an external Harbor, set imageRegistry to its host/project instead)");
    } else if (configured !== "") {
      r.problem("useHarborRegistry", `conflicts with imageRegistry (${JSON.stringify(configured)}): choose the in-cluster Harbor or an external registry`);
    } else {
      // The seed's configure-harbor-image-overlays.sh: every llmctl image from <harbor endpoint>/<project>.
      registry = `${harbor.registryEndpoint}/${harbor.project}`;
    }
  }
  const tag = r.get("imageTag");
  if (!isValidTag(tag)) r.problem("imageTag", `must be a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) (got ${JSON.stringify(tag)})`);

  const overrides: Partial<Record<ImageName, string>> = {};
  for (const entry of r.get("imageOverrides")) {
    const eq = entry.indexOf("=");
    const name = entry.slice(0, Math.max(eq, 0));
    const ref = entry.slice(eq + 1);
    if (eq <= 0 || !(IMAGE_NAMES as readonly string[]).includes(name)) {
      r.problem("imageOverrides", `entries must be <image-name>=<reference> with image-name one of ${IMAGE_NAMES.join(", ")} (got ${JSON.stringify(entry)})`);
    } else if (!parseImage(ref)) {
      r.problem("imageOverrides", `${name}: ${JSON.stringify(ref)} is not a valid image reference`);
    } else if (overrides[name as ImageName]) {
      r.problem("imageOverrides", `overrides ${name} twice`);
    } else {
      overrides[name as ImageName] = ref;
    }
  }

  const pullSecrets = r.get("imagePullSecrets");
  for (const s of pullSecrets) {
    if (!DNS_SUBDOMAIN.test(s)) r.problem("imagePullSecrets", `${JSON.stringify(s)} is not a valid Secret name`);
  }

  const requirePinned = r.get("requirePinnedImages");
  const settings = { registry, tag, overrides };
  if (requirePinned) {
    for (const [name, ref] of Object.entries(resolveAllImages(settings))) {
      if (!isPinned(ref)) {
        const key: ConfigKey = overrides[name as ImageName] ? "imageOverrides" : "imageTag";
        r.problem(key, `image ${name} resolves to ${JSON.stringify(ref)}, which is not pinned (requirePinnedImages is true: use a fixed tag or digest, not latest)`);
      }
    }
  }
  return { ...settings, pullSecrets, requirePinned };
}

function parseExposure(r: Reader): ExposureConfig {
  const mode = r.oneOf("exposure", EXPOSURE_MODES);
  const nodePortHost = r.matching("nodePortHost", /^[A-Za-z0-9.:\-[\]]+$/, "a host name or IP address");
  if (mode !== "ingress") return { mode, nodePortHost: nodePortHost || undefined };
  const host = r.get("ingressHost");
  if (host === "") r.problem("ingressHost", "is required when exposure is ingress");
  else if (!DNS_SUBDOMAIN.test(host)) r.problem("ingressHost", `must be a lower-case DNS name (got ${JSON.stringify(host)})`);
  const className = r.matching("ingressClassName", DNS_SUBDOMAIN, "an IngressClass name");
  const issuer = r.matching("tlsClusterIssuer", DNS_SUBDOMAIN, "a ClusterIssuer name");
  return {
    mode,
    nodePortHost: nodePortHost || undefined,
    ingress: { host, className, tlsClusterIssuer: issuer || undefined },
  };
}

function parseGpu(r: Reader): GpuConfig {
  const enabled = r.get("gpuEnabled");
  const limit = r.intInRange("executorGpuLimit", 0, 8);
  if (enabled && limit === 0) r.problem("executorGpuLimit", "must be at least 1 when gpuEnabled is true");
  if (!enabled && limit > 0) r.problem("executorGpuLimit", "must be 0 when gpuEnabled is false (set gpuEnabled: true to request GPUs)");
  const resourceName = r.matching("gpuResourceName", RESOURCE_NAME, "an extended resource name such as nvidia.com/gpu");
  const runtimeClassName = r.matching("gpuRuntimeClassName", DNS_SUBDOMAIN, "a RuntimeClass name");
  const manageRuntimeClass = r.get("gpuManageRuntimeClass");
  if (manageRuntimeClass && runtimeClassName === "") {
    r.problem("gpuManageRuntimeClass", "needs gpuRuntimeClassName to name the RuntimeClass to create");
  }
  return {
    enabled,
    limit,
    resourceName,
    nodeSelector: parseKeyValues(r, "gpuNodeSelector"),
    tolerations: parseTolerations(r),
    runtimeClassName: runtimeClassName || undefined,
    manageRuntimeClass,
  };
}

function replicaPair(r: Reader, replicasKey: ConfigKey, maxKey: ConfigKey): { replicas: number; maxReplicas: number } {
  const replicas = r.intInRange(replicasKey, 1, 100);
  const maxReplicas = r.intInRange(maxKey, 0, 100);
  if (maxReplicas !== 0 && maxReplicas < replicas) {
    r.problem(maxKey, `must be 0 (no HPA) or at least ${replicasKey} (${replicas}) (got ${maxReplicas})`);
  }
  return { replicas, maxReplicas };
}

function parseLlmctl(r: Reader): LlmctlConfig {
  const namespace = r.get("llmctlNamespace");
  if (!DNS_LABEL.test(namespace)) r.problem("llmctlNamespace", `must be a DNS label (lower-case, digits, '-', max 63) (got ${JSON.stringify(namespace)})`);

  const backendPort = r.nodePort("llmctlBackendNodePort");
  const frontendPort = r.nodePort("llmctlFrontendNodePort");

  const dataAccessMode = r.oneOf("llmctlDataAccessMode", ["ReadWriteOnce", "ReadWriteMany"] as const);
  const liveCode = r.get("llmctlLiveCode");
  const hostPath = r.get("llmctlLiveCodeHostPath");
  if (liveCode && !/^\/[^\0]*$/.test(hostPath)) {
    r.problem("llmctlLiveCodeHostPath", `must be an absolute path (got ${JSON.stringify(hostPath)})`);
  }
  const impersonate = r.matching("googleWorkspaceImpersonateUser", EMAIL, "an email address");
  const projectId = r.matching("googleCloudProjectId", /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a Google Cloud project id");
  return {
    namespace,
    backend: { nodePort: backendPort, ...replicaPair(r, "llmctlBackendReplicas", "llmctlBackendMaxReplicas") },
    frontend: { nodePort: frontendPort, ...replicaPair(r, "llmctlFrontendReplicas", "llmctlFrontendMaxReplicas") },
    celery: {
      workerReplicas: r.intInRange("llmctlCeleryWorkerReplicas", 1, 100),
      workerConcurrency: r.intInRange("llmctlCeleryWorkerConcurrency", 1, 64),
    },
    storage: {
      postgres: r.quantity("llmctlPostgresStorageSize"),
      redis: r.quantity("llmctlRedisStorageSize"),
      chroma: r.quantity("llmctlChromaStorageSize"),
      data: r.quantity("llmctlDataStorageSize"),
      dataAccessMode,
    },
    mcpWait: {
      enabled: r.get("llmctlMcpWaitEnabled"),
      timeoutSeconds: r.intInRange("llmctlMcpWaitTimeoutSeconds", 10, 3600),
    },
    mcpPublicBaseUrl: r.url("mcpPublicBaseUrl", { originOnly: true }),
    executor: {
      jobTtlSeconds: r.intInRange("llmctlExecutorJobTtlSeconds", 0, 604800),
      smokeTest: r.get("llmctlExecutorSmokeTest"),
      liveCodeHostPath: liveCode ? hostPath : undefined,
    },
    integrations: {
      jiraUrl: r.url("jiraUrl"),
      jiraUsername: r.optional("jiraUsername"),
      confluenceUrl: r.url("confluenceUrl"),
      confluenceUsername: r.optional("confluenceUsername"),
      googleCloudProjectId: projectId || undefined,
      googleWorkspaceImpersonateUser: impersonate || undefined,
    },
    secrets: {
      githubToken: r.secret("githubToken"),
      jiraApiToken: r.secret("jiraApiToken"),
      confluenceApiToken: r.secret("confluenceApiToken"),
      googleCloudServiceAccountJson: r.secret("googleCloudServiceAccountJson"),
      googleWorkspaceServiceAccountJson: r.secret("googleWorkspaceServiceAccountJson"),
    },
  };
}

const SEMVER = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function chart(r: Reader, repoKey: ConfigKey, versionKey: ConfigKey): ChartConfig {
  const repo = r.string(repoKey);
  if (!/^(https?|oci):\/\/[^\s/]+(\/[^\s]*)?$/.test(repo)) r.problem(repoKey, `must be an https://, http:// or oci:// repository URL (got ${JSON.stringify(repo)})`);
  const version = r.string(versionKey);
  if (!SEMVER.test(version)) r.problem(versionKey, `must be an exact chart version such as 1.18.2 (got ${JSON.stringify(version)})`);
  return { repo, version };
}

function addonHost(r: Reader, key: ConfigKey, mode: ExposureMode, enabled: boolean, ingressHost: string | undefined): string | undefined {
  const host = r.string(key);
  if (host !== "" && !DNS_SUBDOMAIN.test(host)) r.problem(key, `must be a lower-case DNS name (got ${JSON.stringify(host)})`);
  if (mode !== "ingress" || !enabled) return host || undefined;
  if (host === "") r.problem(key, "is required when exposure is ingress (each add-on is served on its own host)");
  else if (host === ingressHost) r.problem(key, `must differ from ingressHost (${host}): the studio owns / on that host`);
  return host || undefined;
}

function namespaceKey(r: Reader, key: ConfigKey, taken: string[]): string {
  const ns = r.string(key);
  if (!DNS_LABEL.test(ns)) r.problem(key, `must be a DNS label (got ${JSON.stringify(ns)})`);
  else if (taken.includes(ns)) r.problem(key, `must differ from the other namespaces (${taken.join(", ")}) (got ${JSON.stringify(ns)})`);
  taken.push(ns);
  return ns;
}

function parseHarbor(r: Reader, exposure: ExposureConfig, namespaces: string[]): HarborConfig {
  const enabled = r.get("harborEnabled");
  const namespace = namespaceKey(r, "harborNamespace", namespaces);
  const endpoint = r.get("harborRegistryEndpoint");
  if (endpoint !== "" && !isValidRegistry(endpoint)) r.problem("harborRegistryEndpoint", `must be a registry host[:port] (got ${JSON.stringify(endpoint)})`);
  const project = r.matching("harborProject", /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, "a Harbor project name (lower-case, digits, . _ -)");
  return {
    enabled,
    chart: chart(r, "harborChartRepo", "harborChartVersion"),
    namespace,
    nodePort: r.nodePort("harborNodePort"),
    host: addonHost(r, "harborHost", exposure.mode, enabled, exposure.ingress?.host),
    externalUrl: r.url("harborExternalUrl", { originOnly: true }),
    registryStorageSize: r.quantity("harborRegistryStorageSize"),
    trivy: r.get("harborTrivy"),
    registryEndpoint: endpoint || `harbor.${namespace}.svc.cluster.local`,
    project,
  };
}

function parsePgAdmin(r: Reader, exposure: ExposureConfig, namespaces: string[]): PgAdminConfig {
  const enabled = r.get("pgadminEnabled");
  const email = r.get("pgadminEmail");
  if (!EMAIL.test(email)) r.problem("pgadminEmail", `must be an email address (got ${JSON.stringify(email)})`);
  return {
    enabled,
    chart: chart(r, "pgadminChartRepo", "pgadminChartVersion"),
    namespace: namespaceKey(r, "pgadminNamespace", namespaces),
    nodePort: r.nodePort("pgadminNodePort"),
    host: addonHost(r, "pgadminHost", exposure.mode, enabled, exposure.ingress?.host),
    email,
  };
}

function parsePullCredentials(r: Reader, images: ImagesConfig, harbor: HarborConfig): PullCredentials {
  const username = r.get("registryUsername");
  const password = r.secret("registryPassword");
  if ((username === "") !== (password === undefined)) {
    r.problem(username === "" ? "registryUsername" : "registryPassword", "registryUsername and registryPassword must be set together");
  }
  if (r.get("useHarborRegistry") && harbor.enabled) {
    if (username !== "") r.problem("registryUsername", "is not used with useHarborRegistry (the pull secret comes from Harbor's generated credentials)");
    return { kind: "harbor", server: harbor.registryEndpoint };
  }
  if (username !== "" && password) {
    if (images.registry === "") {
      r.problem("registryUsername", "needs imageRegistry: credentials are for the registry the llmctl images come from");
      return { kind: "none" };
    }
    return { kind: "operator", server: images.registry.split("/")[0], username, password };
  }
  return { kind: "none" };
}

/** NodePorts must be unique across everything the stack exposes. */
function checkNodePorts(r: Reader, claims: Array<[ConfigKey, number, boolean]>): void {
  const seen = new Map<number, ConfigKey>();
  for (const [key, port, active] of claims) {
    if (!active) continue;
    const other = seen.get(port);
    if (other) r.problem(key, `duplicates ${other} (${port}); every NodePort must be unique`);
    else seen.set(port, key);
  }
}

/** Pure: raw config in, typed config out, or a ConfigError naming every bad key. */
export function parseStackConfig(raw: RawConfig): StackConfig {
  const r = new Reader(raw);
  for (const key of Object.keys(raw.values)) {
    if (!(CONFIG_KEYS as string[]).includes(key)) {
      r.problems.push(`${PROJECT}:${key}: unknown config key (see Pulumi.yaml for the declared keys)`);
    }
  }
  const exposure = parseExposure(r);
  const llmctl = parseLlmctl(r);
  const namespaces = [llmctl.namespace];
  const harbor = parseHarbor(r, exposure, namespaces);
  const pgadmin = parsePgAdmin(r, exposure, namespaces);
  const images = parseImages(r, harbor);
  const nodePorts = exposure.mode === "nodePort";
  checkNodePorts(r, [
    ["llmctlBackendNodePort", llmctl.backend.nodePort, nodePorts],
    ["llmctlFrontendNodePort", llmctl.frontend.nodePort, nodePorts],
    ["harborNodePort", harbor.nodePort, nodePorts && harbor.enabled],
    ["pgadminNodePort", pgadmin.nodePort, nodePorts && pgadmin.enabled],
  ]);
  const config: StackConfig = {
    suites: parseSuites(r),
    kubeContext: r.optional("kubeContext"),
    exposure,
    persistence: r.get("persistence"),
    storageClass: r.matching("storageClass", DNS_SUBDOMAIN, "a StorageClass name") || undefined,
    resourceProfile: r.oneOf("resourceProfile", RESOURCE_PROFILES),
    podDisruptionBudgets: r.get("podDisruptionBudgets"),
    images,
    gpu: parseGpu(r),
    llmctl,
    harbor,
    pgadmin,
    pullCredentials: parsePullCredentials(r, images, harbor),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/**
 * Whether a full config key ("project:key") is stored encrypted. The SDK keeps this in its runtime store
 * (filled by the CLI or the Automation API) behind an internal function; fall back to the environment
 * variable the language host sets if that function ever moves.
 */
function isConfigSecret(fullKey: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  if (typeof runtimeConfig.isConfigSecret === "function") return runtimeConfig.isConfigSecret(fullKey);
  try {
    return (JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]") as string[]).includes(fullKey);
  } catch {
    return false;
  }
}

/** Reads this stack's config from the Pulumi runtime (the CLI, the Automation API, or the test mocks). */
export function loadStackConfig(): StackConfig {
  const prefix = `${PROJECT}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
    if (!k.startsWith(prefix)) continue;
    const key = k.slice(prefix.length);
    values[key] = v;
    if (isConfigSecret(k)) secretKeys.add(key);
  }
  return parseStackConfig({ values, secretKeys });
}
