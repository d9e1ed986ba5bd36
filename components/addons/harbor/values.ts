/**
 * The harbor chart's values (keys checked against goharbor/harbor-helm v1.18.x values.yaml), and the pods
 * they make for the capacity check. Every value the chart would randomize is pinned from generated,
 * state-kept Secrets (see index.ts).
 */
import type { WorkloadDemand } from "../../lib/capacity";
import { chartPodDemand } from "../../lib/demand";
import { type Resources, resources, type ResourceProfile } from "../../lib/resources";
import type { RouteGroup } from "../../platform/edge/routes";
import type { ExposureConfig } from "../../platform/exposure";
import { wholeHostRoute } from "../shared";
import type { HarborConfig } from "./config";

export const HARBOR = {
  release: "harbor",
  credentials: "harbor-credentials",
  registryCredentials: "harbor-registry-credentials",
  /** The database password under the key `password`, where the chart's core reads it (database.external.existingSecret). */
  databasePassword: "harbor-database-password",
  tokenSecret: "harbor-token",
  createProjectJob: "harbor-create-project",
  adminUsername: "admin",
  registryUsername: "harbor_registry_user",
  /** The chart's nginx Service for clusterIP/nodePort exposure (not prefixed with the release). */
  service: "harbor",
  /** The nginx pods behind it (harbor.matchLabels + component) and their port (the Service maps 80 to it). */
  nginxPods: { release: "harbor", app: "harbor", component: "nginx" },
  nginxPort: 8080,
  coreService: "harbor-core",
} as const;

export interface HarborValuesArgs {
  readonly config: HarborConfig;
  readonly exposure: ExposureConfig;
  readonly externalUrl: string;
  readonly persistence: boolean;
  readonly dataProtection: boolean;
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
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
    // Every container's (harbor-helm 1.18 has one key for all; the pods' users, 10000 and 999, are in its templates).
    // Not read-only: the chart never set it, and the components write their roots.
    containerSecurityContext: { privileged: false, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
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
    // The values stay known at a first preview (a generated password there hides every chart object until `up`):
    // core reads the password from our Secret (the chart honours external.existingSecret for internal databases
    // too), and harborDatabaseSecret() sets the one the database reads. Empty here: if that transform were ever
    // lost, PostgreSQL refuses to initialise without a password instead of starting with a known one.
    database: { type: "internal", internal: { password: "", resources: sized.database }, external: { existingSecret: HARBOR.databasePassword } },
    redis: { type: "internal", internal: { resources: sized.redis } },
    nginx: { resources: sized.nginx },
    portal: { resources: sized.portal },
    trivy: { enabled: cfg.trivy },
    internalTLS: { enabled: false },
    enableMigrateHelmHook: false,
    metrics: { enabled: false },
    persistence: {
      enabled: a.persistence,
      // Helm's "keep" only means something when the namespace, whose deletion takes every PVC, is kept too.
      resourcePolicy: a.dataProtection ? "keep" : "",
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

/**
 * The chart exposes Harbor through its own nginx Service `harbor`: on a NodePort (dev, plain HTTP), or as a
 * ClusterIP behind the platform edge (gateway or ingress), which terminates TLS for externalURL. In-cluster
 * pulls use the same Service on port 80.
 */
function harborExpose(cfg: HarborConfig, exposure: ExposureConfig): Record<string, unknown> {
  if (exposure.mode === "nodePort") {
    return { type: "nodePort", tls: { enabled: false }, nodePort: { name: HARBOR.service, ports: { http: { port: 80, nodePort: cfg.nodePort } } } };
  }
  return { type: "clusterIP", tls: { enabled: false }, clusterIP: { name: HARBOR.service, ports: { httpPort: 80 } } };
}

/** Harbor's public route: the whole host to its nginx (registry pushes: no body limit or timeout). */
export function harborRouteGroup(cfg: HarborConfig, instance: string, host: string): RouteGroup {
  const login = "Harbor has its own login, and docker/helm clients authenticate to its registry";
  const pods = { matchLabels: HARBOR.nginxPods, port: HARBOR.nginxPort };
  return wholeHostRoute({ name: HARBOR.service, instance, namespace: cfg.namespace, host, port: 80, pods, login, largeBodies: true });
}

/** The chart's trivy defaults (values.yaml: requests 200m/512Mi, limits 1/1Gi): we leave them as they are. */
const TRIVY_DEFAULT: Sized = { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } };

/**
 * The pods Harbor's chart runs, one replica each, sized as harborValues sizes them (nginx always: the chart
 * never runs its own Ingress here), trivy only when enabled; the create-project Job.
 */
export function harborDemand(cfg: HarborConfig, profile: ResourceProfile): WorkloadDemand[] {
  const s = harborSizes(profile);
  const pods: Array<[string, Sized[]]> = [
    ["harbor-core", [s.core]],
    ["harbor-jobservice", [s.jobservice]],
    ["harbor-registry", [s.registry, s.registryController]],
    ["harbor-database", [s.database]],
    ["harbor-redis", [s.redis]],
    ["harbor-portal", [s.portal]],
    ["harbor-nginx", [s.nginx]],
    ...(cfg.trivy ? [["harbor-trivy", [TRIVY_DEFAULT]] as [string, Sized[]]] : []),
  ];
  return [
    ...pods.map(([workload, containers]) => chartPodDemand(cfg.namespace, workload, "chart:harbor", containers)),
    chartPodDemand(cfg.namespace, HARBOR.createProjectJob, "Job", [resources(profile, "tiny")]),
  ];
}
