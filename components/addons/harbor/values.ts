/**
 * The harbor chart's values (keys checked against goharbor/harbor-helm v1.18.x values.yaml), and the pods
 * they make for the capacity check. Every value the chart would randomize is pinned from generated,
 * state-kept Secrets (see index.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { WorkloadDemand } from "../../lib/capacity";
import { chartPodDemand } from "../../lib/demand";
import { type Resources, resources, type ResourceProfile } from "../../lib/resources";
import { type ExposureConfig, ingressTls } from "../../platform/exposure";
import type { HarborConfig } from "./config";

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

export interface HarborValuesArgs {
  readonly config: HarborConfig;
  readonly exposure: ExposureConfig;
  readonly externalUrl: string;
  readonly persistence: boolean;
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
  /** The internal database's generated password (a Pulumi secret). */
  readonly databasePassword: pulumi.Input<string>;
}

type Sized = Resources;

/** Requests and limits of each Harbor component we size (the chart's own defaults for the rest). */
function harborSizes(profile: ResourceProfile): Record<"core" | "jobservice" | "registry" | "registryController" | "database" | "redis" | "nginx" | "portal", Sized> {
  const small = resources(profile, "small");
  const medium = resources(profile, "medium");
  return { core: medium, jobservice: small, registry: medium, registryController: small, database: medium, redis: small, nginx: small, portal: small };
}

export function harborValues(a: HarborValuesArgs): Record<string, unknown> {
  const cfg = a.config;
  const pvc = (size?: string) => ({ storageClass: a.storageClass ?? "", ...(size ? { size } : {}) });
  const sized = harborSizes(a.profile);
  return {
    externalURL: a.externalUrl,
    expose: harborExpose(cfg, a.exposure),
    existingSecretAdminPassword: HARBOR.credentials,
    existingSecretAdminPasswordKey: "HARBOR_ADMIN_PASSWORD",
    existingSecretSecretKey: HARBOR.credentials,
    core: {
      secretName: HARBOR.tokenSecret,
      existingSecret: HARBOR.credentials,
      existingXsrfSecret: HARBOR.credentials,
      existingXsrfSecretKey: "CSRF_KEY",
      resources: sized.core,
    },
    jobservice: { existingSecret: HARBOR.credentials, existingSecretKey: "JOBSERVICE_SECRET", resources: sized.jobservice },
    registry: {
      existingSecret: HARBOR.credentials,
      existingSecretKey: "REGISTRY_HTTP_SECRET",
      credentials: { username: HARBOR.registryUsername, existingSecret: HARBOR.registryCredentials },
      registry: { resources: sized.registry },
      controller: { resources: sized.registryController },
    },
    database: { type: "internal", internal: { password: a.databasePassword, resources: sized.database } },
    redis: { type: "internal", internal: { resources: sized.redis } },
    nginx: { resources: sized.nginx },
    portal: { resources: sized.portal },
    trivy: { enabled: cfg.trivy },
    internalTLS: { enabled: false },
    enableMigrateHelmHook: false,
    metrics: { enabled: false },
    persistence: {
      enabled: a.persistence,
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
    updateStrategy: { type: a.persistence ? "Recreate" : "RollingUpdate" },
  };
}

function harborExpose(cfg: HarborConfig, exposure: ExposureConfig): Record<string, unknown> {
  const tls = ingressTls(exposure);
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
          ...(tls && exposure.ingress?.tlsClusterIssuer ? { "cert-manager.io/cluster-issuer": exposure.ingress.tlsClusterIssuer } : {}),
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

/** The chart's trivy defaults (values.yaml: requests 200m/512Mi, limits 1/1Gi): we leave them as they are. */
const TRIVY_DEFAULT: Sized = { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } };

/**
 * The pods Harbor's chart runs, one replica each, sized as harborValues sizes them: nginx only when the
 * chart exposes through its own nginx (not under ingress), trivy only when enabled; the create-project Job.
 */
export function harborDemand(cfg: HarborConfig, exposure: ExposureConfig, profile: ResourceProfile): WorkloadDemand[] {
  const s = harborSizes(profile);
  const pods: Array<[string, Sized[]]> = [
    ["harbor-core", [s.core]],
    ["harbor-jobservice", [s.jobservice]],
    ["harbor-registry", [s.registry, s.registryController]],
    ["harbor-database", [s.database]],
    ["harbor-redis", [s.redis]],
    ["harbor-portal", [s.portal]],
    ...(exposure.mode === "ingress" ? [] : [["harbor-nginx", [s.nginx]] as [string, Sized[]]]),
    ...(cfg.trivy ? [["harbor-trivy", [TRIVY_DEFAULT]] as [string, Sized[]]] : []),
  ];
  return [
    ...pods.map(([workload, containers]) => chartPodDemand(cfg.namespace, workload, "chart:harbor", containers)),
    chartPodDemand(cfg.namespace, HARBOR.createProjectJob, "Job", [resources(profile, "tiny")]),
  ];
}
