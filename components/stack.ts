/**
 * The stack's config, whole: the platform slice, the add-on slices and every registered suite's slice,
 * parsed into one typed StackConfig, with every problem (bad values, unknown keys, plaintext credentials,
 * colliding NodePorts or namespaces, unpinned images, a cluster too small for the requests) reported at
 * once in one error, before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { HARBOR_SCHEMA, type HarborConfig, parseHarbor } from "./addons/harbor/config";
import { harborDemand } from "./addons/harbor/values";
import { PGADMIN_SCHEMA, type PgAdminConfig, parsePgAdmin } from "./addons/pgadmin/config";
import { pgadminDemand } from "./addons/pgadmin";
import { CERT_MANAGER_SCHEMA, type CertManagerConfig, parseCertManager } from "./addons/certManager/config";
import { certManagerDemand } from "./addons/certManager/values";
import { ENVOY_GATEWAY_SCHEMA, type EnvoyGatewayConfig, parseEnvoyGateway } from "./addons/envoyGateway/config";
import { envoyGatewayDemand } from "./addons/envoyGateway/values";
import { GPU_OPERATOR_SCHEMA, type GpuOperatorConfig, parseGpuOperator } from "./addons/gpuOperator/config";
import { gpuOperatorDemand } from "./addons/gpuOperator/values";
import { KSERVE_SCHEMA, type KserveConfig, parseKserve } from "./addons/kserve/config";
import { kserveDemand } from "./addons/kserve/values";
import { MONITORING_SCHEMA, type MonitoringConfig, parseMonitoring } from "./addons/monitoring/config";
import { monitoringDemand } from "./addons/monitoring/values";
import { BACKUP_SCHEMA, parseBackups } from "./config/backups";
import { checkClaims, checkQuotas, type HostClaim, NO_CLAIMS } from "./config/claims";
import { ConfigError } from "./config/configError";
import { EDGE_SCHEMA } from "./config/edge";
import { GITOPS_SCHEMA, parseGitops } from "./config/gitops";
import type { BackupSettings } from "./platform/backups/target";
import type { GitopsConfig } from "./platform/gitops";
import { checkApiServerPeer, parsePlatform, PLATFORM_SCHEMA, type PlatformConfig } from "./config/platform";
import { configuredCidrs } from "./platform/flows";
import { Problems, PROJECT, type RawConfig, Reader } from "./config/reader";
import { mergeSchemas, type Schema } from "./config/schema";
import { checkFit, profileProblems, type WorkloadDemand } from "./lib/capacity";
import { type ImageCatalogue, type ImageSettings, imageNames, isPinned, mergeCatalogues, parseImage, PLATFORM_IMAGES, resolveImages } from "./lib/images";
import { PLANNED_SUITES, SUITES } from "./suites/registry";
import type { ParsedSuite, RegisteredSuite } from "./suites/types";

export { ConfigError };

/** Where pull credentials for built images come from. */
export type PullCredentials =
  | { readonly kind: "none" }
  /** The in-cluster Harbor's generated admin credentials. */
  | { readonly kind: "harbor"; readonly server: string }
  /** Operator-supplied credentials for an external registry. */
  | { readonly kind: "operator"; readonly server: string; readonly username: string; readonly password: pulumi.Output<string> };

export interface StackConfig {
  readonly platform: PlatformConfig;
  readonly harbor: HarborConfig;
  readonly pgadmin: PgAdminConfig;
  readonly envoyGateway: EnvoyGatewayConfig;
  readonly certManager: CertManagerConfig;
  readonly gpuOperator: GpuOperatorConfig;
  readonly monitoring: MonitoringConfig;
  readonly kserve: KserveConfig;
  /** GitOps render mode (objects to a directory, Secrets' values from a store), when gitopsRenderDirectory is set. */
  readonly gitops?: GitopsConfig;
  /** When the datastores are backed up and drilled, how many are kept, and where they go (config/backups.ts). */
  readonly backups: BackupSettings;
  /** Every public host the enabled modules claimed: one Gateway listener and certificate each. */
  readonly hosts: readonly HostClaim[];
  /** Registry, tag and overrides for built images, with the Harbor switch applied. */
  readonly images: ImageSettings;
  readonly pullCredentials: PullCredentials;
  /** The enabled suites, in the order `suites` lists them. */
  readonly suites: readonly ParsedSuite[];
  /** Every pod the enabled suites and add-ons will run (what the capacity check summed). */
  readonly demand: readonly WorkloadDemand[];
}

/** Raised for invalid stack config. A RunError prints its message without a stack trace. */

function suitesSchema(suites: readonly RegisteredSuite[]): Schema {
  const names = suites.map((s) => s.name);
  return {
    ...PLATFORM_SCHEMA,
    suites: { ...PLATFORM_SCHEMA.suites, description: `Suites to deploy. Implemented: ${names.join(", ")}.${PLANNED_SUITES.length > 0 ? ` Planned: ${PLANNED_SUITES.join(", ")}.` : ""}` },
  };
}

