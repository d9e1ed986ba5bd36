/**
 * What a module claims from the shared cluster (NodePorts, namespaces). Each slice parser returns its
 * claims; the stack parser checks them across every enabled module, so two suites can never collide.
 */
import type { Problems } from "./reader";

export interface Claims {
  readonly nodePorts: readonly { readonly key: string; readonly port: number }[];
  readonly namespaces: readonly { readonly key: string; readonly namespace: string }[];
}

export const NO_CLAIMS: Claims = { nodePorts: [], namespaces: [] };

/** Reports every NodePort or namespace claimed twice, on the later key. */
export function checkClaims(problems: Problems, claims: readonly Claims[]): void {
  const ports = new Map<number, string>();
  const namespaces: string[] = [];
  for (const c of claims) {
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
