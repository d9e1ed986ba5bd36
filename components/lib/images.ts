/**
 * Image references: parsing, validation, and the catalogue of every image the platform runs.
 *
 * llmctl-built images are resolved against the configured registry/project and tag (the seed's
 * `configure-harbor-image-overlays.sh` behaviour); third-party images keep their pinned references.
 * Any image can be replaced by an explicit override.
 */
import type { ImageContract } from "./contracts";

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

/**
 * A module's images: those it builds (they follow imageRegistry/imageTag and the Harbor switch) and
 * third-party ones with pinned default references (changed only by an explicit override).
 */
export interface ImageCatalogue<I extends string = string> {
  readonly built: readonly I[];
  readonly thirdParty: Readonly<Record<string, string>>;
  /** What each image really runs, read from its source (or its seed): tests/invariants/contracts.test.ts. */
  readonly contracts?: Readonly<Partial<Record<I, ImageContract>>>;
}

export interface ImageSettings {
  /** Registry/project prefix for built images; empty keeps unqualified local names. */
  readonly registry: string;
  /** Tag for built images. */
  readonly tag: string;
  /** Explicit references by image name; they win over everything else. */
  readonly overrides: Readonly<Record<string, string>>;
}

export function imageNames<I extends string>(catalogue: ImageCatalogue<I>): I[] {
  return [...catalogue.built, ...(Object.keys(catalogue.thirdParty) as I[])];
}

/** The reference a workload runs for `name` of `catalogue` under `settings`. */
export function resolveImage<I extends string>(catalogue: ImageCatalogue<I>, name: I, settings: ImageSettings): string {
  const override = settings.overrides[name];
  if (override) return override;
  if ((catalogue.built as readonly string[]).includes(name)) {
    return formatImage({ registry: settings.registry, repository: name, tag: settings.tag, digest: "" });
  }
  return catalogue.thirdParty[name];
}

/** Every image of the catalogue, resolved. */
export function resolveImages<I extends string>(catalogue: ImageCatalogue<I>, settings: ImageSettings): Readonly<Record<I, string>> {
  return Object.fromEntries(imageNames(catalogue).map((n) => [n, resolveImage(catalogue, n, settings)])) as Record<I, string>;
}

/**
 * Several catalogues as one, for the override key's allowed names. Two modules may share a third-party
 * image only with the same default reference (one override then changes both); anything else is a
 * programming error.
 */
export function mergeCatalogues(catalogues: readonly ImageCatalogue[]): ImageCatalogue {
  const built = new Set<string>();
  const thirdParty: Record<string, string> = {};
  for (const c of catalogues) {
    for (const name of c.built) {
      if (name in thirdParty) throw new Error(`image ${name} is both built and third-party`);
      built.add(name);
    }
    for (const [name, ref] of Object.entries(c.thirdParty)) {
      if (built.has(name)) throw new Error(`image ${name} is both built and third-party`);
      if (thirdParty[name] !== undefined && thirdParty[name] !== ref) throw new Error(`image ${name} has two defaults: ${thirdParty[name]} and ${ref}`);
      thirdParty[name] = ref;
    }
  }
  return { built: [...built], thirdParty };
}

/** Images the platform itself runs (init gates, bootstrap Jobs), shared by suites and add-ons. */
export type PlatformImage = "wait-for";
export const PLATFORM_IMAGES: ImageCatalogue<PlatformImage> = {
  built: [],
  thirdParty: { "wait-for": "docker.io/curlimages/curl:8.11.1" },
};
