/**
 * Which API kinds exist in the cluster, and what an object must wait for before it can be created: ordering
 * derived from what objects need, not wired by hand.
 *
 * A kind outside Kubernetes' own groups exists only once an add-on's chart has installed its CRD, and some
 * kinds are admitted by an add-on's webhook, which rejects (failurePolicy Fail) or cannot answer creates
 * until its Deployment is ready. Each add-on declares what it supplies (an `ApiSupplier`, next to its
 * values); the program registers it here when it installs the chart (`install`) or when the stack says the
 * cluster already runs it (`assume`); every object or chart that uses such a kind asks `after(kinds)` for
 * its dependsOn. A kind nobody supplies is a program error (the stack parser refuses such configs first).
 * tests/invariants/apis.test.ts checks the rendered graph against the same declarations: every object's
 * kind is built in, assumed, or supplied by something in its dependency closure.
 */
import type * as pulumi from "@pulumi/pulumi";

/** An API kind as `<group>/<Kind>` (the core group is "": `/Secret`); `<group>/*` stands for a whole group. */
export type ApiKind = string;

export interface ApiSupplier {
  /** The add-on, as messages name it. */
  readonly name: string;
  /** Kinds whose CustomResourceDefinitions its chart installs. */
  readonly crds: readonly ApiKind[];
  /** Kinds its admission webhooks intercept: creating one needs the webhook's pods ready. */
  readonly admits: readonly ApiKind[];
}

/** Kubernetes' own API groups (and the core group ""): always served by the API server. */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "storage.k8s.io",
]);

/** The kind of an object: `apiVersion` ("group/version" or "v1") and `kind`. */
export function apiKind(apiVersion: string, kind: string): ApiKind {
  const slash = apiVersion.lastIndexOf("/");
  return `${slash < 0 ? "" : apiVersion.slice(0, slash)}/${kind}`;
}

export function groupOf(kind: ApiKind): string {
  return kind.slice(0, kind.lastIndexOf("/"));
}

export function isBuiltIn(kind: ApiKind): boolean {
  return BUILT_IN_GROUPS.has(groupOf(kind));
}

/** Whether `list` names `kind`, itself or by its group's wildcard. */
export function covers(list: readonly ApiKind[], kind: ApiKind): boolean {
  return list.includes(kind) || list.includes(`${groupOf(kind)}/*`);
}

/** What creating an object of `kind` needs, by supplier name: its CRD's and its webhook's (empty: built in). */
export function suppliersOf(kind: ApiKind, suppliers: readonly ApiSupplier[]): { crd: ApiSupplier[]; webhook: ApiSupplier[] } {
  return { crd: suppliers.filter((s) => covers(s.crds, kind)), webhook: suppliers.filter((s) => covers(s.admits, kind)) };
}

/** The stack's API suppliers: what its add-ons install (with the resources that are ready when they are), and what it assumes. */
export class PlatformApis {
  private readonly installed: Array<{ readonly supplier: ApiSupplier; readonly ready: readonly pulumi.Resource[] }> = [];
  private readonly assumed: ApiSupplier[] = [];

  /** An add-on this stack installs: objects of its kinds wait for `ready` (its chart). */
  install(supplier: ApiSupplier, ready: readonly pulumi.Resource[]): void {
    this.installed.push({ supplier, ready });
  }

  /** An add-on the cluster runs without us (its switch is off): its kinds exist, nothing to wait for. */
  assume(supplier: ApiSupplier): void {
    this.assumed.push(supplier);
  }

  /** Whether objects of `kind` can be created in this stack at all. */
  has(kind: ApiKind): boolean {
    if (isBuiltIn(kind)) return true;
    return [...this.assumed, ...this.installed.map((i) => i.supplier)].some((s) => covers(s.crds, kind));
  }

  /**
   * What an object (or a chart whose objects) of `kinds` must be created after: every installed add-on that
   * supplies one of their CRDs or admits one of them. `who` names the user in the error for an unsupplied kind.
   */
  after(kinds: readonly ApiKind[], who: string): pulumi.Resource[] {
    const out = new Set<pulumi.Resource>();
    for (const kind of kinds) {
      if (!this.has(kind)) {
        const known = [...this.installed.map((i) => `${i.supplier.name} (installed)`), ...this.assumed.map((s) => `${s.name} (assumed present)`)];
        throw new Error(`${who} creates ${kind}, which no add-on of this stack supplies (${known.length > 0 ? known.join(", ") : "none"})`);
      }
      for (const { supplier, ready } of this.installed) {
        if (covers(supplier.crds, kind) || covers(supplier.admits, kind)) for (const r of ready) out.add(r);
      }
    }
    return [...out];
  }
}
