/**
 * What a module claims from the shared cluster (NodePorts, namespaces). Each slice parser returns its
 * claims; the stack parser checks them across every enabled module, so two suites can never collide.
 */
import { formatCpu, formatMemory, parseCpu, parseMemory, type WorkloadDemand } from "../lib/capacity";
import type { Problems } from "./reader";

export interface HostClaim {
  readonly key: string;
  /** A public host (ingress and gateway modes): one route group, one listener, one certificate. */
  readonly host: string;
  /** The namespace its routes live in (the Gateway admits routes from these namespaces only). */
  readonly namespace: string;
}

export interface Claims {
  readonly nodePorts: readonly { readonly key: string; readonly port: number }[];
  readonly namespaces: readonly { readonly key: string; readonly namespace: string }[];
  /** Public hosts; only under exposure gateway or ingress. */
  readonly hosts?: readonly HostClaim[];
}

export const NO_CLAIMS: Claims = { nodePorts: [], namespaces: [] };

/** Namespaces Kubernetes itself keeps (and every kube-* one): never the platform's. */
export const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** A ResourceQuota a module sets on its namespace from config: it must admit the module's own pods. */
export interface NamespaceQuota {
  readonly namespace: string;
  readonly cpu: { readonly key: string; readonly value: string };
  readonly memory: { readonly key: string; readonly value: string };
}

/**
 * Every quota below its namespace's own demand (the requests of its pods at their most: the HPA maximum where one
 * scales them), on the quota's key: such a quota would refuse the module's own pods.
 */
export function checkQuotas(problems: Problems, quotas: readonly NamespaceQuota[], demand: readonly WorkloadDemand[]): void {
  for (const q of quotas) {
    const mine = demand.filter((d) => d.namespace === q.namespace);
    const sum = (f: (d: WorkloadDemand) => number) => mine.reduce((n, d) => n + (d.maxPods ?? d.pods) * f(d), 0);
    const cpu = sum((d) => d.perPod.requests.cpuMilli);
    const memory = sum((d) => d.perPod.requests.memoryBytes);
    if (parseCpu(q.cpu.value) < cpu) problems.add(q.cpu.key, `must be at least ${formatCpu(cpu)}, what ${q.namespace}'s own pods request at their most (got ${q.cpu.value}): a smaller quota refuses them`);
    if (parseMemory(q.memory.value) < memory) problems.add(q.memory.key, `must be at least ${formatMemory(memory)}, what ${q.namespace}'s own pods request at their most (got ${q.memory.value}): a smaller quota refuses them`);
  }
}

/** Reports every NodePort, namespace or public host claimed twice, on the later key. */
export function checkClaims(problems: Problems, claims: readonly Claims[]): void {
  const ports = new Map<number, string>();
  const namespaces: string[] = [];
  const hosts = new Map<string, string>();
  for (const c of claims) {
    for (const { key, host } of c.hosts ?? []) {
      const other = hosts.get(host);
      if (other) problems.add(key, `must differ from ${other} (${host}): each public host is served by one module`);
      else hosts.set(host, key);
    }
    for (const { key, port } of c.nodePorts) {
      const other = ports.get(port);
      if (other) problems.add(key, `duplicates ${other} (${port}); every NodePort must be unique`);
      else ports.set(port, key);
    }
    for (const { key, namespace } of c.namespaces) {
      if (RESERVED_NAMESPACES.includes(namespace) || namespace.startsWith("kube-")) {
        problems.add(key, `must not be ${JSON.stringify(namespace)}: the platform owns its namespaces (a default-deny NetworkPolicy, a quota, Pod Security labels, deletion on destroy), which would break Kubernetes' own (${RESERVED_NAMESPACES.join(", ")}, kube-*); choose a namespace of its own`);
      }
      if (namespaces.includes(namespace)) {
        problems.add(key, `must differ from the other namespaces (${namespaces.join(", ")}) (got ${JSON.stringify(namespace)})`);
      }
      namespaces.push(namespace);
    }
  }
}
