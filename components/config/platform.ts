/**
 * The platform slice: keys every suite and add-on shares (which suites, storage, sizing, images, GPUs, the
 * cluster the stack must fit). Exposure, TLS and edge auth are the edge slice (edge.ts), parsed with it.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterProfile } from "../lib/capacity";
import { configuredCidrs, DEFAULT_EXCLUDED_CIDRS, type NetworkConfig } from "../platform/flows";
import { isValidRegistry, isValidTag, parseImage } from "../lib/images";
import { RESOURCE_PROFILES, type ResourceProfile } from "../lib/resources";
import type { ExposureConfig } from "../platform/exposure";
import { EDGE_SCHEMA, parseEdge } from "./edge";
import { TAINT_EFFECTS, type GpuConfig, type Toleration } from "../platform/gpu";
import { DNS_SUBDOMAIN, LABEL_KEY, RESOURCE_NAME, tooWide } from "./patterns";
import { type Problems, type RawConfig, Reader } from "./reader";
import type { KeySpec } from "./schema";

const g = {
  platform: "Platform",
  storage: "Storage and sizing",
  images: "Images",
  gpu: "llmctl executors and GPUs",
  cluster: "Cluster profile (capacity check)",
  network: "Network (NetworkPolicies)",
} as const;

export const PLATFORM_SCHEMA = {
  suites: { type: "array", group: g.platform, default: ["llmctl"], description: "Suites to deploy." },
  kubeContext: { type: "string", group: g.platform, default: "", description: "kubeconfig context to deploy into; empty uses the current context." },
  resourceProfile: {
    type: "string",
    group: g.platform,
    default: "standard",
    description: "Requests/limits preset for every container: small (laptop), standard or large.",
  },
  dataProtection: {
    type: "boolean",
    group: g.storage,
    default: false,
    description:
      "Keep data on delete: `pulumi destroy`, or turning a suite or add-on off, leaves its namespace (with its PVCs and their volumes) and the studio's data PVC in the cluster. Turn off, and `pulumi up`, to release them.",
  },
  credentialRotation: {
    type: "array",
    group: g.storage,
    default: [],
    description:
      "Generated credentials to rotate, each `<secret>/<KEY>=<token>` (e.g. `llmctl-studio-secrets/LLMCTL_POSTGRES_PASSWORD=2026-12-04`): a new token generates a new value for that key alone; the store re-keys and its consumers roll at the next `up` (`npm run rotate -- <stack> <secret>/<KEY>` sets it; the list of credentials is in docs/operations.md).",
  },
  podDisruptionBudgets: {
    type: "boolean",
    group: g.platform,
    default: false,
    description: "Create a PodDisruptionBudget for every stateless service with 2+ replicas.",
  },
  persistence: {
    type: "boolean",
    group: g.storage,
    default: true,
    description: "Use PersistentVolumeClaims for stateful services; false uses emptyDir (data is lost on restart).",
  },
  storageClass: { type: "string", group: g.storage, default: "", description: "StorageClass for every PVC; empty uses the cluster default." },
  imageRegistry: {
    type: "string",
    group: g.images,
    default: "",
    description: "Registry/project prefix for llmctl-built images (e.g. harbor.example.com/llmctl); empty uses local names.",
  },
  imageTag: { type: "string", group: g.images, default: "latest", description: "Tag of llmctl-built images." },
  imageOverrides: {
    type: "array",
    group: g.images,
    default: [],
    description: "Per-image overrides, each `<image-name>=<reference>` (e.g. llmctl-celery-worker=llmctl-celery-worker:latest).",
  },
  imagePullSecrets: {
    type: "array",
    group: g.images,
    default: [],
    description: "Names of existing dockerconfigjson Secrets in the llmctl namespace, attached to every pod and executor Job.",
  },
  requirePinnedImages: {
    type: "boolean",
    group: g.images,
    default: false,
    description: "Reject any image that is untagged or tagged latest (set in production).",
  },
  requireImageDigests: {
    type: "boolean",
    group: g.images,
    default: false,
    description: "Reject any image not pinned by digest (repo:tag@sha256:...); `npm run pin-digests -- <stack>` resolves them from their registries into imageOverrides.",
  },
  registryUsername: {
    type: "string",
    group: g.images,
    default: "",
    description: "Pull user for imageRegistry (an external registry); with registryPassword, a pull secret is generated.",
  },
  registryPassword: { type: "string", group: g.images, default: "", secret: true, description: "Pull password/token for imageRegistry." },
  gpuEnabled: { type: "boolean", group: g.gpu, default: false, description: "Schedule executor Jobs on NVIDIA GPU nodes." },
  executorGpuLimit: {
    type: "integer",
    group: g.gpu,
    default: 0,
    description: "GPUs per executor Job (0-8); must be > 0 when gpuEnabled and 0 otherwise.",
  },
  gpuResourceName: { type: "string", group: g.gpu, default: "nvidia.com/gpu", description: "Extended resource name of the GPU." },
  gpuNodeSelector: { type: "array", group: g.gpu, default: [], description: "Node labels for GPU executor pods, each `key=value`." },
  gpuTolerations: {
    type: "array",
    group: g.gpu,
    default: [],
    description: "Tolerations for GPU executor pods, each `key[=value]:Effect` (Effect: NoSchedule, PreferNoSchedule, NoExecute).",
  },
  gpuRuntimeClassName: {
    type: "string",
    group: g.gpu,
    default: "nvidia",
    description: "RuntimeClass of GPU executor pods; empty uses the node's default runtime.",
  },
  gpuManageRuntimeClass: {
    type: "boolean",
    group: g.gpu,
    default: false,
    description: "Create the RuntimeClass (handler nvidia) instead of relying on the GPU operator's.",
  },
  clusterNodes: {
    type: "integer",
    group: g.cluster,
    default: 1,
    description: "Schedulable nodes of the target cluster (1-1000). The default profile is the minikube the dev stack targets (1 x 8 CPU / 16Gi).",
  },
  clusterNodeCpu: { type: "string", group: g.cluster, default: "8", description: "Allocatable CPU per node (a Kubernetes quantity: 8, 7500m)." },
  clusterNodeMemory: { type: "string", group: g.cluster, default: "16Gi", description: "Allocatable memory per node (a Kubernetes quantity: 16Gi, 64Gi)." },
  clusterGpuNodes: { type: "integer", group: g.cluster, default: 0, description: "How many of clusterNodes carry GPUs (0-clusterNodes)." },
  clusterGpusPerNode: { type: "integer", group: g.cluster, default: 1, description: "GPUs on each GPU node (1-16)." },
  networkExcludedCidrs: {
    type: "array",
    group: g.network,
    default: [...DEFAULT_EXCLUDED_CIDRS],
    description: "Never reachable as internet egress: the cluster's pod/service/node ranges, private ranges and the cloud metadata range. Add your cluster CIDRs if they are public.",
  },
  networkApiServerCidrs: {
    type: "array",
    group: g.network,
    default: [],
    description:
      "Where the Kubernetes API server's endpoints are, for the pods that call it and the webhooks it calls. Empty: read at deploy time from the kubernetes EndpointSlice in default (`kubectl get endpointslice kubernetes -n default`). 0.0.0.0/0 only where set explicitly, and never on a production-like stack.",
  },
  networkApiServerPorts: { type: "array", group: g.network, default: ["443", "6443", "8443"], description: "Ports of the API server's endpoints (after the kubernetes Service's DNAT)." },
  edgeProxyNamespace: {
    type: "string",
    group: g.network,
    default: "",
    description: "Namespace of the proxies that forward public traffic (the ingress controller's, or an existing Gateway implementation's); empty: Envoy Gateway's when installed, else traffic is admitted from anywhere on the routed ports.",
  },
} as const satisfies Record<string, KeySpec>;

export type PlatformSchema = typeof PLATFORM_SCHEMA;

/** Image keys as parsed; the registry switch to an in-cluster Harbor is applied by the stack parser. */
export interface ImageKeys {
  /** imageRegistry as configured (validated). */
  readonly registry: string;
  readonly tag: string;
  readonly overrides: Readonly<Record<string, string>>;
  readonly pullSecrets: readonly string[];
  readonly requirePinned: boolean;
  /** Every image by digest (requireImageDigests). */
  readonly requireDigests: boolean;
  /** Operator-supplied pull credentials for imageRegistry. */
  readonly registryUsername?: string;
  readonly registryPassword?: pulumi.Output<string>;
}

