/** urns.json: the identity of every resource of a render, as `npm run compare` reads it back. */
import * as fs from "fs";
import * as path from "path";
import type { RegisteredResource } from "./registrations";
import type { GeneratedValue } from "./render";
import { resolveAliases, type AliasSpec } from "./urns";

export interface UrnEntry {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly custom: boolean;
  readonly remote: boolean;
  /** Every URN the resource may have had before (own and inherited aliases, resolved). */
  readonly aliases: readonly string[];
  /** The aliases as the program declared them: compare resolves these itself. */
  readonly aliasSpecs: readonly AliasSpec[];
  readonly dependencies: readonly string[];
}

/** Sorted by URN so two renders of the same program are byte-identical. */
export function urnsFile(registered: readonly RegisteredResource[]): UrnEntry[] {
  const aliases = resolveAliases(registered);
  return [...registered]
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      custom: r.custom,
      remote: r.remote,
      aliases: (aliases.get(r.urn) ?? []).map((a) => a.urn),
      aliasSpecs: r.aliases,
      dependencies: [...r.dependencies].sort(),
    }));
}

export function readUrnsFile(dir: string): UrnEntry[] {
  return JSON.parse(fs.readFileSync(path.join(dir, "urns.json"), "utf8")) as UrnEntry[];
}

/** generated.json: the values the mocks made up, by resource URN, so compare can mask them. */
export interface GeneratedEntry {
  readonly urn: string;
  readonly field: string;
  readonly value: string;
}

export function generatedFile(generated: readonly GeneratedValue[], registered: readonly RegisteredResource[]): GeneratedEntry[] {
  return generated
    .map((g) => {
      // newResource does not see the URN; type and name identify the resource (a URN ends in both).
      const matches = registered.filter((r) => r.type === g.type && r.name === g.name);
      const urn = matches.length === 1 ? matches[0].urn : `${g.type}::${g.name}`;
      return { urn, field: g.field, value: g.value };
    })
    .sort((a, b) => (a.urn + a.field < b.urn + b.field ? -1 : 1));
}

export function readGeneratedFile(dir: string): GeneratedEntry[] {
  const file = path.join(dir, "generated.json");
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as GeneratedEntry[]) : [];
}
