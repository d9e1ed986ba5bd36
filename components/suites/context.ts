/**
 * SuiteContext: what every section builder of a suite shares (namespace, labels, profile, images, pull
 * secrets, exposure), so a section takes one argument and returns what the next section needs.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformContext } from "./types";

/** The platform settings a section reads, as the platform handed them to the suite. */
type PlatformSettings<I extends string> = Pick<
  PlatformContext<I>,
  "profile" | "images" | "exposure" | "edge" | "network" | "gpu" | "persistence" | "storageClass" | "podDisruptionBudgets" | "dataProtection"
>;

export interface SuiteContext<I extends string> extends PlatformSettings<I> {
  /** The suite's ComponentResource: parent of every section's resources. */
  readonly parent: pulumi.Resource;
  /**
   * The namespace as an Output of the Namespace object: a resource that takes it is created after the
   * namespace, and after nothing else.
   */
  readonly namespace: pulumi.Output<string>;
  /** The namespace's name, known before anything exists: for DNS names and URLs, which must not wait. */
  readonly namespaceName: string;
  /** app.kubernetes.io/instance of every object. */
  readonly instance: string;
  /** Every pull secret the suite's pods use (existing and generated). */
  readonly imagePullSecrets: readonly string[];
  /** Resources every pod needs to exist before it starts (the generated pull secret). */
  readonly podPrerequisites: readonly pulumi.Resource[];
}

export function suiteContext<I extends string>(
  platform: PlatformContext<I>,
  s: Pick<SuiteContext<I>, "parent" | "namespace" | "namespaceName" | "instance" | "imagePullSecrets" | "podPrerequisites">,
): SuiteContext<I> {
  return {
    ...s,
    profile: platform.profile,
    images: platform.images,
    exposure: platform.exposure,
    edge: platform.edge,
    network: platform.network,
    gpu: platform.gpu,
    persistence: platform.persistence,
    storageClass: platform.storageClass,
    podDisruptionBudgets: platform.podDisruptionBudgets,
    dataProtection: platform.dataProtection,
  };
}

/** Child options: parented to the suite, created after `deps` (and after the pod prerequisites for workloads). */
export function childOpts<I extends string>(ctx: SuiteContext<I>, deps: readonly pulumi.Resource[] = []): pulumi.ComponentResourceOptions {
  return deps.length > 0 ? { parent: ctx.parent, dependsOn: [...deps] } : { parent: ctx.parent };
}

export function workloadOpts<I extends string>(ctx: SuiteContext<I>, deps: readonly pulumi.Resource[] = []): pulumi.ComponentResourceOptions {
  return childOpts(ctx, [...deps, ...ctx.podPrerequisites]);
}
