/**
 * SuiteContext: what every section builder of a suite shares (namespace, labels, profile, images, pull
 * secrets, exposure), so a section takes one argument and returns what the next section needs.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformImage } from "../lib/images";
import type { ResourceProfile } from "../lib/resources";
import type { EdgeAccess } from "../platform/edge/edgeRoutes";
import type { ExposureConfig } from "../platform/exposure";
import type { NetworkConfig } from "../platform/flows";
import type { GpuConfig } from "../platform/gpu";
import type { PlatformContext } from "./types";

export interface SuiteContext<I extends string> {
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
  readonly profile: ResourceProfile;
  readonly images: Readonly<Record<I | PlatformImage, string>>;
  /** Every pull secret the suite's pods use (existing and generated). */
  readonly imagePullSecrets: readonly string[];
  readonly exposure: ExposureConfig;
  readonly edge: EdgeAccess;
  readonly network: NetworkConfig;
  readonly gpu: GpuConfig;
  readonly persistence: boolean;
  readonly storageClass?: string;
  readonly podDisruptionBudgets: boolean;
  readonly dataProtection: boolean;
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
