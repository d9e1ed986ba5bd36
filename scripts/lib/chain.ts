/**
 * The longest chain of resources that must be created one after another: what bounds the wall time of a
 * first `pulumi up` however parallel the engine runs. Pure: works on recorded registrations.
 */

/** What the chain needs of a registration (a RegisteredResource fits). */
export interface ChainNode {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly custom: boolean;
  /** Remote components (helm.v4.Chart) count as one step: the engine creates their objects in the provider. */
  readonly remote: boolean;
  /** URNs the engine waits for before creating this one. */
  readonly dependencies: readonly string[];
}

export interface Chain {
  /** First created first. */
  readonly nodes: readonly ChainNode[];
  /** Resources that are created at all (custom or remote): the nodes of the graph. */
  readonly created: number;
}

/**
 * Longest path in the "waits for" graph over created resources. A dependency on a local component stands for
 * its created descendants (the SDK already expands dependsOn that way; this also covers a URN left as is).
 * Ties go to the path whose URNs sort first, so the answer is stable from run to run.
 */
export function longestChain(resources: readonly ChainNode[]): Chain {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const isCreated = (r: ChainNode) => r.custom || r.remote;
  const children = new Map<string, ChainNode[]>();
  for (const r of resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);

  const createdUnder = (urn: string): string[] => {
    const r = byUrn.get(urn);
    if (!r) return [];
    if (isCreated(r)) return [urn];
    return (children.get(urn) ?? []).flatMap((c) => createdUnder(c.urn));
  };

  const waitsFor = (r: ChainNode): string[] => [...new Set(r.dependencies.flatMap(createdUnder))].filter((u) => u !== r.urn).sort();

  // Longest chain ending at each node, memoized; `visiting` turns a cycle into an error, not a stack overflow.
  const memo = new Map<string, string[]>();
  const visiting = new Set<string>();
  const chainTo = (urn: string): string[] => {
    const known = memo.get(urn);
    if (known) return known;
    if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
    visiting.add(urn);
    let best: string[] = [];
    for (const dep of waitsFor(byUrn.get(urn) as ChainNode)) {
      const candidate = chainTo(dep);
      if (candidate.length > best.length || (candidate.length === best.length && candidate.join(" ") < best.join(" "))) best = candidate;
    }
    visiting.delete(urn);
    const result = [...best, urn];
    memo.set(urn, result);
    return result;
  };

  let longest: string[] = [];
  const created = resources.filter(isCreated).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  for (const r of created) {
    const c = chainTo(r.urn);
    if (c.length > longest.length) longest = c;
  }
  return { nodes: longest.map((u) => byUrn.get(u) as ChainNode), created: created.length };
}