export interface PlatformConfig {
  /** Suite names as listed (validated against the registry by the stack parser). */
  readonly suites: readonly string[];
  readonly kubeContext?: string;
  readonly exposure: ExposureConfig;
  readonly persistence: boolean;
  readonly storageClass?: string;
  readonly resourceProfile: ResourceProfile;
  readonly podDisruptionBudgets: boolean;
  /** Namespaces and PVCs holding data survive delete (retainOnDelete). */
  readonly dataProtection: boolean;
  /** credentialRotation: the token per `<secret>/<KEY>`. */
  readonly credentialRotation: ReadonlyMap<string, string>;
  readonly images: ImageKeys;
  readonly gpu: GpuConfig;
  readonly cluster: ClusterProfile;
  readonly network: NetworkConfig;
}

/** `<secret>/<KEY>=<token>` entries; a credential named twice is ambiguous. */
function parseRotation(r: Reader<PlatformSchema>): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of r.get("credentialRotation")) {
    const m = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9_.-]+)=([A-Za-z0-9_.:-]{1,63})$/.exec(entry);
    if (!m) {
      r.problem("credentialRotation", `entries must be <secret>/<KEY>=<token> with a token of letters, digits and _.:- (got ${JSON.stringify(entry)})`);
      continue;
    }
    if (out.has(m[1])) r.problem("credentialRotation", `${m[1]} is listed twice: keep one token per credential`);
    out.set(m[1], m[3]);
  }
  return out;
}

