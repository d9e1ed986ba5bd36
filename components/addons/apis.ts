/**
 * What each chart the platform installs supplies to the cluster (CRDs, admission webhooks) and which kinds
 * supplied by another chart its own templates create, read from the charts' sources at the pinned versions
 * (docs/operations.md#ordering-convergence-and-state). `chartRelease` derives every chart's dependsOn from this
 * table and registers what it supplies; objects the program creates ask `PlatformApis.after` for theirs.
 */
import { valueAt } from "../lib/valueAt";
import type { ApiKind, ApiSupplier } from "../platform/apis";
import { CERT_MANAGER } from "./certManager/values";
import { ENVOY_GATEWAY } from "./envoyGateway/values";
import { GPU_OPERATOR } from "./gpuOperator/values";
import { KSERVE } from "./kserve/values";
import { MONITORING } from "./monitoring/values";

export const GATEWAY_API_KINDS = { gateway: "gateway.networking.k8s.io/Gateway", httpRoute: "gateway.networking.k8s.io/HTTPRoute" } as const;
const CERT_MANAGER_KINDS = { issuer: "cert-manager.io/Issuer", certificate: "cert-manager.io/Certificate" } as const;

/** gateway-helm: the Gateway API CRDs (its crds/gatewayapi-crds.yaml) and Envoy Gateway's own; no admission webhook. */
export const ENVOY_GATEWAY_APIS: ApiSupplier = { name: "envoy-gateway", crds: ["gateway.networking.k8s.io/*", "gateway.envoyproxy.io/*"], admits: [] };

/** cert-manager: its CRDs (crds.enabled), and its webhook validates and mutates both of its groups (failurePolicy Fail). */
export const CERT_MANAGER_APIS: ApiSupplier = {
  name: "cert-manager",
  crds: ["cert-manager.io/*", "acme.cert-manager.io/*"],
  admits: ["cert-manager.io/*", "acme.cert-manager.io/*"],
};

/** kube-prometheus-stack: the prometheus-operator CRDs (crds subchart); its admission webhook is off (monitoring/values.ts). */
export const MONITORING_APIS: ApiSupplier = { name: "monitoring", crds: ["monitoring.coreos.com/*"], admits: [] };

/** gpu-operator: ClusterPolicy, NVIDIADriver, GPUCluster, the DRA ComputeDomains, and node-feature-discovery's CRDs (its subchart). */
export const GPU_OPERATOR_APIS: ApiSupplier = { name: "gpu-operator", crds: ["nvidia.com/*", "resource.nvidia.com/*", "nfd.k8s-sigs.io/*"], admits: [] };

/** kserve-crd: every serving.kserve.io CRD. */
export const KSERVE_CRD_APIS: ApiSupplier = { name: "kserve-crd", crds: ["serving.kserve.io/*"], admits: [] };

/** kserve-resources: the controller's webhooks validate and default KServe's objects (failurePolicy Fail). */
export const KSERVE_APIS: ApiSupplier = { name: "kserve", crds: [], admits: ["serving.kserve.io/*"] };

type Values = Readonly<Record<string, unknown>>;

export interface ChartApis {
  /** What installing the chart supplies. */
  readonly supplies?: ApiSupplier;
  /** Kinds from other charts that the chart's templates create (or its pods need at start) with these values. */
  readonly uses: (values: Values) => ApiKind[];
}

const none = (): ApiKind[] => [];

/** By chart name (the last segment of an OCI reference). */
export const CHART_APIS: Readonly<Record<string, ChartApis>> = {
  [ENVOY_GATEWAY.chart]: { supplies: ENVOY_GATEWAY_APIS, uses: none },
  // The controller watches Gateways and HTTPRoutes only if their CRDs exist when it starts.
  [CERT_MANAGER.chart]: {
    supplies: CERT_MANAGER_APIS,
    uses: (v) => (valueAt(v, "config.gatewayAPI.enabled") === true ? [GATEWAY_API_KINDS.gateway, GATEWAY_API_KINDS.httpRoute] : []),
  },
  [MONITORING.chart]: { supplies: MONITORING_APIS, uses: none },
  // The DCGM exporter's ServiceMonitor is not the chart's: the operator creates it at run time, once its CRD
  // exists (controllers/object_controls.go), so the chart needs nothing of monitoring.
  [GPU_OPERATOR.chart]: { supplies: GPU_OPERATOR_APIS, uses: none },
  [KSERVE.crdChart]: { supplies: KSERVE_CRD_APIS, uses: none },
  // The webhook server's certificate is a cert-manager Issuer and Certificate; the controller watches every
  // KServe kind from its start (its caches fail without the CRDs), and the chart creates some (ClusterStorageContainer).
  [KSERVE.chart]: { supplies: KSERVE_APIS, uses: () => [CERT_MANAGER_KINDS.issuer, CERT_MANAGER_KINDS.certificate, "serving.kserve.io/*"] },
  // No CRDs, no webhooks, nothing of another chart (read at the pinned versions).
  harbor: { uses: none },
  pgadmin4: { uses: none },
};

/** The chart name in a chart reference: `harbor`, or the last path segment of `oci://host/path/gateway-helm`. */
export function chartName(chart: string): string {
  return chart.slice(chart.lastIndexOf("/") + 1);
}

/** The table entry of a chart; every chart the platform installs has one. */
export function chartApis(chart: string): ChartApis {
  const entry = CHART_APIS[chartName(chart)];
  if (!entry) throw new Error(`chart ${chart} has no entry in CHART_APIS (components/addons/apis.ts): declare what it supplies and uses`);
  return entry;
}
