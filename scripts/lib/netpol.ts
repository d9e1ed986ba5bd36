/**
 * Kubernetes NetworkPolicy (networking.k8s.io/v1) evaluated offline: would a flow from one endpoint to another
 * be let through by a set of policies? Pure and dependency-free, so tests can check rendered manifests for the
 * classic mistakes (a `from: [{podSelector: {}}]` that opens a whole namespace, a default deny that forgot DNS)
 * without a cluster or a CNI. Quoted rules are from the NetworkPolicy API reference and
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/.
 *
 * Modelling limits, on purpose:
 * - Pod IPs are unknown here, so ipBlock peers match only `{ ip }` endpoints, never pods. (A CNI does match pod
 *   IPs against ipBlocks, but the docs say ipBlock is meant for cluster-external IPs, since pod IPs are ephemeral.)
 * - Named ports (`port: "http"`) need the destination's container ports; they match nothing and are reported
 *   in `warnings`, so a policy relying on them shows up instead of silently denying.
 * - Services are not modelled: policy sees the backend pod after DNAT, so pass the pod. Host-network pods and
 *   node-originated traffic (kubelet probes) are CNI-specific and out of scope.
 */

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}
export interface IpBlock { readonly cidr: string; readonly except?: readonly string[] }
export interface Peer { readonly podSelector?: LabelSelector; readonly namespaceSelector?: LabelSelector; readonly ipBlock?: IpBlock }
export type Protocol = "TCP" | "UDP" | "SCTP";
export interface PolicyPort { readonly protocol?: Protocol; readonly port?: number | string; readonly endPort?: number }
export interface IngressRule { readonly from?: readonly Peer[]; readonly ports?: readonly PolicyPort[] }
export interface EgressRule { readonly to?: readonly Peer[]; readonly ports?: readonly PolicyPort[] }
export interface PolicyLike {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec: {
    readonly podSelector?: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly IngressRule[];
    readonly egress?: readonly EgressRule[];
  };
}
export interface NsInfo { readonly name: string; readonly labels: Readonly<Record<string, string>> }
export interface PodInfo { readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly name?: string }
/** `ip`: an address outside the pod network (169.254.169.254, 8.8.8.8, the API server's IP). */
export type Endpoint = { readonly pod: PodInfo } | { readonly ip: string };
export interface FlowResult {
  readonly allowed: boolean;
  /** Names the deciding policy and rule (`ns/policy ingress[0]`), or the side no policy isolates. */
  readonly reason: string;
  /** Things the evaluator could not decide exactly (named ports), so it treated them as not matching. */
  readonly warnings: readonly string[];
}

/** Kubernetes sets this label to the namespace's name on every namespace (GA in 1.22; it cannot be changed). */
const NS_NAME_LABEL = "kubernetes.io/metadata.name";

/** matchLabels AND every matchExpression; `{}` matches everything ("an empty label selector matches all objects"). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (!has(k) || labels[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((e) => {
    const values = e.values ?? [];
    switch (e.operator) {
      case "In": return has(e.key) && values.includes(labels[e.key]);
      // NotIn and DoesNotExist match objects without the key (labels.Selector semantics).
      case "NotIn": return !has(e.key) || !values.includes(labels[e.key]);
      case "Exists": return has(e.key);
      case "DoesNotExist": return !has(e.key);
      // The API server rejects other operators: a typo here is a broken manifest, not a deny.
      default: throw new Error(`unknown label selector operator ${JSON.stringify((e as { operator: unknown }).operator)}`);
    }
  });
}

type Direction = "ingress" | "egress";
const nsOf = (p: PolicyLike) => p.metadata.namespace ?? "default";
const policyName = (p: PolicyLike) => `${nsOf(p)}/${p.metadata.name ?? "(unnamed)"}`;
const podName = (p: PodInfo) =>
  `${p.namespace}/${p.name ?? (Object.entries(p.labels).map(([k, v]) => `${k}=${v}`).join(",") || "(no labels)")}`;
const endpointName = (e: Endpoint) => ("ip" in e ? e.ip : podName(e.pod));

/**
 * API defaulting (SetDefaults_NetworkPolicySpec): with no policyTypes (absent or []), Ingress always, and Egress
 * only if the policy has at least one egress rule, so `egress: []` without policyTypes does not isolate egress.
 */
function policyTypes(p: PolicyLike): Direction[] {
  const given = p.spec.policyTypes ?? [];
  if (given.length > 0) return given.map((t) => t.toLowerCase()).filter((t): t is Direction => t === "ingress" || t === "egress");
  return (p.spec.egress ?? []).length > 0 ? ["ingress", "egress"] : ["ingress"];
}

