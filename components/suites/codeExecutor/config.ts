/**
 * The code-executor suite's config slice: replicas and autoscaling, the service knobs of the seed's
 * ConfigMap, the heavy-Job sizes and limits, the quota, the optional credentials and the public host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DNS_SUBDOMAIN } from "../../config/patterns";
import type { PlatformConfig } from "../../config/platform";
import type { Reader } from "../../config/reader";
import type { KeySpec } from "../../config/schema";
import { parseCpu, parseMemory } from "../../lib/capacity";
import { hasPublicHosts } from "../../platform/exposure";
import type { ParsedSlice } from "../types";

const g = { svc: "Code executor", heavy: "Code executor heavy Jobs", secrets: "Code executor credentials (optional)" } as const;

export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;
export const HEAVY_EGRESS = ["none", "internet"] as const;

export const CODE_EXECUTOR_SCHEMA = {
  codeExecutorNamespace: { type: "string", group: g.svc, default: "llm-executor", description: "Namespace of the code executor (the seed's llm-executor)." },
  codeExecutorLlmReplicas: { type: "integer", group: g.svc, default: 3, description: "llm-service replicas (fixed; the seed's 3), 1-20." },
  codeExecutorMinReplicas: {
    type: "integer",
    group: g.svc,
    default: 3,
    description: "executor-service HPA minimum (the seed's HPA: 3; its \"5 replicas\" Deployment count is left to the HPA), 1-100.",
  },
  codeExecutorMaxReplicas: { type: "integer", group: g.svc, default: 20, description: "executor-service HPA maximum (the seed's 20)." },
  codeExecutorLogLevel: { type: "string", group: g.svc, default: "INFO", description: "log_level: DEBUG, INFO, WARNING or ERROR." },
  codeExecutorMaxRetries: { type: "integer", group: g.svc, default: 3, description: "max_retries of validation/execution (0-10)." },
  codeExecutorExecutionTimeout: { type: "integer", group: g.svc, default: 30, description: "execution_timeout of lightweight runs, seconds (1-3600)." },
  codeExecutorHost: { type: "string", group: g.svc, default: "", description: "Public host of llm-service (optional; published with edge auth)." },
  codeExecutorHeavyCpuRequest: { type: "string", group: g.heavy, default: "2", description: "heavy_job_cpu_request (the seed's 2 CPU)." },
  codeExecutorHeavyMemoryRequest: { type: "string", group: g.heavy, default: "4Gi", description: "heavy_job_memory_request (the seed's 4Gi)." },
  codeExecutorHeavyCpuLimit: { type: "string", group: g.heavy, default: "4", description: "heavy_job_cpu_limit (the seed's 4 CPU)." },
  codeExecutorHeavyMemoryLimit: { type: "string", group: g.heavy, default: "8Gi", description: "heavy_job_memory_limit (the seed's 8Gi)." },
  codeExecutorHeavyTtlSeconds: { type: "integer", group: g.heavy, default: 3600, description: "heavy_job_ttl_seconds: a finished heavy Job is deleted after this (the seed's 3600)." },
  codeExecutorHeavyDeadlineSeconds: { type: "integer", group: g.heavy, default: 1800, description: "heavy_job_active_deadline_seconds: a heavy Job running longer is stopped (60-86400)." },
  codeExecutorHeavyJobsMax: { type: "integer", group: g.heavy, default: 4, description: "Heavy Jobs that may run at once: sizes the namespace's ResourceQuota (1-100)." },
  codeExecutorHeavyEgress: {
    type: "string",
    group: g.heavy,
    default: "none",
    description: "Network egress of heavy-Job pods, which run untrusted code: none (DNS only) or internet (minus networkExcludedCidrs).",
  },
  codeExecutorLlmApiKey: { type: "string", group: g.secrets, default: "", secret: true, description: "LLM API key when the llm-stack suite (the platform's gateway) is off." },
  codeExecutorLlmBaseUrl: { type: "string", group: g.secrets, default: "", description: "OpenAI-compatible base URL when the llm-stack suite is off." },
  codeExecutorDbPassword: { type: "string", group: g.secrets, default: "", secret: true, description: "DB_PASSWORD of the database the seed's services use (the seed deploys none): absent unless set." },
  codeExecutorEventHubConnectionString: { type: "string", group: g.secrets, default: "", secret: true, description: "Event Hub connection string." },
  codeExecutorStorageConnectionString: { type: "string", group: g.secrets, default: "", secret: true, description: "Storage connection string." },
  codeExecutorAwsAccessKeyId: { type: "string", group: g.secrets, default: "", secret: true, description: "S3 access key id of an external store (with codeExecutorAwsSecretAccessKey). Unset with the mlops suite on, the services get MinIO's keys and bucket code-executor-artifacts from Secret object-store." },
  codeExecutorAwsSecretAccessKey: { type: "string", group: g.secrets, default: "", secret: true, description: "S3 secret access key." },
} as const satisfies Record<string, KeySpec>;

export type CodeExecutorSchema = typeof CODE_EXECUTOR_SCHEMA;

export interface HeavyJobs {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
  readonly ttlSeconds: number;
  readonly deadlineSeconds: number;
  readonly max: number;
  readonly egress: (typeof HEAVY_EGRESS)[number];
}

export interface CodeExecutorConfig {
  readonly namespace: string;
  readonly llmReplicas: number;
  readonly executor: { readonly min: number; readonly max: number };
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly maxRetries: number;
  readonly executionTimeout: number;
  readonly host?: string;
  readonly heavy: HeavyJobs;
  /** Used only when no model gateway is handed over. */
  readonly llm: { readonly apiKey?: pulumi.Output<string>; readonly baseUrl?: string };
  /** The operator's S3 keys (an external store): set, they win over the platform's object store. */
  readonly s3?: { readonly accessKeyId: pulumi.Output<string>; readonly secretAccessKey: pulumi.Output<string> };
  /** The seed's optional connection strings, by their env names (absent when not set). */
  readonly secrets: Readonly<Record<string, pulumi.Output<string> | undefined>>;
}


