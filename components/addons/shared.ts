/** Config and namespace helpers the chart add-ons share. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DNS_SUBDOMAIN } from "../config/patterns";
import type { ChartConfig, Reader } from "../config/reader";
import type { KeysOfType, Schema } from "../config/schema";
import type { HostClaim } from "../config/claims";
import type { RouteGroup } from "../platform/edge/routes";
import type { Flow, PodGroup } from "../platform/flows";
import { type ExposureConfig, hasPublicHosts } from "../platform/exposure";
import { Namespace } from "../platform/namespace";
import type { PlatformApis } from "../platform/apis";
import { chartApis } from "./apis";
import { leanCrds } from "./crds";
import { keepChartClaims } from "./volumes";

/**
 * The add-ons' instance names (component names, Helm release prefixes, default namespaces). They carry the
 * llmctl prefix because they were born inside that suite; existing stacks and the seed's URLs rely on them.
 */
export const ADDON_INSTANCES = { harbor: "llmctl-harbor", pgadmin: "llmctl-pgadmin" } as const;

/**
 * An add-on's own public host: required under exposure gateway or ingress while the add-on is on (each
 * add-on is served on a host of its own; the stack parser rejects a host claimed twice).
 */
export function addonHost<S extends Schema>(r: Reader<S>, key: KeysOfType<S, "string">, exposure: ExposureConfig, enabled: boolean): string | undefined {
  const host = r.get(key) as string;
  if (host !== "" && !DNS_SUBDOMAIN.test(host)) r.problem(key, `must be a lower-case DNS name (got ${JSON.stringify(host)})`);
  if (!hasPublicHosts(exposure) || !enabled) return host || undefined;
  if (host === "") r.problem(key, `is required when exposure is ${exposure.mode} (each add-on is served on its own host)`);
  return host || undefined;
}

/** An add-on's public route: its whole host to one Service; the add-on logs its users in itself. */
export function wholeHostRoute(a: {
  readonly name: string;
  readonly instance: string;
  readonly namespace: string;
  readonly host: string;
  readonly port: number;
  /** The chart's pods behind the Service, and their port. */
  readonly pods: { readonly matchLabels: Readonly<Record<string, string>>; readonly port: number };
  readonly login: string;
  readonly largeBodies?: boolean;
}): RouteGroup {
  return {
    name: a.name,
    instance: a.instance,
    namespace: a.namespace,
    host: a.host,
    auth: { kind: "app", reason: a.login },
    routes: [{ name: a.name, path: "/", service: a.name, port: a.port, pods: a.pods }],
    ...(a.largeBodies ? { largeBodies: true } : {}),
  };
}

/** NodePort mode: anyone on the node network reaches the add-on's pods behind its NodePort Service. */
export function nodePortFlow(name: string, group: PodGroup, port: number): Flow {
  return { name: `nodeport-to-${name}`, from: { anywhere: true }, to: { pods: group }, ports: [{ port }], why: `the ${name} NodePort (a local cluster's node network)` };
}

/** The host claim of an add-on that is on and publicly exposed. */
export function addonHostClaims(key: string, host: string | undefined, namespace: string, exposure: ExposureConfig, enabled: boolean): HostClaim[] {
  return enabled && host && hasPublicHosts(exposure) ? [{ key, host, namespace }] : [];
}

/**
 * The namespace of a third-party chart: Pod Security enforced at baseline with the reason (restricted is
 * still warned and audited), the default deny both ways, and the chart's pods free to talk to each other
 * (its internal wiring); what crosses the namespace boundary is declared flow by flow.
 */
export function chartNamespace(
  name: string,
  args: { readonly namespace: string; readonly instance: string; readonly reason: string; readonly keepOnDelete?: boolean },
  parent: pulumi.Resource,
): Namespace {
  return new Namespace(
    `${name}-namespace`,
    { name: args.namespace, instance: args.instance, enforce: "baseline", enforceReason: args.reason, allowWithin: true, keepOnDelete: args.keepOnDelete },
    { parent },
  );
}