function parseTolerations(r: Reader<PlatformSchema>): Toleration[] {
  const out: Toleration[] = [];
  for (const entry of r.get("gpuTolerations")) {
    const m = /^([^=:]+)(?:=([^:]*))?:(.+)$/.exec(entry);
    const effect = TAINT_EFFECTS.find((e) => e === m?.[3]);
    if (!m || !LABEL_KEY.test(m[1]) || !effect) {
      r.problem("gpuTolerations", `entries must be key[=value]:Effect with Effect one of ${TAINT_EFFECTS.join(", ")} (got ${JSON.stringify(entry)})`);
      continue;
    }
    out.push(m[2] === undefined ? { key: m[1], operator: "Exists", effect } : { key: m[1], operator: "Equal", value: m[2], effect });
  }
  return out;
}

function parseGpu(r: Reader<PlatformSchema>): GpuConfig {
  const enabled = r.get("gpuEnabled");
  const limit = r.intInRange("executorGpuLimit", 0, 8);
  if (enabled && limit === 0) r.problem("executorGpuLimit", "must be at least 1 when gpuEnabled is true");
  if (!enabled && limit > 0) r.problem("executorGpuLimit", "must be 0 when gpuEnabled is false (set gpuEnabled: true to request GPUs)");
  const resourceName = r.matching("gpuResourceName", RESOURCE_NAME, "an extended resource name such as nvidia.com/gpu");
  const runtimeClassName = r.matching("gpuRuntimeClassName", DNS_SUBDOMAIN, "a RuntimeClass name");
  const manageRuntimeClass = r.get("gpuManageRuntimeClass");
  if (manageRuntimeClass && runtimeClassName === "") r.problem("gpuManageRuntimeClass", "needs gpuRuntimeClassName to name the RuntimeClass to create");
  return {
    enabled,
    limit,
    resourceName,
    nodeSelector: r.labels("gpuNodeSelector"),
    tolerations: parseTolerations(r),
    runtimeClassName: runtimeClassName || undefined,
    manageRuntimeClass,
  };
}

