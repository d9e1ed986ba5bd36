/** The context-engine suite's images: its one built image, and pinned Qdrant, llama.cpp and curl. */
import { CONTEXT_ENGINE_CONTRACTS } from "./contracts";
import type { ImageCatalogue } from "../../lib/images";

export const CONTEXT_ENGINE_THIRD_PARTY = {
  qdrant: "docker.io/qdrant/qdrant:v1.12.5-unprivileged",
  "llamacpp-server": "ghcr.io/ggml-org/llama.cpp:server-b5432",
} as const;
export type ContextEngineImage = "context-engine" | keyof typeof CONTEXT_ENGINE_THIRD_PARTY;
export const CONTEXT_ENGINE_CATALOGUE: ImageCatalogue<ContextEngineImage> = { built: ["context-engine"], thirdParty: CONTEXT_ENGINE_THIRD_PARTY, contracts: CONTEXT_ENGINE_CONTRACTS };
