/**
 * SuiteContext: what every section builder of a suite shares (namespace, labels, profile, images, pull
 * secrets, exposure), so a section takes one argument and returns what the next section needs.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../lib/labels";
import { type NamespaceBackUp, namespaceBackups } from "../platform/backups/jobs";
import { serviceHost } from "../platform/exposure";
import { type PodGroup, workloadPods } from "../platform/flows";
import type { BackupTarget } from "../platform/backups/target";
import { Namespace, type NamespaceArgs } from "../platform/namespace";
import { generatedPullSecret, podPullSecrets } from "../platform/pullSecret";
import { emptyDir, type Volume } from "../workloads/pod";
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

/**
 * The start of every suite's constructor: its Namespace (`<name>-namespace`: Pod Security and default deny, kept on
 * delete when it holds data under dataProtection), the generated pull secret when the platform has a registry
 * login, and the SuiteContext the sections share. `namespace` overrides the Namespace's other args (llmctl's
 * baseline for its executors, a suite with no data's keepOnDelete).
 */
export function openSuite<I extends string>(
  parent: pulumi.ComponentResource,
  name: string,
  platform: PlatformContext<I>,
  s: { namespaceName: string; instance: string; namespace?: Partial<Omit<NamespaceArgs, "name" | "instance">> },
): SuiteContext<I> {
  const ns = new Namespace(
    `${name}-namespace`,
    { name: s.namespaceName, instance: s.instance, keepOnDelete: platform.dataProtection && platform.persistence, ...s.namespace },
    { parent },
  );
  const pullSecret = generatedPullSecret(s.instance, ns.name, platform.registryAccess, { parent });
  return suiteContext(platform, {
    parent,
    namespace: ns.name,
    namespaceName: s.namespaceName,
    instance: s.instance,
    imagePullSecrets: podPullSecrets(platform.imagePullSecrets, s.instance, platform.registryAccess),
    podPrerequisites: pullSecret ? [pullSecret] : [],
  });
}

/**
 * A claim the suite names (created only with persistence on), kept on delete with dataProtection. Consumers use it
 * by name, never by the claim's outputs: with WaitForFirstConsumer classes a claim binds only when its first
 * consumer is scheduled, so nothing may wait for it to be Bound.
 */
export function suiteClaim<I extends string>(ctx: SuiteContext<I>, name: string, size: string, accessMode: "ReadWriteOnce" | "ReadWriteMany" = "ReadWriteOnce"): string {
  new k8s.core.v1.PersistentVolumeClaim(
    name,
    { metadata: { name, namespace: ctx.namespace, labels: standardLabels(name, ctx.instance, "storage") }, spec: { accessModes: [accessMode], storageClassName: ctx.storageClass, resources: { requests: { storage: size } } } },
    { ...childOpts(ctx), retainOnDelete: ctx.dataProtection },
  );
  return name;
}

/** A data volume `volume` (default: the claim's name): that claim with persistence on, an emptyDir of the same size without. */
export function dataVolume<I extends string>(ctx: SuiteContext<I>, a: { claim: string; size: string; accessMode?: "ReadWriteOnce" | "ReadWriteMany"; volume?: string }): Volume {
  const volume = a.volume ?? a.claim;
  if (!ctx.persistence) return emptyDir(volume, a.size);
  return { name: volume, persistentVolumeClaim: { claimName: suiteClaim(ctx, a.claim, a.size, a.accessMode) } };
}

/** Backs up one store of the suite (platform/backups): `undefined` when the suite's stores are not backed up. */
export type BackUp = NamespaceBackUp;

/**
 * The backups of the suite's datastores, to `target` (the platform's: external bucket or object store): none without
 * a target, or without persistence (nothing outlives a pod then).
 */
/** One of the suite's own stores, as its backup reaches it: the Service's host (`service`, else the workload's name) and its pods. */
export function ownStore<I extends string>(ctx: SuiteContext<I>, workload: string, service = workload): { host: string; pods: PodGroup } {
  return { host: serviceHost(service, ctx.namespaceName), pods: workloadPods(workload, ctx.instance, ctx.namespaceName, ctx.namespace) };
}

export function suiteBackups<I extends string>(ctx: SuiteContext<I>, target: BackupTarget | undefined): BackUp | undefined {
  if (!target || !ctx.persistence) return undefined;
  const args = { namespace: ctx.namespace, namespaceName: ctx.namespaceName, instance: ctx.instance, target, network: ctx.network, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets, curlImage: ctx.images["wait-for"] };
  return namespaceBackups(args, childOpts(ctx, ctx.podPrerequisites));
}