/** "A pod is isolated for ingress if there is any NetworkPolicy that both selects the pod and has Ingress in its policyTypes" (same for egress). */
function isolating(policies: readonly PolicyLike[], pod: PodInfo, dir: Direction): PolicyLike[] {
  return policies.filter((p) => nsOf(p) === pod.namespace && selectorMatches(p.spec.podSelector ?? {}, pod.labels) && policyTypes(p).includes(dir));
}

function parseIp(text: string): { v6: boolean; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split(".").map(Number);
    return parts.every((n) => n <= 255) ? { v6: false, value: parts.reduce((acc, n) => (acc << 8n) | BigInt(n), 0n) } : undefined;
  }
  if (!text.includes(":")) return undefined;
  // IPv6: at most one "::"; a trailing dotted quad counts as two groups (::ffff:10.0.0.1).
  let s = text;
  const quad = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (quad) {
    const v4 = parseIp(quad[1]);
    if (!v4) return undefined;
    s = s.slice(0, -quad[1].length) + ((v4.value >> 16n).toString(16) + ":" + (v4.value & 0xffffn).toString(16));
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { v6: true, value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** An address of another family never matches (no IPv4-mapped IPv6 equivalence). Bad input throws: the API rejects it. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [addr, len, ...rest] = cidr.split("/");
  const net = parseIp(addr);
  const bits = net?.v6 ? 128 : 32;
  const prefix = Number(len);
  if (!net || rest.length > 0 || !/^\d{1,3}$/.test(len ?? "") || prefix > bits) throw new Error(`invalid CIDR ${cidr}`);
  const target = parseIp(ip);
  if (!target) throw new Error(`invalid IP address ${ip}`);
  if (target.v6 !== net.v6) return false;
  const shift = BigInt(bits - prefix);
  return target.value >> shift === net.value >> shift;
}

/**
 * One peer against the other end. "podSelector: selects particular Pods in the same namespace as the
 * NetworkPolicy"; "namespaceSelector: selects particular namespaces for which all Pods should be allowed"; both in
 * one peer select pods matching podSelector in namespaces matching namespaceSelector (AND).
 */
function peerMatches(peer: Peer, policyNs: string, other: Endpoint, nsLabels: (ns: string) => Readonly<Record<string, string>>): boolean {
  // ipBlock: the cidr, minus "except" ranges. Pods never match (their IPs are not modelled, see the top).
  if ("ip" in other) return peer.ipBlock !== undefined && cidrContains(peer.ipBlock.cidr, other.ip) && !(peer.ipBlock.except ?? []).some((c) => cidrContains(c, other.ip));
  if (peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) return false;
  const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, nsLabels(other.pod.namespace)) : other.pod.namespace === policyNs;
  return nsOk && selectorMatches(peer.podSelector ?? {}, other.pod.labels);
}

/** "protocol ... defaults to TCP"; no port: all ports of that protocol; endPort: the inclusive range port..endPort. */
function portMatches(pp: PolicyPort, port: number, protocol: Protocol, where: string, warnings: string[]): boolean {
  if ((pp.protocol ?? "TCP") !== protocol) return false;
  if (pp.port === undefined) return true;
  if (typeof pp.port === "string") {
    warnings.push(`${where}: named port "${pp.port}" cannot be resolved (container ports are not modelled); treated as no match`);
    return false;
  }
  return pp.endPort !== undefined ? port >= pp.port && port <= pp.endPort : port === pp.port;
}

/** One side of the flow: egress of the source pod, or ingress of the destination pod. */
function decideSide(
  dir: Direction, policies: readonly PolicyLike[], self: PodInfo, other: Endpoint, port: number, protocol: Protocol,
  nsLabels: (ns: string) => Readonly<Record<string, string>>, warnings: string[],
): { allowed: boolean; reason: string } {
  const iso = isolating(policies, self, dir);
  if (iso.length === 0) return { allowed: true, reason: `no policy isolates ${podName(self)} for ${dir}` };
  // Policies are additive: the union of the rules of every isolating policy; order never matters.
  for (const p of iso) {
    const rules: readonly (IngressRule & EgressRule)[] = (dir === "ingress" ? p.spec.ingress : p.spec.egress) ?? [];
    for (const [i, rule] of rules.entries()) {
      const where = `${policyName(p)} ${dir}[${i}]`;
      // "If this field is empty or missing, this rule matches all sources/destinations" and "all ports".
      const peers = (dir === "ingress" ? rule.from : rule.to) ?? [];
      if (peers.length > 0 && !peers.some((peer) => peerMatches(peer, nsOf(p), other, nsLabels))) continue;
      const ports = rule.ports ?? [];
      if (ports.length > 0 && !ports.some((pp) => portMatches(pp, port, protocol, where, warnings))) continue;
      return { allowed: true, reason: `${dir} allowed by ${where}` };
    }
  }
  const names = iso.map(policyName).join(", ");
  return { allowed: false, reason: `${dir} of ${podName(self)} isolated by ${names}; no rule allows ${endpointName(other)} on ${protocol}/${port}` };
}

