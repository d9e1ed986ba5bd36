/** The context-engine suite's images: its one built image, and pinned Qdrant, llama.cpp and git-sync. */
import { CONTEXT_ENGINE_CONTRACTS } from "./contracts";
import type { ImageCatalogue } from "../../lib/images";
import { LLAMACPP_IMAGE } from "../../workloads/llamacpp";

export const CONTEXT_ENGINE_THIRD_PARTY = {
  qdrant: "docker.io/qdrant/qdrant:v1.12.5-unprivileged",
  "llamacpp-server": LLAMACPP_IMAGE,
  // Keeps a git= repository's checkout in repos-storage (beside its watcher).
  "git-sync": "registry.k8s.io/git-sync/git-sync:v4.7.1",
} as const;
export type ContextEngineImage = "context-engine" | keyof typeof CONTEXT_ENGINE_THIRD_PARTY;
export const CONTEXT_ENGINE_CATALOGUE: ImageCatalogue<ContextEngineImage> = { built: ["context-engine"], thirdParty: CONTEXT_ENGINE_THIRD_PARTY, contracts: CONTEXT_ENGINE_CONTRACTS };