/** Every key of the stack: Pulumi.yaml and docs/configuration.md are generated from this. */
export function stackSchema(suites: readonly RegisteredSuite[] = SUITES): Schema {
  return mergeSchemas([
    { owner: "platform", schema: suitesSchema(suites) },
    { owner: "edge", schema: EDGE_SCHEMA },
    { owner: "gitops", schema: GITOPS_SCHEMA },
    { owner: "backups", schema: BACKUP_SCHEMA },
    ...suites.map((s) => ({ owner: `suite ${s.name}`, schema: s.schema })),
    { owner: "add-on harbor", schema: HARBOR_SCHEMA },
    { owner: "add-on pgadmin", schema: PGADMIN_SCHEMA },
    { owner: "add-on envoy-gateway", schema: ENVOY_GATEWAY_SCHEMA },
    { owner: "add-on cert-manager", schema: CERT_MANAGER_SCHEMA },
    { owner: "add-on gpu-operator", schema: GPU_OPERATOR_SCHEMA },
    { owner: "add-on monitoring", schema: MONITORING_SCHEMA },
    { owner: "add-on kserve", schema: KSERVE_SCHEMA },
  ]);
}

function enabledSuites(problems: Problems, listed: readonly string[], suites: readonly RegisteredSuite[]): RegisteredSuite[] {
  const names = suites.map((s) => s.name);
  const out: RegisteredSuite[] = [];
  for (const name of listed) {
    const suite = suites.find((s) => s.name === name);
    if (suite) {
      if (out.includes(suite)) problems.add("suites", `lists ${JSON.stringify(name)} twice`);
      else out.push(suite);
    } else if (PLANNED_SUITES.includes(name)) {
      problems.add("suites", `suite ${JSON.stringify(name)} is planned but not implemented yet; implemented: ${names.join(", ")}`);
    } else {
      problems.add("suites", `unknown suite ${JSON.stringify(name)}; allowed: ${names.join(", ")}`);
    }
  }
  return out;
}

function pullCredentials(problems: Problems, platform: PlatformConfig, harbor: HarborConfig): PullCredentials {
  const { registryUsername: username, registryPassword: password, registry } = platform.images;
  if (harbor.useAsRegistry) return { kind: "harbor", server: harbor.registryEndpoint };
  if (username === undefined || password === undefined) return { kind: "none" };
  if (registry === "") {
    problems.add("registryUsername", "needs imageRegistry: credentials are for the registry the llmctl images come from");
    return { kind: "none" };
  }
  return { kind: "operator", server: registry.split("/")[0], username, password };
}

/** With requirePinnedImages, every image an enabled module runs must be pinned; with requireImageDigests, by digest. */
function checkPins(problems: Problems, settings: ImageSettings, catalogues: readonly ImageCatalogue[], require: { pinned: boolean; digests: boolean }): void {
  const catalogue = mergeCatalogues(catalogues);
  const unpinned: string[] = [];
  for (const [name, ref] of Object.entries(resolveImages(catalogue, settings))) {
    if (require.digests && !parseImage(ref)?.digest) unpinned.push(name);
    if (!require.pinned || isPinned(ref)) continue;
    const key = settings.overrides[name] ? "imageOverrides" : "imageTag";
    problems.add(key, `image ${name} resolves to ${JSON.stringify(ref)}, which is not pinned (requirePinnedImages is true: use a fixed tag or digest, not latest)`);
  }
  if (unpinned.length > 0) {
    problems.add("requireImageDigests", `${unpinned.length} image(s) have no digest: ${unpinned.join(", ")}; \`npm run pin-digests -- <stack>\` resolves them from their registries into imageOverrides (name=repo:tag@sha256:...)`);
  }
}

export interface ParseOptions {
  /**
   * Check the declared demand against the cluster profile. Off only for `npm run capacity`, which prints the
   * table whether or not the stack fits. @default true
   */
  readonly checkCapacity?: boolean;
}

