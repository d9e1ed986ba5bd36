/** The llmctl suite's config slice: its namespace, NodePorts, sizes, studio knobs and operator credentials. */
import type * as pulumi from "@pulumi/pulumi";
import { DNS_SUBDOMAIN, EMAIL } from "../../config/patterns";
import { type PlatformConfig, productionSignals } from "../../config/platform";
import type { Reader } from "../../config/reader";
import type { KeySpec } from "../../config/schema";
import { hasPublicHosts } from "../../platform/exposure";
import { NGINX_CLASS } from "../../platform/edge/routes";
import type { ParsedSlice } from "../types";
import { CHROMA_AUTH, NAMES, REDIS_AUTH } from "./names";

const g = {
  platform: "Platform",
  exposure: "Exposure",
  storage: "Storage and sizing",
  llmctl: "llmctl studio",
  executor: "llmctl executors and GPUs",
  operatorSecrets: "Operator-supplied credentials (optional)",
} as const;

export const LLMCTL_SCHEMA = {
  llmctlNamespace: {
    type: "string",
    group: g.platform,
    default: "llmctl",
    description: "Namespace of the llmctl studio. The seed's DNS contract (*.llmctl.svc.cluster.local) assumes llmctl.",
  },
  llmctlBackendNodePort: { type: "integer", group: g.exposure, default: 30155, description: "NodePort of llmctl-studio-backend (exposure=nodePort), 30000-32767." },
  llmctlFrontendNodePort: { type: "integer", group: g.exposure, default: 30157, description: "NodePort of llmctl-studio-frontend (exposure=nodePort), 30000-32767." },
  llmctlPostgresStorageSize: { type: "string", group: g.storage, default: "10Gi", description: "PVC size of llmctl-postgres." },
  llmctlRedisStorageSize: { type: "string", group: g.storage, default: "1Gi", description: "PVC size of llmctl-redis." },
  llmctlChromaStorageSize: { type: "string", group: g.storage, default: "10Gi", description: "PVC size of llmctl-chromadb." },
  llmctlDataStorageSize: { type: "string", group: g.storage, default: "5Gi", description: "Size of the shared studio data PVC (credentials under /app/data/credentials)." },
  llmctlDataAccessMode: {
    type: "string",
    group: g.storage,
    default: "ReadWriteOnce",
    description: "Access mode of the shared data PVC: ReadWriteOnce (single node) or ReadWriteMany (multi-node).",
  },
  llmctlBackendReplicas: {
    type: "integer",
    group: g.llmctl,
    default: 1,
    description: "Replicas of llmctl-studio-backend (the HPA minimum when llmctlBackendMaxReplicas > 0).",
  },
  llmctlBackendMaxReplicas: { type: "integer", group: g.llmctl, default: 0, description: "HPA maximum for llmctl-studio-backend; 0 disables the HPA." },
  llmctlFrontendReplicas: {
    type: "integer",
    group: g.llmctl,
    default: 1,
    description: "Replicas of llmctl-studio-frontend (the HPA minimum when llmctlFrontendMaxReplicas > 0).",
  },
  llmctlFrontendMaxReplicas: { type: "integer", group: g.llmctl, default: 0, description: "HPA maximum for llmctl-studio-frontend; 0 disables the HPA." },
  llmctlCeleryWorkerReplicas: {
    type: "integer",
    group: g.llmctl,
    default: 4,
    description: "llmctl-celery-worker pods. Worker slots = replicas x concurrency (seed baseline 4 x 1).",
  },
  llmctlCeleryWorkerConcurrency: { type: "integer", group: g.llmctl, default: 1, description: "Celery --concurrency of each worker pod." },
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
  llmctlExecutorJobTtlSeconds: { type: "integer", group: g.executor, default: 1800, description: "Seconds a finished executor Job is kept before cleanup." },
  llmctlExecutorSmokeTest: { type: "boolean", group: g.executor, default: false, description: "Run the llmctl-executor-smoke Job (on a GPU node when gpuEnabled)." },
  llmctlExecutorJobsMax: { type: "integer", group: g.executor, default: 4, description: "Executor Jobs the studio may run at once: sizes llmctl's ResourceQuota (pods, Jobs, GPUs) (1-100)." },
  llmctlExecutorSecrets: {
    type: "array",
    group: g.executor,
    default: ["llmctl-mcp-secrets"],
    description: "The only Secrets an executor Job the studio creates may read (volumes, env, envFrom); admission refuses any other (ValidatingAdmissionPolicy llmctl-executor-jobs).",
  },
  llmctlLiveCode: {
    type: "boolean",
    group: g.executor,
    default: false,
    description: "Minikube only: mount llmctlLiveCodeHostPath into /app of the Python workloads and executor Jobs.",
  },
  llmctlLiveCodeHostPath: { type: "string", group: g.executor, default: "/workspace/llmctl", description: "Node path of the live code checkout (absolute)." },
  githubToken: { type: "string", group: g.operatorSecrets, default: "", secret: true, description: "GITHUB_PERSONAL_ACCESS_TOKEN for llmctl-mcp-github." },
  jiraUrl: { type: "string", group: g.operatorSecrets, default: "", description: "JIRA_URL for llmctl-mcp-atlassian." },
  jiraUsername: { type: "string", group: g.operatorSecrets, default: "", description: "JIRA_USERNAME." },
  jiraApiToken: { type: "string", group: g.operatorSecrets, default: "", secret: true, description: "JIRA_API_TOKEN." },
  confluenceUrl: { type: "string", group: g.operatorSecrets, default: "", description: "CONFLUENCE_URL." },
  confluenceUsername: { type: "string", group: g.operatorSecrets, default: "", description: "CONFLUENCE_USERNAME." },
  confluenceApiToken: { type: "string", group: g.operatorSecrets, default: "", secret: true, description: "CONFLUENCE_API_TOKEN." },
  googleCloudServiceAccountJson: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    secret: true,
    description: "GOOGLE_CLOUD_SERVICE_ACCOUNT_JSON: the key llmctl-mcp-google-cloud's gcloud signs in with (a file, auth/credential_file_override).",
  },
  googleCloudProjectId: { type: "string", group: g.operatorSecrets, default: "", description: "GOOGLE_CLOUD_PROJECT: gcloud's project in llmctl-mcp-google-cloud (CLOUDSDK_CORE_PROJECT)." },
  googleWorkspaceServiceAccountJson: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    secret: true,
    description: "GOOGLE_WORKSPACE_SERVICE_ACCOUNT_JSON, kept in llmctl-mcp-secrets for the studio; workspace-mcp 1.4.1 cannot use it (OAuth clients only).",
  },
  googleWorkspaceImpersonateUser: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    description: "GOOGLE_WORKSPACE_IMPERSONATE_USER (an email address); llmctl-mcp-google-workspace acts for this account (its USER_GOOGLE_EMAIL).",
  },
  googleWorkspaceOauthClientId: {
    type: "string",
    group: g.operatorSecrets,
    default: "",
    description: "GOOGLE_OAUTH_CLIENT_ID of the OAuth client llmctl-mcp-google-workspace signs in with (workspace-mcp 1.4.1 takes no service accounts).",
  },
  googleWorkspaceOauthClientSecret: { type: "string", group: g.operatorSecrets, default: "", secret: true, description: "GOOGLE_OAUTH_CLIENT_SECRET of that OAuth client." },
} as const satisfies Record<string, KeySpec>;

