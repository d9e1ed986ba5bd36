/** The code-executor suite's images: all three built by the seed (registry/tag, the Harbor switch, pinned in prod). */
import { CODE_EXECUTOR_CONTRACTS } from "./contracts";
import type { ImageCatalogue } from "../../lib/images";

export const CODE_EXECUTOR_BUILT = ["llm-service", "executor-service", "heavy-executor"] as const;
export type CodeExecutorImage = (typeof CODE_EXECUTOR_BUILT)[number];
export const CODE_EXECUTOR_CATALOGUE: ImageCatalogue<CodeExecutorImage> = { built: CODE_EXECUTOR_BUILT, thirdParty: {}, contracts: CODE_EXECUTOR_CONTRACTS };