/** @param imageNames every image name a module declares: the names imageOverrides may use. */
function parseImageKeys(r: Reader<PlatformSchema>, imageNames: readonly string[]): ImageKeys {
  const registry = r.get("imageRegistry");
  if (registry !== "" && !isValidRegistry(registry)) {
    r.problem("imageRegistry", `must be a registry host with an optional project path, such as harbor.example.com/llmctl (got ${JSON.stringify(registry)})`);
  }
  const tag = r.get("imageTag");
  if (!isValidTag(tag)) r.problem("imageTag", `must be a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) (got ${JSON.stringify(tag)})`);
  const overrides: Record<string, string> = {};
  for (const entry of r.get("imageOverrides")) {
    const eq = entry.indexOf("=");
    const name = entry.slice(0, Math.max(eq, 0));
    const ref = entry.slice(eq + 1);
    if (eq <= 0 || !imageNames.includes(name)) {
      r.problem("imageOverrides", `entries must be <image-name>=<reference> with image-name one of ${imageNames.join(", ")} (got ${JSON.stringify(entry)})`);
    } else if (!parseImage(ref)) {
      r.problem("imageOverrides", `${name}: ${JSON.stringify(ref)} is not a valid image reference`);
    } else if (overrides[name]) {
      r.problem("imageOverrides", `overrides ${name} twice`);
    } else {
      overrides[name] = ref;
    }
  }
  const pullSecrets = r.get("imagePullSecrets");
  for (const s of pullSecrets) {
    if (!DNS_SUBDOMAIN.test(s)) r.problem("imagePullSecrets", `${JSON.stringify(s)} is not a valid Secret name`);
  }
  const registryUsername = r.optional("registryUsername");
  const registryPassword = r.secret("registryPassword");
  if ((registryUsername === undefined) !== (registryPassword === undefined)) {
    r.problem(registryUsername === undefined ? "registryUsername" : "registryPassword", "registryUsername and registryPassword must be set together");
  }
  return { registry, tag, overrides, pullSecrets, requirePinned: r.get("requirePinnedImages"), requireDigests: r.get("requireImageDigests"), registryUsername, registryPassword };
}

function parseCluster(r: Reader<PlatformSchema>): ClusterProfile {
  const nodes = r.intInRange("clusterNodes", 1, 1000);
  const nodeCpu = r.cpu("clusterNodeCpu", "8 or 7500m", "8");
  const nodeMemory = r.memory("clusterNodeMemory", "16Gi", "16Gi");
  const gpuNodes = r.intInRange("clusterGpuNodes", 0, 1000);
  if (gpuNodes > nodes) r.problem("clusterGpuNodes", `must be at most clusterNodes (${nodes}) (got ${gpuNodes})`);
  return { nodes, nodeCpu, nodeMemory, gpuNodes, gpusPerNode: r.intInRange("clusterGpusPerNode", 1, 16) };
}

/** The platform-wide keys: this slice and the edge slice (config/edge.ts). */
const IPV4_CIDR = /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(?:3[0-2]|[12]?[0-9])$/;

/** The link-local address cloud providers serve instance metadata (and the node's credentials) on. */
const METADATA_ADDRESS = "169.254.169.254";

function ipv4InCidr(ip: string, cidr: string): boolean {
  const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base) / size);
}

