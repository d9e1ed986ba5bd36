/**
 * The few Kubernetes shapes the rules read, as plain data (every field optional: a policy sees whatever the
 * program or a chart wrote, and during preview only what is known), plus helpers to find them in Pulumi
 * resources. Independent of @pulumi/kubernetes, so the pack checks any apiVersion and any program.
 */
import * as policySdk from "@pulumi/policy";

export type Labels = Readonly<Record<string, string | undefined>>;

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Labels;
  readonly annotations?: Labels;
}

export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly unknown[];
}

export interface Capabilities {
  readonly add?: readonly string[];
  readonly drop?: readonly string[];
}

export interface SeccompProfile {
  readonly type?: string;
  readonly localhostProfile?: string;
}

export interface SecurityContext {
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly capabilities?: Capabilities;
  readonly seccompProfile?: SeccompProfile;
  readonly procMount?: string;
}

export interface EnvVar {
  readonly name?: string;
  readonly value?: string;
  readonly valueFrom?: unknown;
}

export interface ResourceRequirements {
  readonly requests?: Readonly<Record<string, string | number | undefined>>;
  readonly limits?: Readonly<Record<string, string | number | undefined>>;
}

export interface ContainerPort {
  readonly containerPort?: number;
  readonly hostPort?: number;
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly env?: readonly EnvVar[];
  readonly ports?: readonly ContainerPort[];
  readonly resources?: ResourceRequirements;
  readonly securityContext?: SecurityContext;
}

export type Volume = Readonly<Record<string, unknown>> & { readonly name?: string };

export interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly ephemeralContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: SecurityContext;
}

/** The resource fields every rule needs: what @pulumi/policy passes as `type`, `props` and `urn`. */
export interface K8sResourceLike {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Readonly<Record<string, unknown>>;
}

/** `kubernetes:apps/v1:Deployment` -> {group: "apps", version: "v1", kind: "Deployment"}; undefined for non-Kubernetes types. */
export function k8sKind(type: string): { group: string; version: string; kind: string } | undefined {
  const m = /^kubernetes:(?:([^/:]+)\/)?([^/:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m) return undefined;
  return { group: m[1] ?? "core", version: m[2], kind: m[3] };
}

export function isKind(type: string, kind: string, group?: string): boolean {
  const k = k8sKind(type);
  return k !== undefined && k.kind === kind && (group === undefined || k.group === group);
}

export function metadataOf(r: K8sResourceLike): ObjectMeta {
  return (r.props.metadata ?? {}) as ObjectMeta;
}

/** The Kubernetes name: metadata.name, else the Pulumi name (what the provider would auto-name from). */
export function k8sName(r: K8sResourceLike): string {
  return metadataOf(r).name ?? r.name;
}

export function namespaceOf(r: K8sResourceLike): string | undefined {
  return metadataOf(r).namespace;
}

/** `Deployment llmctl/llmctl-studio-backend`: how messages name an object. */
export function describeObject(r: K8sResourceLike): string {
  const kind = k8sKind(r.type)?.kind ?? r.type;
  const ns = namespaceOf(r);
  return `${kind} ${ns ? `${ns}/` : ""}${k8sName(r)}`;
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The pod spec of a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob). */
export function podSpecOf(r: K8sResourceLike): PodSpec | undefined {
  const kind = k8sKind(r.type)?.kind;
  const steps = kind ? POD_SPEC_PATHS[kind] : undefined;
  if (!steps) return undefined;
  let cur: unknown = r.props;
  for (const step of steps) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur !== null && typeof cur === "object" ? (cur as PodSpec) : undefined;
}

export interface NamedContainer {
  readonly container: Container;
  /** `container "api"`, `init container "wait"`, `ephemeral container "debug"`. */
  readonly label: string;
}

export function containersOf(pod: PodSpec): NamedContainer[] {
  const out: NamedContainer[] = [];
  const add = (list: readonly Container[] | undefined, what: string): void => {
    for (const [i, container] of (list ?? []).entries()) out.push({ container, label: `${what} "${container.name ?? `#${i}`}"` });
  };
  add(pod.initContainers, "init container");
  add(pod.containers, "container");
  add(pod.ephemeralContainers, "ephemeral container");
  return out;
}

/** The label that marks what this program (any Pulumi program) created. */
export const MANAGED_BY = "app.kubernetes.io/managed-by";
export const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";
/** A namespace's written reason for enforcing less than Pod Security `restricted` (components/platform/namespace.ts). */
export const PSA_REASON = "llm-platform/pod-security-reason";

export interface OwnedNamespace {
  readonly name: string;
  readonly resource: K8sResourceLike;
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** The Namespace objects the stack creates and labels `app.kubernetes.io/managed-by: pulumi`. */
export function ownedNamespaces(resources: readonly K8sResourceLike[]): Map<string, OwnedNamespace> {
  const out = new Map<string, OwnedNamespace>();
  for (const r of resources) {
    if (!isKind(r.type, "Namespace", "core")) continue;
    const meta = metadataOf(r);
    const labels = meta.labels ?? {};
    if (labels[MANAGED_BY] !== "pulumi") continue;
    const name = k8sName(r);
    out.set(name, { name, resource: r, labels, annotations: meta.annotations ?? {} });
  }
  return out;
}

/** True for a selector that selects everything: absent, `{}`, or with empty matchLabels and matchExpressions. */
export function selectsAll(selector: LabelSelector | undefined): boolean {
  if (!selector) return true;
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

// @pulumi/policy throws UnknownValueError when a rule reads a value that is unknown during preview (and turns
// it into an advisory "can't run during preview"). Its index exports the class; its typings hide it.
const { UnknownValueError } = policySdk as unknown as { UnknownValueError: abstract new (...args: never[]) => Error };

export function isUnknownValueError(e: unknown): boolean {
  return e instanceof UnknownValueError;
}

/**
 * Runs `check` on every item. An item holding a value unknown during preview does not stop the others from
 * being checked: every violation that can be decided is reported, then the first unknown is rethrown so the
 * policy SDK reports, as an advisory, that the rest could not be checked until the values are known.
 */
export function checkEach<T>(items: Iterable<T>, check: (item: T) => void): void {
  let unknown: unknown;
  for (const item of items) {
    try {
      check(item);
    } catch (e) {
      if (!isUnknownValueError(e)) throw e;
      unknown ??= e;
    }
  }
  if (unknown !== undefined) throw unknown;
}
