/**
 * KServe's slice: the CRD and controller charts (Standard deployment mode: plain Deployments, no Knative,
 * no Istio), off by default, and an optional example InferenceService that loads its model from the mlops
 * suite's object store.
 */
import type { Claims } from "../../config/claims";
import type { PlatformConfig } from "../../config/platform";
import type { ChartConfig, Reader } from "../../config/reader";
import { chartAddonKeys, type KeySpec } from "../../config/schema";
import type { ObjectStoreGrant } from "../../platform/objectStore";
import type { CertManagerConfig } from "../certManager/config";

const group = "KServe";

const CHART_KEYS = chartAddonKeys("kserve", group, {
  enabled:
    "Install KServe (kserve-crd, then kserve-resources from the same OCI repository and version) in Standard mode: predictors as plain Deployments, served through the platform edge, not Knative or Istio. Needs cert-manager.",
  chart: "kserve-crd and kserve-resources",
  repo: "oci://ghcr.io/kserve/charts",
  version: "v0.20.0",
  namespace: "kserve",
  namespaceWhat: "Namespace of the KServe controller and its webhook.",
});

export const KSERVE_SCHEMA = {
  ...CHART_KEYS,
  // Off unless asked for: model serving is opt-in.
  kserveEnabled: { ...CHART_KEYS.kserveEnabled, default: false },
  kserveExampleEnabled: {
    type: "boolean",
    group,
    default: false,
    description: "Deploy the example sklearn InferenceService (sklearn-iris) in kserveExampleNamespace, loading its model from the mlops suite's object store (needs kserveEnabled and the mlops suite).",
  },
  kserveExampleNamespace: { type: "string", group, default: "kserve-models", description: "Namespace of the example InferenceService." },
  kserveExampleStorageUri: {
    type: "string",
    group,
    default: "s3://models/sklearn/iris",
    description: "Where the example's model is in the object store: s3://<bucket>/<path> (upload model.joblib there first).",
  },
} as const satisfies Record<string, KeySpec>;

export interface KserveConfig {
  readonly enabled: boolean;
  /** Version and repository of both charts. */
  readonly chart: ChartConfig;
  readonly namespace: string;
  /** The example InferenceService, when on (kserveEnabled and the mlops suite). */
  readonly example?: { readonly namespace: string; readonly storageUri: string };
}

export const KSERVE_USER = "kserve-models";

/** The example's user in the object store: the model's bucket, read-only (the storage-initializer only downloads). */
export function kserveGrant(cfg: KserveConfig): ObjectStoreGrant | undefined {
  if (!cfg.example) return undefined;
  const bucket = cfg.example.storageUri.slice("s3://".length).split("/")[0];
  return { user: KSERVE_USER, buckets: [bucket], access: "readonly", holder: `KServe's storage-initializer in ${cfg.example.namespace} (Secret kserve-s3)` };
}

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/;

/** Whether cert-manager is in the cluster: the platform installs it, the operator said it is there, or an existing issuer is its. */
export function certManagerPresent(certManager: CertManagerConfig, platform: PlatformConfig): boolean {
  return certManager.issuer || platform.exposure.tls.mode === "existingIssuer";
}

export function parseKserve(r: Reader<typeof KSERVE_SCHEMA>, platform: PlatformConfig, certManager: CertManagerConfig): { config: KserveConfig; claims: Claims } {
  const enabled = r.get("kserveEnabled");
  const namespace = r.dnsLabel("kserveNamespace");
  const exampleOn = r.get("kserveExampleEnabled");
  const exampleNamespace = r.dnsLabel("kserveExampleNamespace");
  const storageUri = r.get("kserveExampleStorageUri");
  if (!S3_URI.test(storageUri)) r.problem("kserveExampleStorageUri", `must be s3://<bucket>/<path> in the mlops object store (got ${JSON.stringify(storageUri)})`);
  if (enabled && !certManagerPresent(certManager, platform)) {
    r.problem(
      "kserveEnabled",
      `needs cert-manager (KServe's webhook certificate is a cert-manager Certificate), which this stack neither installs nor assumes: use exposure gateway or ingress with tlsMode selfSigned, acmeHttp01 or acmeDns01 (the platform installs it; certManagerEnabled: false if the cluster already runs it) or existingIssuer (exposure is ${platform.exposure.mode}, tlsMode ${platform.exposure.tls.mode})`,
    );
  }
  if (exampleOn && !enabled) r.problem("kserveExampleEnabled", "needs kserveEnabled: true (the InferenceService is KServe's)");
  if (exampleOn && !platform.suites.includes("mlops")) {
    r.problem("kserveExampleEnabled", `needs the mlops suite in suites: the example loads its model from mlops' object store (suites: ${platform.suites.join(", ") || "none"})`);
  }
  if (exampleOn && exampleNamespace === namespace) r.problem("kserveExampleNamespace", `must differ from kserveNamespace (${namespace}): models run apart from the controller`);
  const example = enabled && exampleOn ? { namespace: exampleNamespace, storageUri } : undefined;
  const config: KserveConfig = { enabled, chart: r.chart("kserveChartRepo", "kserveChartVersion"), namespace, example };
  return {
    config,
    claims: {
      nodePorts: [],
      namespaces: [...(enabled ? [{ key: "kserveNamespace", namespace }] : []), ...(example ? [{ key: "kserveExampleNamespace", namespace: exampleNamespace }] : [])],
    },
  };
}