function heavy(r: Reader<CodeExecutorSchema>): HeavyJobs {
  const requests = { cpu: r.cpu("codeExecutorHeavyCpuRequest", "2 or 500m", "1"), memory: r.memory("codeExecutorHeavyMemoryRequest", "4Gi") };
  const limits = { cpu: r.cpu("codeExecutorHeavyCpuLimit", "4 or 1500m", "1"), memory: r.memory("codeExecutorHeavyMemoryLimit", "4Gi") };
  if (parseCpu(limits.cpu) < parseCpu(requests.cpu)) {
    r.problem("codeExecutorHeavyCpuLimit", `must be at least codeExecutorHeavyCpuRequest (${requests.cpu}) (got ${limits.cpu})`);
  }
  if (parseMemory(limits.memory) < parseMemory(requests.memory)) {
    r.problem("codeExecutorHeavyMemoryLimit", `must be at least codeExecutorHeavyMemoryRequest (${requests.memory}) (got ${limits.memory})`);
  }
  return {
    requests,
    limits,
    ttlSeconds: r.intInRange("codeExecutorHeavyTtlSeconds", 0, 604800),
    deadlineSeconds: r.intInRange("codeExecutorHeavyDeadlineSeconds", 60, 86400),
    max: r.intInRange("codeExecutorHeavyJobsMax", 1, 100),
    egress: r.oneOf("codeExecutorHeavyEgress", HEAVY_EGRESS),
  };
}

export function parseCodeExecutor(r: Reader<CodeExecutorSchema>, platform: PlatformConfig): ParsedSlice<CodeExecutorConfig> {
  const enabled = platform.suites.includes("code-executor");
  const namespace = r.dnsLabel("codeExecutorNamespace");
  const min = r.intInRange("codeExecutorMinReplicas", 1, 100);
  const max = r.intInRange("codeExecutorMaxReplicas", 1, 100);
  if (max < min) r.problem("codeExecutorMaxReplicas", `must be at least codeExecutorMinReplicas (${min}) (got ${max})`);
  const host = r.get("codeExecutorHost");
  if (host !== "" && !DNS_SUBDOMAIN.test(host)) r.problem("codeExecutorHost", `must be a lower-case DNS name (got ${JSON.stringify(host)})`);
  const apiKey = r.secret("codeExecutorLlmApiKey");
  const baseUrl = r.url("codeExecutorLlmBaseUrl");
  // Without the platform's gateway the services need an endpoint from config.
  const gateway = platform.suites.includes("llm-stack");
  if (enabled && !gateway && (!apiKey || !baseUrl)) {
    r.problem(
      "codeExecutorLlmBaseUrl",
      "with codeExecutorLlmApiKey (--secret) is required when the llm-stack suite (the platform's model gateway) is not in suites: the services need an OpenAI-compatible endpoint",
    );
  }
  const awsId = r.secret("codeExecutorAwsAccessKeyId");
  const awsSecret = r.secret("codeExecutorAwsSecretAccessKey");
  if ((awsId === undefined) !== (awsSecret === undefined)) r.problem(awsId ? "codeExecutorAwsSecretAccessKey" : "codeExecutorAwsAccessKeyId", "codeExecutorAwsAccessKeyId and codeExecutorAwsSecretAccessKey must be set together");
  const config: CodeExecutorConfig = {
    namespace,
    llmReplicas: r.intInRange("codeExecutorLlmReplicas", 1, 20),
    executor: { min, max },
    logLevel: r.oneOf("codeExecutorLogLevel", LOG_LEVELS),
    maxRetries: r.intInRange("codeExecutorMaxRetries", 0, 10),
    executionTimeout: r.intInRange("codeExecutorExecutionTimeout", 1, 3600),
    host: host || undefined,
    heavy: heavy(r),
    llm: { apiKey, baseUrl },
    s3: awsId && awsSecret ? { accessKeyId: awsId, secretAccessKey: awsSecret } : undefined,
    secrets: {
      DB_PASSWORD: r.secret("codeExecutorDbPassword"),
      EVENT_HUB_CONNECTION_STRING: r.secret("codeExecutorEventHubConnectionString"),
      STORAGE_CONNECTION_STRING: r.secret("codeExecutorStorageConnectionString"),
    },
  };
  return {
    config,
    claims: {
      nodePorts: [],
      namespaces: [{ key: "codeExecutorNamespace", namespace }],
      hosts: enabled && config.host && hasPublicHosts(platform.exposure) ? [{ key: "codeExecutorHost", host: config.host, namespace }] : [],
    },
  };
}
