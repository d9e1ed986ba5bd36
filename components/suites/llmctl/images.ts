/**
 * The llmctl suite's images. Those built from the llmctl repository follow imageRegistry/imageTag (and the
 * Harbor switch); third-party ones keep their pinned references unless overridden with imageOverrides.
 */
import type { ImageCatalogue } from "../../lib/images";
import { LLMCTL_CONTRACTS } from "./contracts";

export const LLMCTL_IMAGES = [
  "llmctl-studio-backend",
  "llmctl-studio-frontend",
  "llmctl-mcp",
  "llmctl-celery-worker",
  "llmctl-executor-frontier",
  "llmctl-executor-vllm",
  // The stdio-only MCP servers behind mcp-proxy, built by the platform (images/<name>/Dockerfile, npm run images).
  "mcp-github",
  "mcp-chroma",
  "mcp-google-cloud",
] as const;

export const LLMCTL_THIRD_PARTY_IMAGES = {
  postgres: "docker.io/library/postgres:16.6",
  redis: "docker.io/library/redis:7.4.2",
  chromadb: "docker.io/chromadb/chroma:1.0.15",
  // The token check in front of ChromaDB (its 1.x server has no auth of its own).
  "chromadb-auth-proxy": "docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine",
  "mcp-atlassian": "ghcr.io/sooperset/mcp-atlassian:0.11.9",
  "mcp-google-workspace": "ghcr.io/taylorwilsdon/google_workspace_mcp:1.4.1",
} as const;

export type LlmctlImage = (typeof LLMCTL_IMAGES)[number] | keyof typeof LLMCTL_THIRD_PARTY_IMAGES;

export const LLMCTL_CATALOGUE: ImageCatalogue<LlmctlImage> = { built: LLMCTL_IMAGES, thirdParty: LLMCTL_THIRD_PARTY_IMAGES, contracts: LLMCTL_CONTRACTS };
