/** Harbor's config slice: the chart, its exposure, and the switch that makes it the platform's registry. */
import type { Claims } from "../../config/claims";
import type { PlatformConfig } from "../../config/platform";
import type { ChartConfig, Reader } from "../../config/reader";
import { chartAddonKeys, type KeySpec } from "../../config/schema";
import { isValidRegistry } from "../../lib/images";
import { addonHost, addonHostClaims } from "../shared";

const group = "Harbor and pgAdmin";

export const HARBOR_SCHEMA = {
  ...chartAddonKeys("harbor", group, {
    enabled: "Install Harbor (Helm) into harborNamespace. Off for a cluster that already has a registry.",
    chart: "harbor",
    repo: "https://helm.goharbor.io",
    version: "1.18.2",
    namespace: "llmctl-harbor",
    namespaceWhat: "Namespace of Harbor.",
  }),
  harborNodePort: { type: "integer", group, default: 30082, description: "Harbor HTTP NodePort (exposure=nodePort), 30000-32767." },
  harborHost: { type: "string", group, default: "", description: "Public host of Harbor (required when exposure is gateway or ingress and harborEnabled)." },
  harborExternalUrl: {
    type: "string",
    group,
    default: "",
    description: "Harbor externalURL override; empty derives it from the exposure (ingress host, NodePort host, or in-cluster).",
  },
  harborRegistryStorageSize: { type: "string", group, default: "20Gi", description: "PVC size of Harbor's image storage." },
  harborTrivy: { type: "boolean", group, default: false, description: "Enable Harbor's Trivy scanner (needs internet access for its vulnerability DB)." },
  useHarborRegistry: {
    type: "boolean",
    group,
    default: false,
    description: "Pull every llmctl-built image from the in-cluster Harbor (harborRegistryEndpoint/harborProject) with a generated pull secret.",
  },
  harborProject: { type: "string", group, default: "llmctl", description: "Harbor project holding the llmctl images." },
  harborRegistryEndpoint: {
    type: "string",
    group,
    default: "",
    description: "Registry host the nodes pull Harbor images from; empty uses harbor.<harborNamespace>.svc.cluster.local (see docs/addons.md).",
  },
} as const satisfies Record<string, KeySpec>;

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
  /** Built images come from this Harbor (registryEndpoint/project) with a generated pull secret. */
  readonly useAsRegistry: boolean;
}

export function parseHarbor(r: Reader<typeof HARBOR_SCHEMA>, platform: PlatformConfig): { config: HarborConfig; claims: Claims } {
  const enabled = r.get("harborEnabled");
  const namespace = r.dnsLabel("harborNamespace");
  const endpoint = r.get("harborRegistryEndpoint");
  if (endpoint !== "" && !isValidRegistry(endpoint)) r.problem("harborRegistryEndpoint", `must be a registry host[:port] (got ${JSON.stringify(endpoint)})`);
  const project = r.matching("harborProject", /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, "a Harbor project name (lower-case, digits, . _ -)");
  const useAsRegistry = r.get("useHarborRegistry");
  if (useAsRegistry && !enabled) {
    r.problem("useHarborRegistry", "needs harborEnabled: true (for an external Harbor, set imageRegistry to its host/project instead)");
  } else if (useAsRegistry && platform.images.registry !== "") {
    r.problem("useHarborRegistry", `conflicts with imageRegistry (${JSON.stringify(platform.images.registry)}): choose the in-cluster Harbor or an external registry`);
  }
  if (useAsRegistry && enabled && platform.images.registryUsername !== undefined) {
    r.problems.add("registryUsername", "is not used with useHarborRegistry (the pull secret comes from Harbor's generated credentials)");
  }
  const config: HarborConfig = {
    enabled,
    chart: r.chart("harborChartRepo", "harborChartVersion"),
    namespace,
    nodePort: r.nodePort("harborNodePort"),
    host: addonHost(r, "harborHost", platform.exposure, enabled),
    externalUrl: r.url("harborExternalUrl", { originOnly: true }),
    registryStorageSize: r.quantity("harborRegistryStorageSize"),
    trivy: r.get("harborTrivy"),
    registryEndpoint: endpoint || `harbor.${namespace}.svc.cluster.local`,
    project,
    useAsRegistry: useAsRegistry && enabled,
  };
  const nodePort = platform.exposure.mode === "nodePort" && enabled;
  return {
    config,
    claims: {
      nodePorts: nodePort ? [{ key: "harborNodePort", port: config.nodePort }] : [],
      namespaces: [{ key: "harborNamespace", namespace }],
      hosts: addonHostClaims("harborHost", config.host, namespace, platform.exposure, enabled),
    },
  };
}
