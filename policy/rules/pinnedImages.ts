/**
 * Rule 5: in production every image is pinned, by digest or by a tag other than `latest`. Which stacks are
 * production is the pack's config (`requirePinnedImages`, default true): a dev stack runs the pack with it
 * set to false (see policy/README.md).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkEach, containersOf, describeObject, podSpecOf, type K8sResourceLike } from "../lib/k8s";

export interface PinnedImagesConfig {
  /** Require every image to be pinned (production). @default true */
  readonly requirePinnedImages?: boolean;
}

/** Why `image` is not pinned, or undefined when it has a digest or a tag other than latest. */
export function unpinned(image: string | undefined): string | undefined {
  if (image === undefined || image.trim() === "") return "has no image";
  if (/@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  // A colon before the last slash is a registry port (registry:5000/app), not a tag.
  const tag = colon > lastSlash ? image.slice(colon + 1) : "";
  if (tag === "") return `image ${image} has no tag (means latest)`;
  if (tag === "latest") return `image ${image} is tagged latest`;
  return undefined;
}

export const pinnedImages: ResourceValidationPolicy = {
  name: "pinned-images",
  description:
    "Production stacks run pinned images only: a digest (@sha256:...) or a tag other than latest. `requirePinnedImages` " +
    "(default true) says whether this stack is production.",
  remediationSteps:
    "Set imageTag (and imageOverrides) to a release tag or a digest (`pulumi config set imageTag 2026.11.0`). For a development " +
    "stack, run the pack with requirePinnedImages: false (policy/README.md).",
  severity: "high",
  configSchema: {
    properties: {
      requirePinnedImages: {
        type: "boolean",
        default: true,
        description: "Require every image to be pinned by digest or a tag other than latest (true for production stacks).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const r: K8sResourceLike = args;
    const pod = podSpecOf(r);
    if (!pod) return;
    if (args.getConfig<PinnedImagesConfig>().requirePinnedImages === false) {
      args.notApplicable("requirePinnedImages is false (not a production stack)");
    }
    const problems: string[] = [];
    try {
      checkEach(containersOf(pod), ({ container, label }) => {
        const why = unpinned(container.image);
        if (why) problems.push(`${label} ${why}`);
      });
    } finally {
      if (problems.length > 0) reportViolation(`${describeObject(r)}: ${problems.join("; ")}.`);
    }
  },
};
