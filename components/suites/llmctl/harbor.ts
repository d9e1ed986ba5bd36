/**
 * Harbor, from the upstream chart, with no default credentials and nothing random at render time.
 *
 * helm.v4.Chart, not helm.v3.Release: v4 renders the chart into individual Kubernetes resources, so a
 * preview shows per-resource diffs, policies and transformations see every object, and the program can
 * be rendered to YAML; a Release is one opaque object. v4 drops Helm hooks (Harbor's only hook is the
 * optional pre-upgrade migration job, off by default) and re-renders on every run, which is why every
 * value the chart would randomize (core/jobservice/registry secrets, CSRF key, secretKey, htpasswd,
 * token CA) is pinned below from state-kept generated values; `lookup` then never matters.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ExposureConfig, HarborConfig } from "../../config";
import { standardLabels } from "../../lib/labels";
import { resources, type ResourceProfile } from "../../lib/resources";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { ingressOrigin, ingressTls } from "../../platform/ingress";
import { Namespace } from "../../platform/namespace";
import { SelfSignedKeyPair } from "../../platform/selfSignedKeyPair";
import { buildPodSpec } from "../../workloads/pod";

export const HARBOR = {
  release: "harbor",
  credentials: "harbor-credentials",
  registryCredentials: "harbor-registry-credentials",
  tokenSecret: "harbor-token",
  ingressTlsSecret: "harbor-ingress-tls",
  createProjectJob: "harbor-create-project",
  adminUsername: "admin",
  registryUsername: "harbor_registry_user",
  /** The chart's nginx Service for clusterIP/nodePort exposure (not prefixed with the release). */
  service: "harbor",
  coreService: "harbor-core",
} as const;

/** Keys of harbor-credentials, with the lengths the chart requires. */
export const HARBOR_GENERATED = {
  HARBOR_ADMIN_PASSWORD: { length: 32 },
  secretKey: { length: 16 },
  secret: { length: 16 },
  CSRF_KEY: { length: 32 },
  JOBSERVICE_SECRET: { length: 16 },
  REGISTRY_HTTP_SECRET: { length: 16 },
  REGISTRY_PASSWD: { length: 32 },
  DATABASE_PASSWORD: { length: 32 },
} as const;

export interface HarborArgs {
  readonly config: HarborConfig;
  readonly exposure: ExposureConfig;
  readonly persistence: boolean;
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
  /** Image of the project-bootstrap Job (curl). */
  readonly curlImage: string;
}