export type LlmctlSchema = typeof LLMCTL_SCHEMA;

/** Credentials only a person can supply. Each is a Pulumi secret, or undefined when not set. */
export interface OperatorSecrets {
  readonly githubToken?: pulumi.Output<string>;
  readonly jiraApiToken?: pulumi.Output<string>;
  readonly confluenceApiToken?: pulumi.Output<string>;
  readonly googleCloudServiceAccountJson?: pulumi.Output<string>;
  readonly googleWorkspaceServiceAccountJson?: pulumi.Output<string>;
  readonly googleWorkspaceOauthClientSecret?: pulumi.Output<string>;
}

export interface Replicas {
  readonly nodePort: number;
  readonly replicas: number;
  /** HPA maximum; 0: no HPA. */
  readonly maxReplicas: number;
}

export interface LlmctlConfig {
  readonly namespace: string;
  readonly backend: Replicas;
  readonly frontend: Replicas;
  readonly celery: { readonly workerReplicas: number; readonly workerConcurrency: number };
  readonly storage: {
    readonly postgres: string;
    readonly redis: string;
    readonly chroma: string;
    readonly data: string;
    readonly dataAccessMode: "ReadWriteOnce" | "ReadWriteMany";
  };
  readonly mcpWait: { readonly enabled: boolean; readonly timeoutSeconds: number };
  readonly mcpPublicBaseUrl?: string;
  readonly executor: {
    readonly jobTtlSeconds: number;
    readonly smokeTest: boolean;
    /** Present when live code is on. */
    readonly liveCodeHostPath?: string;
    /** The Secrets its Jobs may read (admission). */
    readonly secrets: readonly string[];
    /** Executor Jobs at once (the quota). */
    readonly jobsMax: number;
  };
  /** Plain (non-secret) operator settings for the MCP servers. */
  readonly integrations: {
    readonly jiraUrl?: string;
    readonly jiraUsername?: string;
    readonly confluenceUrl?: string;
    readonly confluenceUsername?: string;
    readonly googleCloudProjectId?: string;
    readonly googleWorkspaceImpersonateUser?: string;
    readonly googleWorkspaceOauthClientId?: string;
  };
  readonly secrets: OperatorSecrets;
}

