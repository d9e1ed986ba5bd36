/**
 * The single declaration of every stack config key: its type, default and description.
 *
 * `Pulumi.yaml`'s `config:` block and the README's config table are checked against this table by
 * tests (tests/unit/docs.test.ts), and `npm run docs` regenerates both, so the three cannot drift.
 * The Pulumi CLI applies `Pulumi.yaml` defaults; the mock-based tests do not run the CLI, so the
 * parser applies the same defaults from here.
 */

export type KeyType = "string" | "integer" | "boolean" | "array";

export interface KeySpec {
  readonly type: KeyType;
  readonly description: string;
  /** The value used when the stack does not set the key. */
  readonly default: string | number | boolean | readonly string[];
  /** The value is a credential: it must be set with `pulumi config set --secret`. */
  readonly secret?: boolean;
  /** README grouping. */
  readonly group: string;
}

const g = {
  platform: "Platform",
  exposure: "Exposure",
  storage: "Storage and sizing",
  images: "Images",
  llmctl: "llmctl studio",
  executor: "llmctl executors and GPUs",
  operatorSecrets: "Operator-supplied credentials (optional)",
  addons: "Harbor and pgAdmin",
} as const;

export const CONFIG_SCHEMA = {
  // ---- platform
  suites: {
    type: "array",
    group: g.platform,
    default: ["llmctl"],
    description: "Suites to deploy. Implemented: llmctl.",
  },
  kubeContext: {
    type: "string",
    group: g.platform,
    default: "",
    description: "kubeconfig context to deploy into; empty uses the current context.",
  },
  llmctlNamespace: {
    type: "string",
    group: g.platform,
    default: "llmctl",
    description: "Namespace of the llmctl studio. The seed's DNS contract (*.llmctl.svc.cluster.local) assumes llmctl.",
  },
  resourceProfile: {
    type: "string",
    group: g.platform,
    default: "standard",
    description: "Requests/limits preset for every container: small (laptop), standard or large.",
  },
  podDisruptionBudgets: {
    type: "boolean",
    group: g.platform,
    default: false,
    description: "Create a PodDisruptionBudget for every stateless service with 2+ replicas.",
  },
  // ---- exposure
  exposure: {
    type: "string",
    group: g.exposure,
    default: "clusterIP",
    description: "How user-facing services are reached: nodePort (minikube), ingress, or clusterIP (port-forward only).",
  },
  nodePortHost: {
    type: "string",
    group: g.exposure,
    default: "",
    description: "Node address used in NodePort URLs (e.g. the output of `minikube -p llmctl ip`); empty prints a placeholder.",
  },
  ingressHost: {
    type: "string",
    group: g.exposure,
    default: "",
    description: "DNS host of the ingress (required when exposure=ingress).",
  },
  ingressClassName: {
    type: "string",
    group: g.exposure,
    default: "nginx",
    description: "IngressClass. The /mcp/<name> path rewrites use ingress-nginx annotations.",
  },
  tlsClusterIssuer: {
    type: "string",
    group: g.exposure,
    default: "",
    description: "cert-manager ClusterIssuer for ingress TLS; empty serves plain HTTP.",
  },
  llmctlBackendNodePort: {
    type: "integer",
    group: g.exposure,
    default: 30155,
    description: "NodePort of llmctl-studio-backend (exposure=nodePort), 30000-32767.",
  },
  llmctlFrontendNodePort: {
    type: "integer",
    group: g.exposure,
    default: 30157,
    description: "NodePort of llmctl-studio-frontend (exposure=nodePort), 30000-32767.",
  },
  // ---- storage and sizing
  persistence: {
    type: "boolean",
    group: g.storage,
    default: true,
    description: "Use PersistentVolumeClaims for stateful services; false uses emptyDir (data is lost on restart).",
  },
  storageClass: {
    type: "string",
    group: g.storage,
    default: "",
    description: "StorageClass for every PVC; empty uses the cluster default.",
  },
  llmctlPostgresStorageSize: {
    type: "string",
    group: g.storage,
    default: "10Gi",
    description: "PVC size of llmctl-postgres.",
  },
  llmctlRedisStorageSize: {
    type: "string",
    group: g.storage,
    default: "1Gi",
    description: "PVC size of llmctl-redis.",
  },
  llmctlChromaStorageSize: {
    type: "string",
    group: g.storage,
    default: "10Gi",
    description: "PVC size of llmctl-chromadb.",
  },
  llmctlDataStorageSize: {
    type: "string",
    group: g.storage,
    default: "5Gi",
    description: "Size of the shared studio data PVC (credentials under /app/data/credentials).",
  },
  llmctlDataAccessMode: {
    type: "string",
    group: g.storage,
    default: "ReadWriteOnce",
    description: "Access mode of the shared data PVC: ReadWriteOnce (single node) or ReadWriteMany (multi-node).",
  },
  // ---- images
  imageRegistry: {
    type: "string",
    group: g.images,
    default: "",
    description: "Registry/project prefix for llmctl-built images (e.g. harbor.example.com/llmctl); empty uses local names.",
  },
  imageTag: {
    type: "string",
    group: g.images,
    default: "latest",
    description: "Tag of llmctl-built images.",
  },
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
  // ---- llmctl
  llmctlBackendReplicas: {
    type: "integer",
    group: g.llmctl,
    default: 1,
    description: "Replicas of llmctl-studio-backend (the HPA minimum when llmctlBackendMaxReplicas > 0).",
  },
  llmctlBackendMaxReplicas: {
    type: "integer",
    group: g.llmctl,
    default: 0,
    description: "HPA maximum for llmctl-studio-backend; 0 disables the HPA.",
  },
  llmctlFrontendReplicas: {
    type: "integer",
    group: g.llmctl,
    default: 1,
    description: "Replicas of llmctl-studio-frontend (the HPA minimum when llmctlFrontendMaxReplicas > 0).",
  },
  llmctlFrontendMaxReplicas: {
    type: "integer",
    group: g.llmctl,
    default: 0,
    description: "HPA maximum for llmctl-studio-frontend; 0 disables the HPA.",
  },
  llmctlCeleryWorkerReplicas: {
    type: "integer",
    group: g.llmctl,
    default: 4,
    description: "llmctl-celery-worker pods. Worker slots = replicas x concurrency (seed baseline 4 x 1).",
  },
  llmctlCeleryWorkerConcurrency: {
    type: "integer",
    group: g.llmctl,
    default: 1,
    description: "Celery --concurrency of each worker pod.",
  },
  llmctlMcpWaitEnabled: {
    type: "boolean",
    group: g.llmctl,
    default: true,
    description: "Gate backend start-up on the integrated MCP endpoints (init container wait-for-integrated-mcp).",
  },
  llmctlMcpWaitTimeoutSeconds: {
    type: "integer",
    group: g.llmctl,
    default: 180,
    description: "How long wait-for-integrated-mcp waits before letting the backend start anyway (10-3600).",
  },
  mcpPublicBaseUrl: {
    type: "string",
    group: g.llmctl,
    default: "",
    description: "Public origin for the /mcp/<name> ingress URLs stored by Studio (e.g. https://203-0-113-10.sslip.io).",
  },
  // ---- executors and GPUs
  llmctlExecutorJobTtlSeconds: {
    type: "integer",
    group: g.executor,
    default: 1800,
    description: "Seconds a finished executor Job is kept before cleanup.",
  },
  llmctlExecutorSmokeTest: {
    type: "boolean",
    group: g.executor,
    default: false,
    description: "Run the llmctl-executor-smoke Job (on a GPU node when gpuEnabled).",
  },
  llmctlLiveCode: {
    type: "boolean",
    group: g.executor,
    default: false,
    description: "Minikube only: mount llmctlLiveCodeHostPath into /app of the Python workloads and executor Jobs.",
  },
  llmctlLiveCodeHostPath: {
    type: "string",
    group: g.executor,
    default: "/workspace/llmctl",
    description: "Node path of the live code checkout (absolute).",
  },
  gpuEnabled: {
    type: "boolean",
    group: g.executor,
    default: false,
    description: "Schedule executor Jobs on NVIDIA GPU nodes.",
  },
  executorGpuLimit: {
    type: "integer",
    group: g.executor,
    default: 0,
    description: "GPUs per executor Job (0-8); must be > 0 when gpuEnabled and 0 otherwise.",
  },
  gpuResourceName: {
    type: "string",
    group: g.executor,
    default: "nvidia.com/gpu",
    description: "Extended resource name of the GPU.",
  },
  gpuNodeSelector: {
    type: "array",
    group: g.executor,
    default: [],
    description: "Node labels for GPU executor pods, each `key=value`.",
  },
  gpuTolerations: {
    type: "array",
    group: g.executor,
    default: [],
    description: "Tolerations for GPU executor pods, each `key[=value]:Effect` (Effect: NoSchedule, PreferNoSchedule, NoExecute).",
  },
  gpuRuntimeClassName: {
    type: "string",
    group: g.executor,
    default: "nvidia",
    description: "RuntimeClass of GPU executor pods; empty uses the node's default runtime.",
  },
  gpuManageRuntimeClass: {
    type: "boolean",
    group: g.executor,
    default: false,
    description: "Create the RuntimeClass (handler nvidia) instead of relying on the GPU operator's.",
  },
  // ---- Harbor and pgAdmin
  harborEnabled: {
    type: "boolean",
    group: g.addons,
    default: true,
    description: "Install Harbor (Helm) into harborNamespace. Off for a cluster that already has a registry.",
  },
  harborChartRepo: { type: "string", group: g.addons, default: "https://helm.goharbor.io", description: "Helm repository of the harbor chart." },
  harborChartVersion: { type: "string", group: g.addons, default: "1.18.2", description: "harbor chart version (semver)." },
  harborNamespace: { type: "string", group: g.addons, default: "llmctl-harbor", description: "Namespace of Harbor." },
  harborNodePort: { type: "integer", group: g.addons, default: 30082, description: "Harbor HTTP NodePort (exposure=nodePort), 30000-32767." },
  harborHost: {
    type: "string",
    group: g.addons,
    default: "",
    description: "Ingress host of Harbor (required when exposure=ingress and harborEnabled).",
  },
  harborExternalUrl: {
    type: "string",
    group: g.addons,
    default: "",
    description: "Harbor externalURL override; empty derives it from the exposure (ingress host, NodePort host, or in-cluster).",
  },
  harborRegistryStorageSize: { type: "string", group: g.addons, default: "20Gi", description: "PVC size of Harbor's image storage." },
  harborTrivy: {
    type: "boolean",
    group: g.addons,
    default: false,
    description: "Enable Harbor's Trivy scanner (needs internet access for its vulnerability DB).",
  },
  useHarborRegistry: {
    type: "boolean",
    group: g.addons,
    default: false,
    description: "Pull every llmctl-built image from the in-cluster Harbor (harborRegistryEndpoint/harborProject) with a generated pull secret.",
  },
  harborProject: { type: "string", group: g.addons, default: "llmctl", description: "Harbor project holding the llmctl images." },
  harborRegistryEndpoint: {
    type: "string",
    group: g.addons,
    default: "",
    description: "Registry host the nodes pull Harbor images from; empty uses harbor.<harborNamespace>.svc.cluster.local (see README).",
  },
  registryUsername: {
    type: "string",
    group: g.addons,
    default: "",
    description: "Pull user for imageRegistry (an external registry); with registryPassword, a pull secret is generated.",
  },
  registryPassword: {
    type: "string",
    group: g.addons,
    default: "",
    secret: true,
    description: "Pull password/token for imageRegistry.",
  },
  pgadminEnabled: { type: "boolean", group: g.addons, default: true, description: "Install pgAdmin (Helm) into pgadminNamespace, wired to llmctl-postgres." },
  pgadminChartRepo: { type: "string", group: g.addons, default: "https://helm.runix.net", description: "Helm repository of the pgadmin4 chart." },
  pgadminChartVersion: { type: "string", group: g.addons, default: "1.59.0", description: "pgadmin4 chart version (semver)." },
  pgadminNamespace: { type: "string", group: g.addons, default: "llmctl-pgadmin", description: "Namespace of pgAdmin." },
  pgadminNodePort: { type: "integer", group: g.addons, default: 30156, description: "pgAdmin HTTP NodePort (exposure=nodePort), 30000-32767." },
  pgadminHost: {
    type: "string",
    group: g.addons,
    default: "",
    description: "Ingress host of pgAdmin (required when exposure=ingress and pgadminEnabled).",
  },
  pgadminEmail: { type: "string", group: g.addons, default: "admin@example.com", description: "pgAdmin login email." },
  // ---- operator-supplied credentials
  githubToken: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    secret: true,
    description: "GITHUB_PERSONAL_ACCESS_TOKEN for llmctl-mcp-github.",
  },
  jiraUrl: { type: "string", group: g.operatorSecrets, default: "", description: "JIRA_URL for llmctl-mcp-atlassian." },
  jiraUsername: { type: "string", group: g.operatorSecrets, default: "", description: "JIRA_USERNAME." },
  jiraApiToken: { type: "string", group: g.operatorSecrets, default: "", secret: true, description: "JIRA_API_TOKEN." },
  confluenceUrl: { type: "string", group: g.operatorSecrets, default: "", description: "CONFLUENCE_URL." },
  confluenceUsername: { type: "string", group: g.operatorSecrets, default: "", description: "CONFLUENCE_USERNAME." },
  confluenceApiToken: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    secret: true,
    description: "CONFLUENCE_API_TOKEN.",
  },
  googleCloudServiceAccountJson: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    secret: true,
    description: "Fallback GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON for llmctl-mcp-google-cloud.",
  },
  googleCloudProjectId: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    description: "GOOGLE_CLOUD_PROJECT selector for llmctl-mcp-google-cloud.",
  },
  googleWorkspaceServiceAccountJson: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    secret: true,
    description: "Fallback GOOGLE_WORKSPACE_SERVICE_ACCOUNT_JSON for llmctl-mcp-google-workspace.",
  },
  googleWorkspaceImpersonateUser: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    description: "GOOGLE_WORKSPACE_IMPERSONATE_USER (an email address).",
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_SCHEMA;

export const CONFIG_KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[];

export function specOf(key: ConfigKey): KeySpec {
  return CONFIG_SCHEMA[key];
}