export class Harbor extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly externalUrl: string;
  readonly adminUsername: string = HARBOR.adminUsername;
  /** Generated admin password (a Pulumi secret). */
  readonly adminPassword: pulumi.Output<string>;
  /** Registry host the nodes pull from, and the project holding the llmctl images. */
  readonly registryEndpoint: string;
  readonly project: string;
  readonly chartVersion: string;

  constructor(name: string, args: HarborArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:llmctl:Harbor", name, {}, opts);
    const cfg = args.config;
    const mode = args.exposure.mode;
    const ns = new Namespace(
      `${name}-namespace`,
      {
        name: cfg.namespace,
        instance: name,
        enforce: "baseline",
        enforceReason: "Harbor's internal database runs a root init container to fix volume ownership",
        // Chart-owned pods: their labels are the chart's, so no default-deny that could cut off nginx.
        defaultDenyIngress: false,
      },
      { parent: this },
    );
    this.namespace = ns.name;
    const inNs = { parent: this, dependsOn: [ns] };

    const credentials = new GeneratedSecret(
      HARBOR.credentials,
      { namespace: this.namespace, secretName: HARBOR.credentials, instance: name, generate: HARBOR_GENERATED },
      inNs,
    );
    this.adminPassword = credentials.values.HARBOR_ADMIN_PASSWORD;
    // The registry's htpasswd: bcrypt kept in state (the chart would re-salt it on every render).
    const registryCredentials = new GeneratedSecret(
      HARBOR.registryCredentials,
      {
        namespace: this.namespace,
        secretName: HARBOR.registryCredentials,
        instance: name,
        generate: {},
        extra: {
          REGISTRY_PASSWD: credentials.values.REGISTRY_PASSWD,
          REGISTRY_HTPASSWD: pulumi.interpolate`${HARBOR.registryUsername}:${credentials.bcrypt.REGISTRY_PASSWD}`,
        },
      },
      inNs,
    );
    // The token CA (the chart's genCA would mint a new one per render and roll core and registry).
    const tokenCa = new SelfSignedKeyPair(`${name}-token-ca`, { commonName: "harbor-token-ca" }, { parent: this });
    const tokenSecret = new k8s.core.v1.Secret(
      `${name}-token`,
      {
        metadata: { name: HARBOR.tokenSecret, namespace: this.namespace, labels: standardLabels(HARBOR.tokenSecret, name) },
        type: "kubernetes.io/tls",
        stringData: pulumi.secret(pulumi.all([tokenCa.privateKeyPem, tokenCa.certificatePem]).apply(([key, crt]) => ({ "tls.key": key, "tls.crt": crt }))),
      },
      inNs,
    );

    const tls = ingressTls(args.exposure);
    const inCluster = `http://${HARBOR.service}.${cfg.namespace}.svc.cluster.local`;
    this.externalUrl =
      cfg.externalUrl ??
      (mode === "ingress"
        ? ingressOrigin(args.exposure, cfg.host!)
        : mode === "nodePort" && args.exposure.nodePortHost
          ? `http://${args.exposure.nodePortHost}:${cfg.nodePort}`
          : inCluster);
    this.registryEndpoint = cfg.registryEndpoint;
    this.project = cfg.project;
    this.chartVersion = cfg.chart.version;

    const pvc = (size?: string) => ({ storageClass: args.storageClass ?? "", ...(size ? { size } : {}) });
    const sized = (size: "small" | "medium") => resources(args.profile, size);
    const values = {
      externalURL: this.externalUrl,
      expose: harborExpose(cfg, args.exposure, tls),
      existingSecretAdminPassword: HARBOR.credentials,
      existingSecretAdminPasswordKey: "HARBOR_ADMIN_PASSWORD",
      existingSecretSecretKey: HARBOR.credentials,
      core: {
        secretName: HARBOR.tokenSecret,
        existingSecret: HARBOR.credentials,
        existingXsrfSecret: HARBOR.credentials,
        existingXsrfSecretKey: "CSRF_KEY",
        resources: sized("medium"),
      },
      jobservice: { existingSecret: HARBOR.credentials, existingSecretKey: "JOBSERVICE_SECRET", resources: sized("small") },
      registry: {
        existingSecret: HARBOR.credentials,
        existingSecretKey: "REGISTRY_HTTP_SECRET",
        credentials: { username: HARBOR.registryUsername, existingSecret: HARBOR.registryCredentials },
        registry: { resources: sized("medium") },
        controller: { resources: sized("small") },
      },
      database: { type: "internal", internal: { password: credentials.values.DATABASE_PASSWORD, resources: sized("medium") } },
      redis: { type: "internal", internal: { resources: sized("small") } },
      nginx: { resources: sized("small") },
      portal: { resources: sized("small") },
      trivy: { enabled: cfg.trivy },
      internalTLS: { enabled: false },
      enableMigrateHelmHook: false,
      metrics: { enabled: false },
      persistence: {
        enabled: args.persistence,
        resourcePolicy: "keep",
        persistentVolumeClaim: {
          registry: pvc(cfg.registryStorageSize),
          jobservice: { jobLog: pvc() },
          database: pvc(),
          redis: pvc(),
          trivy: pvc(),
        },
      },
      // ReadWriteOnce volumes cannot be attached to an old and a new pod at once.
      updateStrategy: { type: args.persistence ? "Recreate" : "RollingUpdate" },
    };

    const chart = new k8s.helm.v4.Chart(
      `${name}-chart`,
      {
        name: HARBOR.release,
        chart: "harbor",
        version: cfg.chart.version,
        repositoryOpts: { repo: cfg.chart.repo },
        namespace: this.namespace,
        values,
      },
      { parent: this, dependsOn: [ns, credentials, registryCredentials, tokenSecret] },
    );

    // Create the llmctl project through Harbor's API once core answers (idempotent: 201 or 409).
    new k8s.batch.v1.Job(
      `${name}-create-project`,
      {
        metadata: { name: HARBOR.createProjectJob, namespace: this.namespace, labels: standardLabels(HARBOR.createProjectJob, name, "bootstrap") },
        spec: {
          backoffLimit: 6,
          activeDeadlineSeconds: 1800,
          ttlSecondsAfterFinished: 86400,
          template: {
            metadata: { labels: standardLabels(HARBOR.createProjectJob, name, "bootstrap") },
            spec: buildPodSpec({
              profile: args.profile,
              restartPolicy: "OnFailure",
              containers: [
                {
                  name: "create-project",
                  image: args.curlImage,
                  size: "tiny",
                  command: ["/bin/sh", "-c", CREATE_PROJECT_SCRIPT],
                  env: {
                    HARBOR_API: `http://${HARBOR.coreService}.${cfg.namespace}.svc.cluster.local/api/v2.0`,
                    HARBOR_PROJECT: cfg.project,
                    HARBOR_USER: HARBOR.adminUsername,
                    HARBOR_PASSWORD: { secretKeyRef: { name: HARBOR.credentials, key: "HARBOR_ADMIN_PASSWORD" } },
                  },
                },
              ],
            }),
          },
        },
      },
      { parent: this, dependsOn: [chart] },
    );

    this.registerOutputs({ externalUrl: this.externalUrl, adminUsername: this.adminUsername });
  }
}