function replicaPair(r: Reader<LlmctlSchema>, replicasKey: "llmctlBackendReplicas" | "llmctlFrontendReplicas", maxKey: "llmctlBackendMaxReplicas" | "llmctlFrontendMaxReplicas"): { replicas: number; maxReplicas: number } {
  const replicas = r.intInRange(replicasKey, 1, 100);
  const maxReplicas = r.intInRange(maxKey, 0, 100);
  if (maxReplicas !== 0 && maxReplicas < replicas) r.problem(maxKey, `must be 0 (no HPA) or at least ${replicasKey} (${replicas}) (got ${maxReplicas})`);
  return { replicas, maxReplicas };
}

/** llmctlExecutorSecrets: Secret names, never the studio's own (its database and broker passwords). */
function executorSecrets(r: Reader<LlmctlSchema>): string[] {
  const names = r.get("llmctlExecutorSecrets");
  for (const n of names) {
    if (!DNS_SUBDOMAIN.test(n)) r.problem("llmctlExecutorSecrets", `${JSON.stringify(n)} is not a Secret name`);
    else if ([NAMES.studioSecret, REDIS_AUTH.brokerSecret, REDIS_AUTH.configSecret, CHROMA_AUTH.proxySecret].includes(n as never)) {
      r.problem("llmctlExecutorSecrets", `must not list ${n}: it holds the studio's own datastore credentials, which an executor running model code must not read`);
    }
  }
  return names;
}