/** Pure: raw config in, typed config out, or a ConfigError naming every bad key. */
export function parseStackConfig(raw: RawConfig, suites: readonly RegisteredSuite[] = SUITES, options: ParseOptions = {}): StackConfig {
  const problems = new Problems();
  const schema = stackSchema(suites);
  for (const key of Object.keys(raw.values)) {
    if (!(key in schema)) problems.list.push(`${PROJECT}:${key}: unknown config key (see Pulumi.yaml for the declared keys)`);
  }
  const allImages = imageNames(mergeCatalogues([PLATFORM_IMAGES, ...suites.map((s) => s.images)]));
  const platform = parsePlatform(raw, problems, allImages);
  const enabled = enabledSuites(problems, platform.suites, suites);
  // Every suite's slice is read, enabled or not, so a typo in a disabled suite's key is still caught.
  const parsed = suites.map((s) => s.parse(raw, problems, platform));
  const harbor = parseHarbor(new Reader(HARBOR_SCHEMA, raw, problems), platform);
  const pgadmin = parsePgAdmin(new Reader(PGADMIN_SCHEMA, raw, problems), platform);
  const envoyGateway = parseEnvoyGateway(new Reader(ENVOY_GATEWAY_SCHEMA, raw, problems), platform);
  const certManager = parseCertManager(new Reader(CERT_MANAGER_SCHEMA, raw, problems), platform);
  const gpuOperator = parseGpuOperator(new Reader(GPU_OPERATOR_SCHEMA, raw, problems), platform);
  const monitoring = parseMonitoring(new Reader(MONITORING_SCHEMA, raw, problems), platform);
  const kserve = parseKserve(new Reader(KSERVE_SCHEMA, raw, problems), platform, certManager.config);
  const gitops = parseGitops(new Reader(GITOPS_SCHEMA, raw, problems));
  checkApiServerPeer(platform, problems);
  if (gitops && configuredCidrs(platform.network.apiServer).length === 0) {
    problems.add("networkApiServerCidrs", "is required with gitopsRenderDirectory: a render reads nothing from a cluster, so list the API server's addresses (kubectl get endpointslice kubernetes -n default -o jsonpath='{.endpoints[*].addresses[*]}', each as <ip>/32)");
  }
  const backups = parseBackups(new Reader(BACKUP_SCHEMA, raw, problems));
  const active = parsed.filter((p) => enabled.some((e) => e.name === p.name));
  const claims = [
    ...active.map((p) => p.claims),
    ...(harbor.config.enabled ? [harbor.claims] : []),
    ...(pgadmin.config.enabled ? [pgadmin.claims] : []),
    envoyGateway.claims,
    certManager.claims,
    gpuOperator.claims,
    monitoring.claims,
    kserve.claims,
    platform.exposure.mode === "gateway" ? { nodePorts: [], namespaces: [{ key: "gatewayNamespace", namespace: platform.exposure.gatewayNamespace }] } : NO_CLAIMS,
  ];
  checkClaims(problems, claims);
  const hosts = claims.flatMap((c) => c.hosts ?? []);

  const images: ImageSettings = {
    registry: harbor.config.useAsRegistry ? `${harbor.config.registryEndpoint}/${harbor.config.project}` : platform.images.registry,
    tag: platform.images.tag,
    overrides: platform.images.overrides,
  };
  if (platform.images.requirePinned || platform.images.requireDigests) checkPins(problems, images, [PLATFORM_IMAGES, ...active.map((p) => p.images)], { pinned: platform.images.requirePinned, digests: platform.images.requireDigests });
  const credentials = pullCredentials(problems, platform, harbor.config);

  const ordered = enabled.map((e) => active.find((p) => p.name === e.name)!);
  const demand = [
    ...ordered.flatMap((p) => p.demand(platform)),
    ...(harbor.config.enabled ? harborDemand(harbor.config, platform.resourceProfile) : []),
    ...(envoyGateway.config.install ? envoyGatewayDemand(envoyGateway.config, platform.resourceProfile) : []),
    ...(certManager.config.install ? certManagerDemand(certManager.config, platform.resourceProfile) : []),
    ...(pgadmin.config.enabled && enabled.some((s) => s.name === "llmctl") ? pgadminDemand(pgadmin.config, platform.resourceProfile) : []),
    ...(gpuOperator.config.install ? gpuOperatorDemand(gpuOperator.config, platform.resourceProfile, platform.cluster.nodes) : []),
    ...(monitoring.config.enabled ? monitoringDemand(monitoring.config, platform.resourceProfile, platform.cluster.nodes) : []),
    ...(kserve.config.enabled ? kserveDemand(kserve.config, platform.resourceProfile) : []),
  ];
  checkQuotas(problems, active.flatMap((p) => p.quotas), demand);
  const profile = profileProblems(platform.cluster);
  if (profile.length > 0) problems.add("clusterNodes", `the cluster profile is invalid: ${profile.join("; ")}`);
  else if (options.checkCapacity !== false) for (const p of checkFit(demand, platform.cluster, platform.gpu.tolerations.length > 0)) problems.add("clusterNodes", `${p} (clusterNodes, clusterNodeCpu, clusterNodeMemory, clusterGpuNodes; see \`npm run capacity\`)`);

  if (problems.list.length > 0) throw new ConfigError(problems.list);
  return {
    platform,
    harbor: harbor.config,
    pgadmin: pgadmin.config,
    envoyGateway: envoyGateway.config,
    certManager: certManager.config,
    gpuOperator: gpuOperator.config,
    monitoring: monitoring.config,
    kserve: kserve.config,
    ...(gitops ? { gitops } : {}),
    backups,
    hosts,
    images,
    pullCredentials: credentials,
    suites: ordered,
    demand,
  };
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

/** This stack's raw config from the Pulumi runtime (the CLI, the Automation API, or the test mocks). */
export function runtimeConfig(): RawConfig {
  const prefix = `${PROJECT}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(pulumi.runtime.allConfig())) {
    if (!k.startsWith(prefix)) continue;
    const key = k.slice(prefix.length);
    values[key] = v;
    if (isConfigSecret(k)) secretKeys.add(key);
  }
  return { values, secretKeys };
}

export function loadStackConfig(suites: readonly RegisteredSuite[] = SUITES): StackConfig {
  return parseStackConfig(runtimeConfig(), suites);
}