export const CREATE_PROJECT_SCRIPT = `
set -eu
until curl -sf -o /dev/null "$HARBOR_API/ping"; do echo "waiting for $HARBOR_API"; sleep 5; done
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$HARBOR_USER:$HARBOR_PASSWORD" -H 'Content-Type: application/json' \\
  -X POST "$HARBOR_API/projects" -d "{\\"project_name\\":\\"$HARBOR_PROJECT\\",\\"metadata\\":{\\"public\\":\\"false\\"}}")
case "$code" in
  201) echo "created project $HARBOR_PROJECT" ;;
  409) echo "project $HARBOR_PROJECT exists" ;;
  *) echo "creating project $HARBOR_PROJECT failed: HTTP $code"; exit 1 ;;
esac
`.trim();

function harborExpose(cfg: HarborConfig, exposure: ExposureConfig, tls: boolean): Record<string, unknown> {
  if (exposure.mode === "ingress") {
    return {
      type: "ingress",
      tls: tls ? { enabled: true, certSource: "secret", secret: { secretName: HARBOR.ingressTlsSecret } } : { enabled: false },
      ingress: {
        hosts: { core: cfg.host },
        className: exposure.ingress?.className,
        annotations: {
          "nginx.ingress.kubernetes.io/proxy-body-size": "0",
          "nginx.ingress.kubernetes.io/ssl-redirect": tls ? "true" : "false",
          ...(tls ? { "cert-manager.io/cluster-issuer": exposure.ingress!.tlsClusterIssuer! } : {}),
        },
      },
    };
  }
  // NodePort (dev) serves plain HTTP; in-cluster pulls use the same Service on port 80.
  if (exposure.mode === "nodePort") {
    return { type: "nodePort", tls: { enabled: false }, nodePort: { name: HARBOR.service, ports: { http: { port: 80, nodePort: cfg.nodePort } } } };
  }
  return { type: "clusterIP", tls: { enabled: false }, clusterIP: { name: HARBOR.service, ports: { httpPort: 80 } } };
}
