/**
 * What a module claims from the shared cluster (NodePorts, namespaces). Each slice parser returns its
 * claims; the stack parser checks them across every enabled module, so two suites can never collide.
 */
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
      if (namespaces.includes(namespace)) {
        problems.add(key, `must differ from the other namespaces (${namespaces.join(", ")}) (got ${JSON.stringify(namespace)})`);
      }
      namespaces.push(namespace);
    }
  }
}