function parseNetwork(r: Reader<PlatformSchema>): NetworkConfig {
  const cidrs = (key: "networkExcludedCidrs" | "networkApiServerCidrs") => {
    const list = r.get(key);
    for (const c of list) if (!IPV4_CIDR.test(c)) r.problem(key, `${JSON.stringify(c)} is not an IPv4 CIDR such as 10.0.0.0/8`);
    return list;
  };
  const excluded = cidrs("networkExcludedCidrs");
  if (!excluded.some((c) => IPV4_CIDR.test(c) && ipv4InCidr(METADATA_ADDRESS, c))) {
    r.problem("networkExcludedCidrs", `must cover the cloud metadata address ${METADATA_ADDRESS} (e.g. 169.254.0.0/16): every internet egress rule excludes these, and the metadata service hands out the node's cloud credentials`);
  }
  const apiCidrs = cidrs("networkApiServerCidrs");
  const apiPorts = r.get("networkApiServerPorts").map((p) => Number(p));
  if (apiPorts.length === 0 || apiPorts.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) r.problem("networkApiServerPorts", "must be a non-empty list of port numbers (1-65535)");
  const proxyNs = r.get("edgeProxyNamespace");
  if (proxyNs !== "" && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(proxyNs)) r.problem("edgeProxyNamespace", `must be a namespace name (got ${JSON.stringify(proxyNs)})`);
  return {
    internet: { name: "internet", cidrs: ["0.0.0.0/0"], except: excluded },
    // Never the metadata range, whatever the API server CIDRs say. None: discovered (platform/apiServer.ts).
    apiServer: { name: "api-server", cidrs: apiCidrs, except: apiCidrs.includes("0.0.0.0/0") ? ["169.254.0.0/16"] : [] },
    apiServerPorts: apiPorts,
    edgeProxyNamespace: proxyNs || undefined,
  };
}

export function parsePlatform(raw: RawConfig, problems: Problems, imageNames: readonly string[]): PlatformConfig {
  const r = new Reader(PLATFORM_SCHEMA, raw, problems);
  return {
    suites: r.get("suites"),
    kubeContext: r.optional("kubeContext"),
    exposure: parseEdge(new Reader(EDGE_SCHEMA, raw, problems)),
    persistence: r.get("persistence"),
    storageClass: r.matching("storageClass", DNS_SUBDOMAIN, "a StorageClass name") || undefined,
    resourceProfile: r.oneOf("resourceProfile", RESOURCE_PROFILES),
    podDisruptionBudgets: r.get("podDisruptionBudgets"),
    dataProtection: r.get("dataProtection"),
    credentialRotation: parseRotation(r),
    images: parseImageKeys(r, imageNames),
    gpu: parseGpu(r),
    cluster: parseCluster(r),
    network: parseNetwork(r),
  };
}

/** Why a stack counts as production-like (empty: it does not): what hostile-config checks refuse dev-only settings on. */
export function productionSignals(platform: Pick<PlatformConfig, "dataProtection" | "images" | "exposure">): string[] {
  return [platform.dataProtection && "dataProtection is on", platform.images.requirePinned && "requirePinnedImages is on", platform.exposure.mode !== "nodePort" && `exposure is ${platform.exposure.mode}`].filter(
    (x): x is string => Boolean(x),
  );
}

/** The API server as "everywhere" is a choice a dev stack may make, never a production-like one. */
export function checkApiServerPeer(platform: PlatformConfig, problems: Problems): void {
  const wide = configuredCidrs(platform.network.apiServer).filter(tooWide);
  const production = productionSignals(platform);
  if (wide.length > 0 && production.length > 0) {
    problems.add(
      "networkApiServerCidrs",
      `${wide.join(", ")} opens the API server rules to the internet (443, 6443, 8443 anywhere) on a production-like stack (${production.join(", ")}): leave it empty to read the addresses from the cluster at deploy time, or list them: kubectl get endpointslice kubernetes -n default -o jsonpath='{.endpoints[*].addresses[*]}' (each as <ip>/32)`,
    );
  }
}