/**
 * A pod-to-pod flow needs both the source's egress and the destination's ingress; with an `{ ip }` end only the
 * pod end's policies apply. Namespaces missing from `namespaces` get just their kubernetes.io/metadata.name label.
 */
export function evaluateFlow(
  policies: readonly PolicyLike[], namespaces: readonly NsInfo[], from: Endpoint, to: Endpoint, port: number, protocol: Protocol = "TCP",
): FlowResult {
  const known = new Map(namespaces.map((n) => [n.name, n.labels]));
  const nsLabels = (ns: string) => ({ ...known.get(ns), [NS_NAME_LABEL]: ns });
  const warnings: string[] = [];
  const sides = [
    ...("pod" in from ? [decideSide("egress", policies, from.pod, to, port, protocol, nsLabels, warnings)] : []),
    ...("pod" in to ? [decideSide("ingress", policies, to.pod, from, port, protocol, nsLabels, warnings)] : []),
  ];
  if (sides.length === 0) return { allowed: true, reason: "no pod end: NetworkPolicy does not apply", warnings };
  const denied = sides.filter((s) => !s.allowed);
  return { allowed: denied.length === 0, reason: (denied.length > 0 ? denied : sides).map((s) => s.reason).join("; "), warnings };
}

/** A rendered manifest as plain JSON; the Manifest of manifests.ts fits. */
export interface ManifestLike { readonly kind?: unknown; readonly metadata?: unknown; readonly spec?: unknown; readonly [field: string]: unknown }

const field = (o: unknown, key: string): unknown => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined);
const stringMap = (o: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(o !== null && typeof o === "object" ? o : {}).filter((e): e is [string, string] => typeof e[1] === "string"));

/**
 * One PodInfo per workload, from its pod template (the pod's own labels for a bare Pod). Job pods also get the
 * job-name labels the API server adds unless spec.manualSelector is true; a CronJob's job names carry a
 * schedule-time suffix, so its pods get only the template labels.
 */
export function podsOf(manifests: readonly ManifestLike[]): PodInfo[] {
  const templates: Record<string, (m: ManifestLike) => unknown> = {
    Deployment: (m) => field(m.spec, "template"), StatefulSet: (m) => field(m.spec, "template"),
    DaemonSet: (m) => field(m.spec, "template"), ReplicaSet: (m) => field(m.spec, "template"),
    Job: (m) => field(m.spec, "template"), CronJob: (m) => field(field(field(m.spec, "jobTemplate"), "spec"), "template"),
    Pod: (m) => m,
  };
  return manifests.flatMap((m) => {
    const template = typeof m.kind === "string" && Object.hasOwn(templates, m.kind) ? templates[m.kind](m) : undefined;
    if (template === undefined) return [];
    const name = field(m.metadata, "name");
    const namespace = field(m.metadata, "namespace");
    const labels = stringMap(field(field(template, "metadata"), "labels"));
    if (m.kind === "Job" && typeof name === "string" && field(m.spec, "manualSelector") !== true) {
      Object.assign(labels, { "batch.kubernetes.io/job-name": name, "job-name": name });
    }
    return [{ namespace: typeof namespace === "string" ? namespace : "default", labels, ...(typeof name === "string" ? { name } : {}) }];
  });
}

/** Namespace objects; kubernetes.io/metadata.name is always the name, as the API server enforces. */
export function namespacesOf(manifests: readonly ManifestLike[]): NsInfo[] {
  return manifests.flatMap((m) => {
    const name = field(m.metadata, "name");
    if (m.kind !== "Namespace" || typeof name !== "string") return [];
    return [{ name, labels: { ...stringMap(field(m.metadata, "labels")), [NS_NAME_LABEL]: name } }];
  });
}

/** The NetworkPolicy objects among manifests. */
export function policiesOf(manifests: readonly ManifestLike[]): PolicyLike[] {
  return manifests.filter((m) => m.kind === "NetworkPolicy" && field(m, "spec") !== undefined) as unknown as PolicyLike[];
}
