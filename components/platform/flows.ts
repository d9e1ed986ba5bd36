/**
 * Flows: who may talk to whom, declared by the code that wires them. Every namespace we own denies all
 * traffic both ways (Namespace); a component that wires A to B (an env var naming a Service, an init gate,
 * an edge route, an add-on reaching a suite's store) declares the flow, and `allowFlow` turns it into the
 * NetworkPolicies that open exactly that: an egress rule for A's pods in A's namespace and an ingress rule
 * for B's pods in B's namespace, each only where the namespace is ours (another's policies are not ours to
 * write). tests/unit/flows.test.ts evaluates the rendered policies: every wired flow passes, the rest is
 * blocked.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../lib/labels";

/** Cluster, private and link-local (cloud metadata) ranges: never "internet" egress. */
export const DEFAULT_EXCLUDED_CIDRS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"] as const;

export interface ExternalPeer {
  /** Names the policy rule: internet, api-server. */
  readonly name: string;
  /** As configured, or read from the cluster at deploy time (the API server's addresses: platform/apiServer.ts). */
  readonly cidrs: readonly string[] | pulumi.Output<readonly string[]>;
  readonly except: readonly string[];
}

/** The CIDRs known before deploy time (none for a peer read from the cluster). */
export const configuredCidrs = (peer: ExternalPeer): readonly string[] => (pulumi.Output.isInstance(peer.cidrs) ? [] : peer.cidrs);

/** The platform's network settings (config: the Network keys). */
export interface NetworkConfig {
  /** 0.0.0.0/0 minus networkExcludedCidrs. */
  readonly internet: ExternalPeer;
  readonly apiServer: ExternalPeer;
  readonly apiServerPorts: readonly number[];
  /** Where public traffic comes from when it is not Envoy Gateway's proxies (ingress controller, another implementation). */
  readonly edgeProxyNamespace?: string;
}

/** Internet egress is for HTTPS (and plain HTTP for mirrors that redirect): not every port on the internet. */
export const INTERNET_PORTS: readonly FlowPort[] = [{ port: 443 }, { port: 80 }];

export interface PodGroup {
  /** A short name for policy names ("llmctl-postgres"). */
  readonly name: string;
  /** The namespace's name (selectors). */
  readonly namespace: string;
  /** The namespace as an Output of our Namespace object: set when the namespace is ours, so its side is rendered after it exists. */
  readonly own?: pulumi.Input<string>;
  /** Which pods: matchLabels, or matchExpressions; {} is every pod of the namespace. */
  readonly selector: LabelSelector;
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; readonly values?: readonly string[] }>;
}

export type Peer = { readonly pods: PodGroup } | { readonly external: ExternalPeer } | { readonly anywhere: true };

export interface FlowPort {
  readonly port: number;
  readonly protocol?: "TCP" | "UDP";
}

export interface Flow {
  /** Unique within the module: names the policies (`<name>-egress`, `<name>-ingress`). */
  readonly name: string;
  readonly from: Peer;
  readonly to: Peer;
  readonly ports: readonly FlowPort[];
  /** Why the platform needs it (docs/security.md lists these). */
  readonly why: string;
}

/** One NetworkPolicy of a flow: the side in a namespace we own. */
export interface FlowPolicy {
  readonly side: "egress" | "ingress";
  readonly name: string;
  readonly namespace: string;
  readonly own: pulumi.Input<string>;
  readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;

function peerOf(peer: Peer, policyNamespace: string): pulumi.Input<NetworkPolicyPeer[]> | undefined {
  if ("anywhere" in peer) return undefined;
  if ("external" in peer) {
    const { cidrs, except } = peer.external;
    const blocks = (list: readonly string[]): NetworkPolicyPeer[] => list.map((cidr) => ({ ipBlock: { cidr, ...(except.length > 0 ? { except: [...except] } : {}) } }));
    return pulumi.Output.isInstance(cidrs) ? cidrs.apply(blocks) : blocks(cidrs);
  }
  const g = peer.pods;
  const podSelector = plainSelector(g.selector);
  if (g.namespace === policyNamespace) return [{ podSelector }];
  return [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": g.namespace } }, podSelector }];
}

function plainSelector(s: LabelSelector): k8s.types.input.meta.v1.LabelSelector {
  return {
    ...(s.matchLabels ? { matchLabels: { ...s.matchLabels } } : {}),
    ...(s.matchExpressions ? { matchExpressions: s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) })) } : {}),
  };
}

/** The policies a flow needs (pure): egress where the source is ours, ingress where the destination is. */
export function flowPolicies(f: Flow): FlowPolicy[] {
  const ports = f.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" }));
  // One side: the policy selects `self`'s pods and admits `other` in the given direction.
  const side = (dir: "egress" | "ingress", self: Peer, other: Peer): FlowPolicy[] => {
    if (!("pods" in self) || self.pods.own === undefined) return [];
    const g = self.pods;
    const own = self.pods.own;
    const peers = peerOf(other, g.namespace);
    const rule = { ...(peers ? { [dir === "egress" ? "to" : "from"]: peers } : {}), ports };
    const spec = { podSelector: plainSelector(g.selector), policyTypes: [dir === "egress" ? "Egress" : "Ingress"], [dir]: [rule] };
    return [{ side: dir, name: `${f.name}-${dir}`, namespace: g.namespace, own, spec }];
  };
  return [...side("egress", f.from, f.to), ...side("ingress", f.to, f.from)];
}

/** Creates the NetworkPolicies of `flow` (each after its namespace), with the reason as an annotation. */
export function allowFlow(flow: Flow, instance: string, opts: pulumi.CustomResourceOptions): k8s.networking.v1.NetworkPolicy[] {
  return flowPolicies(flow).map(
    (p) =>
      new k8s.networking.v1.NetworkPolicy(
        `${p.namespace}-${p.name}`,
        {
          metadata: { name: p.name, namespace: p.own, labels: standardLabels(flow.name, instance, "network"), annotations: { "llm-platform/flow": flow.why } },
          spec: p.spec,
        },
        opts,
      ),
  );
}

/** The pods of a workload built with selectorLabels(name, instance). */
export function workloadPods(name: string, instance: string, namespace: string, own?: pulumi.Input<string>): PodGroup {
  return { name, namespace, own, selector: { matchLabels: { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": instance } } };
}
