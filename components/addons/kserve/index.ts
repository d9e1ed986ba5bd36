/**
 * KServe: the CRDs (kserve-crd), then the controller (kserve-resources) in Standard mode, and optionally an
 * example sklearn InferenceService whose model the storage-initializer downloads from the mlops suite's
 * object store with that store's generated keys (never copied into config).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import type { ResourceProfile } from "../../lib/resources";
import { allowFlow, type Flow, type NetworkConfig, type PodGroup } from "../../platform/flows";
import { Namespace } from "../../platform/namespace";
import type { PlatformApis } from "../../platform/apis";
import type { ObjectStore } from "../../platform/objectStore";
import { chartNamespace, chartRelease } from "../shared";
import { KSERVE_USER, type KserveConfig } from "./config";
import { exampleInferenceServiceSpec, KSERVE, kserveValues, s3Annotations, sklearnRuntimeSpec } from "./values";

export interface KserveArgs {
  readonly config: KserveConfig;
  readonly profile: ResourceProfile;
  readonly network: NetworkConfig;
  /** The mlops suite's object store: the example's model and credentials. */
  readonly objectStore?: ObjectStore;
  readonly apis: PlatformApis;
}

export class Kserve extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly chartVersion: string;
  /** The example's in-cluster predictor URL, when it is on. */
  readonly exampleUrl?: string;

  constructor(name: string, args: KserveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:addons:Kserve", name, {}, opts);
    const cfg = args.config;
    const ns = chartNamespace(name, { namespace: cfg.namespace, instance: name, reason: "a third-party chart's pod specs; restricted is still warned and audited" }, this);
    this.namespace = ns.name;
    this.chartVersion = cfg.chart.version;
    // The CRDs are cluster-scoped: the chart needs no namespace object, only its name.
    chartRelease(`${name}-crd`, { release: KSERVE.crdRelease, chart: KSERVE.crdChart, source: cfg.chart, namespace: cfg.namespace, values: {} }, this, { apis: args.apis });
    // The controller watches those CRDs from its start, and its webhook's certificate is cert-manager's (CHART_APIS).
    chartRelease(name, { release: KSERVE.release, chart: KSERVE.chart, source: cfg.chart, namespace: ns.name, values: kserveValues(args.profile) }, this, { apis: args.apis });

    const pods = (suffix: string, selector: PodGroup["selector"]): PodGroup => ({ name: suffix, namespace: cfg.namespace, own: ns.name, selector });
    // The controller manager (its webhook server runs in the same pod), by the label KServe's manifests give it.
    const controller = (suffix: string) => pods(suffix, { matchLabels: { "control-plane": "kserve-controller-manager" } });
    const flows: Flow[] = [
      {
        name: "kserve-to-api-server",
        from: { pods: controller(name) },
        to: { external: args.network.apiServer },
        ports: args.network.apiServerPorts.map((port) => ({ port })),
        why: "the controller reconciles InferenceServices into Deployments, Services and HPAs",
      },
      {
        name: "api-server-to-kserve-webhook",
        from: { external: args.network.apiServer },
        to: { pods: controller(`${name}-webhook`) },
        ports: [{ port: KSERVE.webhookPort }],
        why: "the API server calls KServe's admission webhooks (InferenceService defaulting and validation, pod mutation for the storage-initializer), from the control plane's addresses",
      },
    ];
    for (const f of flows) allowFlow(f, name, { parent: this });

    if (cfg.example) {
      // The parser only turns the example on with the mlops suite, which provides the store.
      if (!args.objectStore) throw new Error(`Kserve ${name}: the example needs the object store the mlops suite provides`);
      this.exampleUrl = this.example(name, cfg.example, args.objectStore, args.profile, args.apis);
    }
    this.registerOutputs({ namespace: this.namespace, exampleUrl: this.exampleUrl });
  }

  /** The example's namespace, S3 credentials, runtime and InferenceService, and its flow to the store. */
  private example(name: string, ex: NonNullable<KserveConfig["example"]>, store: ObjectStore, profile: ResourceProfile, apis: PlatformApis): string {
    const e = KSERVE.example;
    const ns = new Namespace(
      `${name}-models-namespace`,
      {
        name: ex.namespace,
        instance: name,
        // The runtime container and the pod meet restricted (see sklearnRuntimeSpec), but KServe injects the
        // storage-initializer init container without a container securityContext (no capabilities drop,
        // no allowPrivilegeEscalation: false), which restricted rejects; it runs as non-root and unprivileged.
        enforce: "baseline",
        enforceReason: "KServe injects the storage-initializer init container without a restricted security context; restricted is still warned and audited",
      },
      { parent: this },
    );
    const labels = (n: string, component: string) => standardLabels(n, name, component);
    // Its own user, read-only on the model's bucket (kserveGrant), not the store's root keys.
    const keys = store.keys(KSERVE_USER);
    const secret = new k8s.core.v1.Secret(
      `${name}-s3`,
      {
        metadata: { name: e.secret, namespace: ns.name, labels: labels(e.secret, "config"), annotations: s3Annotations(store.endpoint, store.region) },
        type: "Opaque",
        // The user's generated keys, by reference: the same values the store's user step set, a secret in state.
        stringData: pulumi.secret(pulumi.all([keys.accessKey, keys.secretKey]).apply(([id, key]) => ({ AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: key }))),
      },
      { parent: this },
    );
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-s3`,
      // KServe's storage-initializer takes S3 credentials from the Secrets the ServiceAccount lists; the predictor needs no API token.
      { metadata: { name: e.serviceAccount, namespace: ns.name, labels: labels(e.serviceAccount, "config") }, secrets: [{ name: e.secret }], automountServiceAccountToken: false },
      { parent: this },
    );
    // Their CRDs, and the controller's webhook that admits them.
    const after = (kind: string) => apis.after([`${KSERVE.api}/${kind}`], `the KServe example's ${kind}`);
    new k8s.apiextensions.CustomResource(
      `${name}-sklearn-runtime`,
      { apiVersion: `${KSERVE.api}/v1alpha1`, kind: "ServingRuntime", metadata: { name: e.runtime, namespace: ns.name, labels: labels(e.runtime, "serving") }, spec: sklearnRuntimeSpec(profile) },
      { parent: this, dependsOn: after("ServingRuntime") },
    );
    // The controller's webhook must answer before an InferenceService is admitted; the credentials must exist
    // before KServe builds the predictor from the ServiceAccount.
    new k8s.apiextensions.CustomResource(
      `${name}-${e.name}`,
      { apiVersion: `${KSERVE.api}/v1beta1`, kind: "InferenceService", metadata: { name: e.name, namespace: ns.name, labels: labels(e.name, "serving") }, spec: exampleInferenceServiceSpec(ex.storageUri) },
      { parent: this, dependsOn: [...after("InferenceService"), secret, account] },
    );
    // KServe labels every pod of an InferenceService with its name.
    const predictor: PodGroup = { name: `${e.name}-predictor`, namespace: ex.namespace, own: ns.name, selector: { matchLabels: { [`${KSERVE.api}/inferenceservice`]: e.name } } };
    allowFlow(
      { name: `${e.name}-to-object-store`, from: { pods: predictor }, to: { pods: store.pods }, ports: [{ port: store.port }], why: `the storage-initializer downloads the model from ${store.provider}'s object store` },
      name,
      { parent: this },
    );
    return `http://${e.name}-predictor.${ex.namespace}.svc.cluster.local`;
  }
}
