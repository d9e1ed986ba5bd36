/**
 * Pulumi URNs and aliases, computed the way the engine computes them (pkg/resource/deploy/step_generator.go:
 * collapseAliasToUrn, inheritedChildAlias, generateAliases), so a render can tell whether a refactor keeps
 * every resource's identity: a URN that disappears without an alias covering it means delete + create.
 * Pure: no Pulumi runtime, no resources.
 */

/** One alias as the SDK sends it to the monitor: a whole URN, or a spec whose empty fields default. */
export interface AliasSpec {
  readonly urn?: string;
  readonly name?: string;
  readonly type?: string;
  readonly stack?: string;
  readonly project?: string;
  /** The alias's parent. The SDK fills in the resource's current parent when the alias names none. */
  readonly parentUrn?: string;
  /** The alias had no parent (`parent: undefined`): it names a top-level resource. */
  readonly noParent?: boolean;
}

/** What alias resolution needs of a registered resource. */
export interface UrnRecord {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly aliases: readonly AliasSpec[];
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface ParsedUrn {
  readonly stack: string;
  readonly project: string;
  /** The parent type chain and the type, `$`-joined. */
  readonly qualifiedType: string;
  readonly type: string;
  readonly name: string;
}

export function parseUrn(urn: string): ParsedUrn {
  if (!urn.startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${urn}`);
  const [stack, project, qualifiedType, ...name] = urn.slice("urn:pulumi:".length).split("::");
  if (qualifiedType === undefined || name.length === 0) throw new Error(`not a Pulumi URN: ${urn}`);
  const types = qualifiedType.split("$");
  // A name may itself contain "::"; everything after the type is the name.
  return { stack, project, qualifiedType, type: types[types.length - 1], name: name.join("::") };
}

/**
 * The URN the engine gives `name` of `type` under `parent`: the parent's whole type chain, then the type.
 * (The SDK's MockMonitor keeps only the parent's last type, so its URNs differ below the second level.)
 */
export function createUrn(name: string, type: string, parent: string | undefined, project: string, stack: string): string {
  const parentType = parent ? parseUrn(parent).qualifiedType : undefined;
  const prefix = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$` : "";
  return `urn:pulumi:${stack}::${project}::${prefix}${type}::${name}`;
}

/**
 * The alias a child inherits from one alias of its parent: the child's URN re-rooted under the parent's old
 * URN; a child named `<parent name>-x` is renamed `<old parent name>-x` (the `${name}-<role>` convention).
 */
export function inheritedChildAlias(
  childType: string,
  childName: string,
  parentName: string,
  parentAlias: string,
  project: string,
  stack: string,
): string {
  const oldName = parseUrn(parentAlias).name;
  const aliasName = childName.startsWith(parentName) ? oldName + childName.slice(parentName.length) : childName;
  return createUrn(aliasName, childType, parentAlias, project, stack);
}

/** A URN a resource may have had before, and why (for the report). */
export interface ResolvedAlias {
  readonly urn: string;
  readonly via: string;
}

/**
 * Every URN each resource may have had before, keyed by its URN: its own aliases, plus for every alias of its
 * parent (recursively, so a renamed component renames its whole subtree) the inherited child alias of the
 * resource and of each of its own aliases. The engine tries these against the old state one by one; as a set
 * they are what a before-URN may be matched against.
 */
export function resolveAliases(records: readonly UrnRecord[]): Map<string, ResolvedAlias[]> {
  const byUrn = new Map(records.map((r) => [r.urn, r]));
  const memo = new Map<string, ResolvedAlias[]>();

  const aliasesOf = (r: UrnRecord): ResolvedAlias[] => {
    const known = memo.get(r.urn);
    if (known) return known;
    const { project, stack } = parseUrn(r.urn);
    const out = new Map<string, string>();
    const add = (urn: string, via: string) => {
      if (urn !== r.urn && !out.has(urn)) out.set(urn, via);
    };
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const own: string[] = [];
    for (const a of r.aliases) {
      if (a.urn) {
        own.push(a.urn);
        add(a.urn, "own alias (URN)");
        continue;
      }
      const name = a.name || r.name;
      const type = a.type || r.type;
      const aliasParent = a.noParent ? undefined : a.parentUrn || r.parent;
      const p = a.project || project;
      const s = a.stack || stack;
      const urn = createUrn(name, type, aliasParent, p, s);
      own.push(urn);
      add(urn, `own alias ${JSON.stringify(a)}`);
      // The engine swaps in the old URN of an alias's parent when that parent itself was found by an alias.
      const aliasParentRecord = aliasParent ? byUrn.get(aliasParent) : undefined;
      for (const old of aliasParentRecord ? aliasesOf(aliasParentRecord) : []) {
        add(createUrn(name, type, old.urn, p, s), `own alias ${JSON.stringify(a)} under the parent's old URN ${old.urn}`);
      }
    }
    for (const pa of parent ? aliasesOf(parent) : []) {
      const parentName = parent?.name ?? "";
      add(inheritedChildAlias(r.type, r.name, parentName, pa.urn, project, stack), `inherited from parent alias ${pa.urn}`);
      for (const u of own) {
        const c = parseUrn(u);
        add(inheritedChildAlias(c.type, c.name, parentName, pa.urn, project, stack), `own alias ${u} re-rooted under parent alias ${pa.urn}`);
      }
    }
    const result = [...out].map(([urn, via]) => ({ urn, via })).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    memo.set(r.urn, result);
    return result;
  };

  return new Map(records.map((r) => [r.urn, aliasesOf(r)]));
}

export interface UrnComparison {
  /** Before-URNs that the after render has unchanged. */
  readonly kept: number;
  /** Before-URNs found only as an alias: the resource was renamed and keeps its identity. */
  readonly renamed: ReadonlyArray<{ readonly before: string; readonly after: string; readonly via: string }>;
  /** Before-URNs no after resource is or aliases: the engine would delete them (and create the new ones). */
  readonly uncovered: readonly string[];
  /** After-URNs that are new and claim no before-URN. */
  readonly added: readonly string[];
  /** Before-URNs claimed by more than one after resource (the engine rejects that). */
  readonly ambiguous: ReadonlyArray<{ readonly before: string; readonly claimants: readonly string[] }>;
}

export function compareUrns(before: readonly string[], after: readonly UrnRecord[]): UrnComparison {
  const afterUrns = new Set(after.map((r) => r.urn));
  const claims = new Map<string, Array<{ urn: string; via: string }>>();
  for (const [urn, aliases] of resolveAliases(after)) {
    for (const a of aliases) claims.set(a.urn, [...(claims.get(a.urn) ?? []), { urn, via: a.via }]);
  }
  const beforeSet = new Set(before);
  let kept = 0;
  const renamed: Array<{ before: string; after: string; via: string }> = [];
  const uncovered: string[] = [];
  const ambiguous: Array<{ before: string; claimants: string[] }> = [];
  const claimed = new Set<string>();
  for (const urn of [...beforeSet].sort()) {
    if (afterUrns.has(urn)) {
      kept++;
      continue;
    }
    // A resource that still exists under its old URN cannot take that URN over; only new URNs may claim it.
    const claimants = (claims.get(urn) ?? []).filter((c) => !beforeSet.has(c.urn));
    if (claimants.length === 0) uncovered.push(urn);
    else {
      if (claimants.length > 1) ambiguous.push({ before: urn, claimants: claimants.map((c) => c.urn) });
      renamed.push({ before: urn, after: claimants[0].urn, via: claimants[0].via });
      claimants.forEach((c) => claimed.add(c.urn));
    }
  }
  const added = [...afterUrns].filter((u) => !beforeSet.has(u) && !claimed.has(u)).sort();
  return { kept, renamed, uncovered, added, ambiguous };
}