export function parseLlmctl(r: Reader<LlmctlSchema>, platform: PlatformConfig): ParsedSlice<LlmctlConfig> {
  const namespace = r.dnsLabel("llmctlNamespace");
  const backendPort = r.nodePort("llmctlBackendNodePort");
  const frontendPort = r.nodePort("llmctlFrontendNodePort");
  const liveCode = r.get("llmctlLiveCode");
  const hostPath = r.get("llmctlLiveCodeHostPath");
  if (liveCode && !/^\/[^\0]*$/.test(hostPath)) r.problem("llmctlLiveCodeHostPath", `must be an absolute path (got ${JSON.stringify(hostPath)})`);
  // A production-grade stack says so by any of these; live code belongs on a laptop's minikube only.
  const production = productionSignals(platform);
  if (liveCode && production.length > 0) {
    r.problem("llmctlLiveCode", `is for a local development cluster only (it mounts a node directory into the studio's pods and puts llmctl at Pod Security privileged); this stack is not one: ${production.join(", ")}`);
  }
  const impersonate = r.matching("googleWorkspaceImpersonateUser", EMAIL, "an email address");
  const projectId = r.matching("googleCloudProjectId", /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a Google Cloud project id");
  const config: LlmctlConfig = {
    namespace,
    backend: { nodePort: backendPort, ...replicaPair(r, "llmctlBackendReplicas", "llmctlBackendMaxReplicas") },
    frontend: { nodePort: frontendPort, ...replicaPair(r, "llmctlFrontendReplicas", "llmctlFrontendMaxReplicas") },
    celery: {
      workerReplicas: r.intInRange("llmctlCeleryWorkerReplicas", 1, 100),
      workerConcurrency: r.intInRange("llmctlCeleryWorkerConcurrency", 1, 64),
    },
    storage: {
      postgres: r.quantity("llmctlPostgresStorageSize"),
      redis: r.quantity("llmctlRedisStorageSize"),
      chroma: r.quantity("llmctlChromaStorageSize"),
      data: r.quantity("llmctlDataStorageSize"),
      dataAccessMode: r.oneOf("llmctlDataAccessMode", ["ReadWriteOnce", "ReadWriteMany"] as const),
    },
    mcpWait: { enabled: r.get("llmctlMcpWaitEnabled"), timeoutSeconds: r.intInRange("llmctlMcpWaitTimeoutSeconds", 10, 3600) },
    mcpPublicBaseUrl: r.url("mcpPublicBaseUrl", { originOnly: true }),
    executor: {
      jobTtlSeconds: r.intInRange("llmctlExecutorJobTtlSeconds", 0, 604800),
      smokeTest: r.get("llmctlExecutorSmokeTest"),
      liveCodeHostPath: liveCode ? hostPath : undefined,
      secrets: executorSecrets(r),
      jobsMax: r.intInRange("llmctlExecutorJobsMax", 1, 100),
    },
    integrations: {
      jiraUrl: r.url("jiraUrl"),
      jiraUsername: r.optional("jiraUsername"),
      confluenceUrl: r.url("confluenceUrl"),
      confluenceUsername: r.optional("confluenceUsername"),
      googleCloudProjectId: projectId || undefined,
      googleWorkspaceImpersonateUser: impersonate || undefined,
      googleWorkspaceOauthClientId: r.matching("googleWorkspaceOauthClientId", /^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$/, "a Google OAuth client id (<number>-<id>.apps.googleusercontent.com)") || undefined,
    },
    secrets: {
      githubToken: r.secret("githubToken"),
      jiraApiToken: r.secret("jiraApiToken"),
      confluenceApiToken: r.secret("confluenceApiToken"),
      googleCloudServiceAccountJson: r.secret("googleCloudServiceAccountJson"),
      googleWorkspaceServiceAccountJson: r.secret("googleWorkspaceServiceAccountJson"),
      googleWorkspaceOauthClientSecret: r.secret("googleWorkspaceOauthClientSecret"),
    },
  };
  const nodePorts = platform.exposure.mode === "nodePort";
  if (platform.exposure.mode === "ingress" && platform.exposure.ingressClassName !== NGINX_CLASS) {
    // The /mcp/<route> paths are rewritten to each server's path; a plain Ingress can only say so in its
    // controller's annotations, and ingress-nginx's are the ones rendered.
    r.problems.add(
      "ingressClassName",
      `must be ${NGINX_CLASS} for the llmctl suite under exposure=ingress (got ${JSON.stringify(platform.exposure.ingressClassName ?? "")}, the cluster default): its /mcp/<name> routes rewrite paths, which only ingress-nginx annotations express here; use exposure gateway otherwise`,
    );
  }
  return {
    config,
    claims: {
      nodePorts: nodePorts
        ? [
            { key: "llmctlBackendNodePort", port: backendPort },
            { key: "llmctlFrontendNodePort", port: frontendPort },
          ]
        : [],
      namespaces: [{ key: "llmctlNamespace", namespace }],
      hosts: hasPublicHosts(platform.exposure) && platform.exposure.host ? [{ key: "ingressHost", host: platform.exposure.host, namespace }] : [],
    },
  };
}
