/**
 * Image references: parsing, validation, and the catalogue of every image the platform runs.
 *
 * llmctl-built images are resolved against the configured registry/project and tag (the seed's
 * `configure-harbor-image-overlays.sh` behaviour); third-party images keep their pinned references.
 * Any image can be replaced by an explicit override.
 */

export interface ImageRef {
  /** Registry host and optional path prefix, e.g. `ghcr.io/org`; empty for a local/unqualified name. */
  readonly registry: string;
  readonly repository: string;
  /** Tag; empty when the reference is pinned by digest only or untagged. */
  readonly tag: string;
  readonly digest: string;
}

// One path component of a reference (lower-case alphanumerics with separators), per the distribution spec.
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?";
const REFERENCE = new RegExp(
  `^(?:(${HOST})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);
const REGISTRY = new RegExp(`^${HOST}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;

/** Parses `[registry/]repository[:tag][@digest]`; returns undefined when malformed. */
export function parseImage(reference: string): ImageRef | undefined {
  const m = REFERENCE.exec(reference);
  if (!m) return undefined;
  let registry = m[1] ?? "";
  let repository = m[2];
  // A first component without a dot, colon or "localhost" is a Docker Hub path, not a registry.
  if (registry && !/[.:]/.test(registry) && registry !== "localhost") {
    repository = `${registry}/${repository}`;
    registry = "";
  }
  return { registry, repository, tag: m[3] ?? "", digest: m[4] ?? "" };
}

export function isValidRegistry(registry: string): boolean {
  return REGISTRY.test(registry);
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function formatImage(ref: ImageRef): string {
  const name = ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
  return `${name}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** True when the reference names a fixed image: a digest, or a tag other than `latest`. */
export function isPinned(reference: string): boolean {
  const ref = parseImage(reference);
  if (!ref) return false;
  return ref.digest !== "" || (ref.tag !== "" && ref.tag !== "latest");
}

/** Images built from the llmctl repository: these follow imageRegistry/imageTag (and the Harbor switch). */
export const LLMCTL_IMAGES = [
  "llmctl-studio-backend",
  "llmctl-studio-frontend",
  "llmctl-mcp",
  "llmctl-celery-worker",
  "llmctl-executor-frontier",
  "llmctl-executor-vllm",
] as const;
export type LlmctlImage = (typeof LLMCTL_IMAGES)[number];

/**
 * Third-party images with pinned defaults. They are not rewritten to the llmctl registry; override them
 * with `imageOverrides` (e.g. to mirror them into Harbor).
 */
export const THIRD_PARTY_IMAGES = {
  postgres: "docker.io/library/postgres:16.6",
  redis: "docker.io/library/redis:7.4.2",
  chromadb: "docker.io/chromadb/chroma:1.0.15",
  "mcp-github": "ghcr.io/github/github-mcp-server:v0.20.2",
  "mcp-atlassian": "ghcr.io/sooperset/mcp-atlassian:0.11.9",
  "mcp-chroma": "ghcr.io/chroma-core/chroma-mcp:0.2.6",
  "mcp-google-cloud": "ghcr.io/googleapis/gcloud-mcp:0.3.0",
  "mcp-google-workspace": "ghcr.io/taylorwilsdon/google_workspace_mcp:1.4.1",
  "wait-for": "docker.io/curlimages/curl:8.11.1",
} as const;
export type ThirdPartyImage = keyof typeof THIRD_PARTY_IMAGES;

export type ImageName = LlmctlImage | ThirdPartyImage;
export const IMAGE_NAMES: readonly ImageName[] = [
  ...LLMCTL_IMAGES,
  ...(Object.keys(THIRD_PARTY_IMAGES) as ThirdPartyImage[]),
];

export function isLlmctlImage(name: string): name is LlmctlImage {
  return (LLMCTL_IMAGES as readonly string[]).includes(name);
}

export interface ImageSettings {
  /** Registry/project prefix for llmctl-built images; empty keeps unqualified local names. */
  readonly registry: string;
  /** Tag for llmctl-built images. */
  readonly tag: string;
  /** Explicit references by image name; they win over everything else. */
  readonly overrides: Readonly<Partial<Record<ImageName, string>>>;
}

/** The reference a workload runs for `name` under `settings`. */
export function resolveImage(name: ImageName, settings: ImageSettings): string {
  const override = settings.overrides[name];
  if (override) return override;
  if (isLlmctlImage(name)) {
    return formatImage({ registry: settings.registry, repository: name, tag: settings.tag, digest: "" });
  }
  return THIRD_PARTY_IMAGES[name];
}

/** Every image reference of the catalogue, resolved; used to validate a whole stack at preview time. */
export function resolveAllImages(settings: ImageSettings): Record<ImageName, string> {
  return Object.fromEntries(IMAGE_NAMES.map((n) => [n, resolveImage(n, settings)])) as Record<ImageName, string>;
}
