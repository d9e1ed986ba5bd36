/**
 * KServe's chart values (keys checked against kserve/kserve charts/kserve-resources values.yaml, v0.20.0),
 * the example's objects (pure, for tests), and the pods they make, for the capacity check.
 */
import type { WorkloadDemand } from "../../lib/capacity";
import { chartPodDemand, workloadDemand } from "../../lib/demand";
import { type Resources, resources, type ResourceProfile } from "../../lib/resources";
import type { KserveConfig } from "./config";

export const KSERVE = {
  crdRelease: "kserve-crd",
  /**
   * The same six serving.kserve.io CRDs as kserve-crd, without their OpenAPI schemas (8 KB instead of 2.4 MB,
   * which the engine kept twice in state and rewrote at every step): KServe's own webhooks still default and
   * validate InferenceServices, ServingRuntimes, InferenceGraphs and TrainedModels; the API server no longer
   * prunes unknown fields of their specs, and `kubectl explain` has nothing to say about them.
   */
  crdChart: "kserve-crd-minimal",
  release: "kserve",
  chart: "kserve-resources",
  /** The webhook server of the controller manager. */
  webhookPort: 9443,
  api: "serving.kserve.io",
  example: {
    name: "sklearn-iris",
    /** The ServiceAccount the storage-initializer takes its S3 credentials from, and that Secret. */
    serviceAccount: "kserve-s3",
    secret: "kserve-s3",
    runtime: "kserve-sklearnserver",
    /** The runtime image, pinned to the controller's version. */
    image: "docker.io/kserve/sklearnserver:v0.20.0",
    port: 8080,
  },
} as const;

/** KServe's storage-initializer at the controller's defaults (inferenceservice-config, storageInitializer). */
const STORAGE_INITIALIZER: Resources = { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "1", memory: "1Gi" } };

function sizes(profile: ResourceProfile): { controller: Resources; predictor: Resources } {
  return { controller: resources(profile, "small"), predictor: resources(profile, "medium") };
}

export function kserveValues(profile: ResourceProfile): Record<string, unknown> {
  return {
    kserve: {
      controller: {
        // v0.20's name for raw Deployments (the former RawDeployment, still accepted but deprecated): no
        // Knative. Predictors are Deployments with a Service; an HPA scales them.
        deploymentMode: "Standard",
        gateway: {
          // The platform edge exposes what should be public; KServe creates no Ingress and no Istio
          // VirtualService of its own (there is no Istio).
          disableIngressCreation: true,
          disableIstioVirtualHost: true,
        },
        resources: sizes(profile).controller,
      },
      // No ClusterServingRuntimes for every framework: the example brings the one runtime it uses (sklearn,
      // namespaced, pinned, restricted security context), nothing else is installed cluster-wide.
      servingruntime: { enabled: false },
    },
  };
}

/** The S3 Secret the storage-initializer reads (through the ServiceAccount), as KServe's annotations name it. */
export function s3Annotations(endpoint: string, region: string): Record<string, string> {
  const url = new URL(endpoint);
  return {
    "serving.kserve.io/s3-endpoint": url.host,
    "serving.kserve.io/s3-usehttps": url.protocol === "https:" ? "1" : "0",
    "serving.kserve.io/s3-region": region,
  };
}

/** The sklearn runtime the example selects (modelFormat sklearn), with a restricted container. */
export function sklearnRuntimeSpec(profile: ResourceProfile): Record<string, unknown> {
  return {
    supportedModelFormats: [{ name: "sklearn", version: "1", autoSelect: true, priority: 1 }],
    protocolVersions: ["v1", "v2"],
    containers: [
      {
        name: "kserve-container",
        image: KSERVE.example.image,
        args: ["--model_name={{.Name}}", "--model_dir=/mnt/models", `--http_port=${KSERVE.example.port}`],
        securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
        resources: sizes(profile).predictor,
      },
    ],
  };
}

/** The example InferenceService: sklearn, its model from the object store, credentials via the ServiceAccount. */
export function exampleInferenceServiceSpec(storageUri: string): Record<string, unknown> {
  return {
    predictor: {
      serviceAccountName: KSERVE.example.serviceAccount,
      minReplicas: 1,
      maxReplicas: 1,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      model: { modelFormat: { name: "sklearn" }, runtime: KSERVE.example.runtime, storageUri },
    },
  };
}

/** The controller manager, and the example's predictor (the runtime plus KServe's storage-initializer). */
export function kserveDemand(cfg: KserveConfig, profile: ResourceProfile): WorkloadDemand[] {
  const s = sizes(profile);
  return [
    chartPodDemand(cfg.namespace, "kserve-controller-manager", "chart:kserve-resources", [s.controller]),
    ...(cfg.example
      ? [workloadDemand({ namespace: cfg.example.namespace, workload: `${KSERVE.example.name}-predictor`, kind: "chart:kserve-predictor", containers: [s.predictor], initContainers: [STORAGE_INITIALIZER] })]
      : []),
  ];
}