export interface ChartReleaseArgs {
  /** Helm release name (the prefix of the chart's object names). */
  readonly release: string;
  readonly chart: string;
  /** Version and repository from the add-on's config slice. */
  readonly source: ChartConfig;
  readonly namespace: pulumi.Input<string>;
  /** Known at preview: a generated value goes in through a Secret the chart references, or `transforms`. */
  readonly values: pulumi.Inputs;
  /** Applied by the engine to the objects the chart renders (a generated value the chart has no Secret reference for). */
  readonly transforms?: pulumi.ResourceTransform[];
}

/**
 * An add-on's chart as `${name}-chart`: helm.v4.Chart renders it into individual objects the engine tracks,
 * so a values change is a diff of those objects, not an opaque release upgrade. Its dependsOn is derived:
 * whatever supplies the kinds its templates use (CHART_APIS), plus `after` (what its pods read at start,
 * e.g. generated Secrets); what it supplies is registered with `apis` for the objects that use it. The
 * namespace comes in through `namespace`.
 */
export function chartRelease(
  name: string,
  args: ChartReleaseArgs,
  parent: pulumi.Resource,
  wiring: {
    readonly apis: PlatformApis;
    readonly after?: readonly pulumi.Resource[];
    /** The chart's namespace is kept on delete: keep the claims the chart renders too (CHART_VOLUMES). */
    readonly keepClaims?: boolean;
  },
): k8s.helm.v4.Chart {
  // An OCI registry is not a chart repository: the chart is addressed by its full reference instead.
  const oci = args.source.repo.startsWith("oci://");
  const needs = chartApis(args.chart);
  const dependsOn = [...wiring.apis.after(needs.uses(args.values), `the ${args.chart} chart`), ...(wiring.after ?? [])];
  const transforms = [leanCrds, ...(args.transforms ?? []), ...(wiring.keepClaims ? [keepChartClaims] : [])];
  const chart = new k8s.helm.v4.Chart(
    `${name}-chart`,
    {
      name: args.release,
      chart: oci ? `${args.source.repo.replace(/\/+$/, "")}/${args.chart}` : args.chart,
      version: args.source.version,
      ...(oci ? {} : { repositoryOpts: { repo: args.source.repo } }),
      namespace: args.namespace,
      values: args.values,
    },
    { parent, dependsOn, transforms },
  );
  if (needs.supplies) wiring.apis.install(needs.supplies, [chart]);
  return chart;
}

/**
 * Options for an add-on that used to be a child of the llmctl suite under another type token: the alias
 * keeps an existing stack's resources (and, through inherited aliases, all their children) in place.
 */
export function formerlyInLlmctl(oldType: string, opts?: pulumi.ComponentResourceOptions): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: oldType, parent: LLMCTL_SUITE_URN() }] };
}

/** The URN of the llmctl suite component (name llmctl, at the stack root) in this stack. */
export function LLMCTL_SUITE_URN(): pulumi.Output<string> {
  return pulumi.createUrn("llmctl", "llm-platform:suites:Llmctl");
}

/**
 * A chart reads our Secrets by name (`existingSecret` values), so its own checksum annotations never change when
 * they do: this transform puts `checksum` on the pod templates of the chart's workloads `rolls` names, so a rotated
 * credential restarts the pods that read it, as the platform's own workloads do.
 */
export function rollWithSecrets(checksum: pulumi.Input<string>, rolls: (workload: string) => boolean): pulumi.ResourceTransform {
  const kinds = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet"];
  return (args) => {
    const name = String((args.props.metadata as { name?: string } | undefined)?.name ?? "");
    if (!kinds.includes(args.type) || !rolls(name)) return undefined;
    const spec = (args.props.spec ?? {}) as { template?: { metadata?: { annotations?: Record<string, unknown> } } };
    const template = spec.template ?? {};
    const annotations = { ...(template.metadata?.annotations ?? {}), "checksum/platform-secrets": checksum };
    return { props: { ...args.props, spec: { ...spec, template: { ...template, metadata: { ...template.metadata, annotations } } } }, opts: args.opts };
  };
}
