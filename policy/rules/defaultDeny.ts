/**
 * Rule 3: every Namespace the stack creates (label app.kubernetes.io/managed-by: pulumi) denies by default in
 * both directions: a NetworkPolicy in it selects every pod (`podSelector: {}`), lists Ingress and Egress in
 * policyTypes, and has no rule that re-opens all traffic. Allow rules belong in their own, narrower policies.
 * A stack policy: it needs the namespaces and the NetworkPolicies together.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import {
  checkEach,
  isKind,
  k8sName,
  namespaceOf,
  ownedNamespaces,
  selectsAll,
  type K8sResourceLike,
  type LabelSelector,
} from "../lib/k8s";

export type Direction = "Ingress" | "Egress";
const DIRECTIONS: readonly Direction[] = ["Ingress", "Egress"];

interface IPBlock {
  readonly cidr?: string;
}
interface Peer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}
interface Rule {
  readonly from?: readonly Peer[];
  readonly to?: readonly Peer[];
  readonly ports?: readonly unknown[];
}
export interface NetworkPolicySpec {
  readonly podSelector?: LabelSelector;
  readonly policyTypes?: readonly string[];
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
}

/** policyTypes as Kubernetes applies them: when unset, Ingress always and Egress when there are egress rules. */
export function effectivePolicyTypes(spec: NetworkPolicySpec): Direction[] {
  if (spec.policyTypes !== undefined) return DIRECTIONS.filter((d) => spec.policyTypes!.includes(d));
  return spec.egress !== undefined ? ["Ingress", "Egress"] : ["Ingress"];
}

/** Why a peer stands for "everything" in its scope, or undefined when it names something specific. */
function wildcardPeer(peer: Peer): string | undefined {
  const cidr = peer.ipBlock?.cidr;
  if (cidr === "0.0.0.0/0" || cidr === "::/0") return `ipBlock ${cidr}`;
  if (peer.ipBlock !== undefined) return undefined;
  if (peer.namespaceSelector !== undefined) {
    return selectsAll(peer.namespaceSelector) && selectsAll(peer.podSelector) ? "namespaceSelector {} (every pod of every namespace)" : undefined;
  }
  if (peer.podSelector !== undefined && selectsAll(peer.podSelector)) return "podSelector {} (every pod of the namespace)";
  return undefined;
}

/**
 * Why `rule` re-opens all traffic, or undefined. A rule re-opens all traffic when it does not restrict ports and
 * its peers include everything in some scope: no peers at all (anyone), `podSelector: {}` alone (every pod of
 * the namespace), `namespaceSelector: {}` (every pod of the cluster) or an ipBlock of /0. A rule limited to
 * ports (DNS egress on 53, say) or to named peers is an allow rule, not a re-opening.
 */
export function reopensAll(rule: Rule, direction: Direction): string | undefined {
  if ((rule.ports ?? []).length > 0) return undefined;
  const peers = (direction === "Ingress" ? rule.from : rule.to) ?? [];
  if (peers.length === 0) return `no ${direction === "Ingress" ? "from" : "to"} (any peer), every port`;
  for (const peer of peers) {
    const why = wildcardPeer(peer);
    if (why) return `${why}, every port`;
  }
  return undefined;
}

/** Why `spec` is not a default-deny for `direction`, or undefined when it is one. */
export function notDefaultDeny(spec: NetworkPolicySpec, direction: Direction): string | undefined {
  if (!selectsAll(spec.podSelector)) return "its podSelector is not {}";
  if (!effectivePolicyTypes(spec).includes(direction)) return `its policyTypes do not include ${direction}`;
  const rules = (direction === "Ingress" ? spec.ingress : spec.egress) ?? [];
  for (const [i, rule] of rules.entries()) {
    const why = reopensAll(rule, direction);
    if (why) return `its ${direction.toLowerCase()} rule ${i + 1} re-opens all traffic: ${why}`;
  }
  return undefined;
}

export const namespaceDefaultDeny: StackValidationPolicy = {
  name: "namespace-default-deny",
  description:
    "Every Namespace the stack creates (label app.kubernetes.io/managed-by: pulumi) has a default-deny NetworkPolicy for both " +
    "directions: podSelector {}, policyTypes [Ingress, Egress], and no rule that re-opens all traffic (a rule without ports whose " +
    "peers are absent, podSelector {}, namespaceSelector {} or an ipBlock /0).",
  remediationSteps:
    "Create, in each namespace, a NetworkPolicy `{podSelector: {}, policyTypes: [Ingress, Egress]}` with no ingress or egress rules, " +
    "and allow the flows the pods need (DNS, the datastores, the edge) with separate NetworkPolicies naming their pods and ports.",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const resources = args.resources as readonly K8sResourceLike[];
    const policies = resources.filter((r) => isKind(r.type, "NetworkPolicy", "networking.k8s.io"));
    checkEach(ownedNamespaces(resources).values(), (ns) => {
      const inNamespace = policies.filter((p) => namespaceOf(p) === ns.name);
      const problems: string[] = [];
      for (const direction of DIRECTIONS) {
        const reasons = inNamespace.map((p) => ({ p, why: notDefaultDeny((p.props.spec ?? {}) as NetworkPolicySpec, direction) }));
        if (reasons.some((x) => x.why === undefined)) continue;
        // Explain the near misses: the policies that select every pod but are not a default-deny for this direction.
        const nearMisses = reasons.filter((x) => !x.why!.startsWith("its podSelector")).map((x) => `NetworkPolicy ${k8sName(x.p)}: ${x.why}`);
        problems.push(`no default-deny for ${direction} [${nearMisses.length > 0 ? nearMisses.join("; ") : "no NetworkPolicy with podSelector {}"}]`);
      }
      if (problems.length > 0) reportViolation(`Namespace ${ns.name}: ${problems.join("; ")}.`, ns.resource.urn);
    });
  },
};
