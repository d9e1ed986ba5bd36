/**
 * The llm-stack suite's images: the four the seed builds itself (local names in dev, `<registry>/<name>:<tag>`
 * with imageRegistry/imageTag or the Harbor switch, like llmctl's) and the pinned third-party stores.
 */
import { LLM_STACK_CONTRACTS } from "./contracts";
import type { ImageCatalogue } from "../../lib/images";
import { LLAMACPP_IMAGE } from "../../workloads/llamacpp";
import { VLLM_IMAGE } from "./vllm";

export const LLM_STACK_BUILT = ["llm-stack-litellm", "llm-stack-r2r", "llm-stack-openwebui", "llm-stack-react-client"] as const;

export const LLM_STACK_THIRD_PARTY = {
  // PostgreSQL 16 with the pgvector extension: R2R keeps its vectors in Postgres and creates the extension at start.
  pgvector: "docker.io/pgvector/pgvector:0.8.0-pg16",
  redis: "docker.io/library/redis:7.4.2",
  qdrant: "docker.io/qdrant/qdrant:v1.12.5-unprivileged",
  // The local model servers (llmStackLocalModels): llama.cpp on CPU, vLLM on GPUs.
  "llamacpp-server": LLAMACPP_IMAGE,
  vllm: VLLM_IMAGE,
} as const;

export type LlmStackImage = (typeof LLM_STACK_BUILT)[number] | keyof typeof LLM_STACK_THIRD_PARTY;

export const LLM_STACK_CATALOGUE: ImageCatalogue<LlmStackImage> = { built: LLM_STACK_BUILT, thirdParty: LLM_STACK_THIRD_PARTY, contracts: LLM_STACK_CONTRACTS };
