/**
 * Rule 6: no ClusterRoleBinding grants a role cluster-wide to our service accounts: a ServiceAccount in a
 * Namespace the stack creates (or a ServiceAccount the stack creates anywhere), the group of a namespace's
 * accounts (`system:serviceaccounts:<ns>`) or of all accounts (`system:serviceaccounts`), or the user name of
 * one (`system:serviceaccount:<ns>:<name>`). Bind a Role or ClusterRole with a RoleBinding in the namespace
 * instead. A stack policy: it needs the namespaces, the accounts and the bindings together.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { checkEach, describeObject, isKind, k8sName, namespaceOf, ownedNamespaces, type K8sResourceLike } from "../lib/k8s";

export interface ClusterBindingsConfig {
  /** `namespace/name` of service accounts allowed cluster-scope bindings (a written exception). @default [] */
  readonly allowedServiceAccounts?: readonly string[];
}

interface Subject {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

interface RoleRef {
  readonly kind?: string;
  readonly name?: string;
}

/** The subjects of a binding that are our service accounts, as `ServiceAccount ns/name` or `Group ...` phrases. */
export function ourSubjects(
  subjects: readonly Subject[],
  ownedNs: ReadonlySet<string>,
  ownAccounts: ReadonlySet<string>,
  allowed: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const s of subjects) {
    if (s.kind === "ServiceAccount") {
      const id = `${s.namespace ?? ""}/${s.name ?? ""}`;
      if ((ownedNs.has(s.namespace ?? "") || ownAccounts.has(id)) && !allowed.has(id)) out.push(`ServiceAccount ${id}`);
    } else if (s.kind === "Group") {
      const m = /^system:serviceaccounts(?::(.+))?$/.exec(s.name ?? "");
      if (m && (m[1] === undefined || ownedNs.has(m[1]))) out.push(`Group ${s.name}`);
    } else if (s.kind === "User") {
      const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(s.name ?? "");
      const id = m ? `${m[1]}/${m[2]}` : "";
      if (m && (ownedNs.has(m[1]) || ownAccounts.has(id)) && !allowed.has(id)) out.push(`User ${s.name}`);
    }
  }
  return out;
}

export const noClusterScopeBindings: StackValidationPolicy = {
  name: "no-cluster-scope-bindings",
  description:
    "No ClusterRoleBinding grants a ClusterRole or Role cluster-wide to our service accounts (a ServiceAccount in a Namespace the " +
    "stack creates, or one the stack creates): their rights stay inside a namespace, through RoleBindings.",
  remediationSteps:
    "Replace the ClusterRoleBinding with a RoleBinding in each namespace the account must act in (a RoleBinding may reference a " +
    "ClusterRole). If a controller truly needs cluster scope, list it in this policy's allowedServiceAccounts config as " +
    "`namespace/name`, with the reason in the config file's history.",
  severity: "high",
  configSchema: {
    properties: {
      allowedServiceAccounts: {
        type: "array",
        items: { type: "string", pattern: "^[^/]+/[^/]+$" },
        default: [],
        description: "Service accounts (`namespace/name`) allowed cluster-scope bindings: written exceptions, e.g. a chart's controller.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const resources = args.resources as readonly K8sResourceLike[];
    const ownedNs = new Set(ownedNamespaces(resources).keys());
    const ownAccounts = new Set(
      resources.filter((r) => isKind(r.type, "ServiceAccount", "core")).map((r) => `${namespaceOf(r) ?? "default"}/${k8sName(r)}`),
    );
    const allowed = new Set(args.getConfig<ClusterBindingsConfig>().allowedServiceAccounts ?? []);
    const bindings = resources.filter((r) => isKind(r.type, "ClusterRoleBinding", "rbac.authorization.k8s.io"));
    checkEach(bindings, (b) => {
      const subjects = (b.props.subjects ?? []) as readonly Subject[];
      const ours = ourSubjects(subjects, ownedNs, ownAccounts, allowed);
      if (ours.length === 0) return;
      const role = (b.props.roleRef ?? {}) as RoleRef;
      reportViolation(
        `${describeObject(b)} grants ${role.kind ?? "a role"} ${role.name ?? "?"} cluster-wide to ${ours.join(", ")}; use a RoleBinding in the namespace.`,
        b.urn,
      );
    });
  },
};
