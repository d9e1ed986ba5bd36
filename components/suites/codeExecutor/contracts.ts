/**
 * Contracts of the code-executor suite's images: all three are the seed's (code-executor-platform.md), with no
 * public source, so the seed is the contract: llm-service on :8000, executor-service on :8001, both with health
 * at /api/v1/health, configured by the seed's ConfigMap keys (lower-case) and secrets.yaml names; heavy Jobs run
 * heavy-executor as executor-service builds them.
 */
import type { ImageContract } from "../../lib/contracts";
import type { CodeExecutorImage } from "./images";

const SEED_ENV = [
  // configmap.yaml
  "log_level",
  "max_retries",
  "execution_timeout",
  "llm_api_base_url",
  "executor_service_url",
  // secrets.yaml
  "LLM_API_KEY",
  "EVENT_HUB_CONNECTION_STRING",
  "STORAGE_CONNECTION_STRING",
  "DB_PASSWORD",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
];
/**
 * Assumptions beyond the seed (written down in docs/suites.md): executor-service reads the heavy Job settings
 * the platform adds (heavy_job_*), and both read the object store as the S3 SDKs do (AWS_REGION, S3_BUCKET,
 * S3_ENDPOINT_URL).
 */
const PLATFORM_ENV = ["AWS_REGION", "S3_BUCKET", "S3_ENDPOINT_URL"];

const seedService = (port: number): ImageContract => ({
  source: { seed: "code-executor-platform.md", assumption: `serves HTTP on :${port} with /api/v1/health; reads the seed's ConfigMap and Secret keys as env` },
  runs: [],
  env: [...SEED_ENV, ...PLATFORM_ENV],
  envPrefixes: ["heavy_job_"],
  listens: () => [port],
  httpPaths: ["/api/v1/health", "/metrics"],
  user: 1000,
});

export const CODE_EXECUTOR_CONTRACTS: Readonly<Record<CodeExecutorImage, ImageContract>> = {
  "llm-service": seedService(8000),
  "executor-service": seedService(8001),
  "heavy-executor": { source: { seed: "code-executor-platform.md", assumption: "a batch program executor-service starts as a Job" }, runs: [], env: [], listens: () => [], user: 1000 },
};
