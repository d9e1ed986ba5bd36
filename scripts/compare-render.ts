/**
 * Compares two renders (scripts/render.ts output dirs), e.g. before and after a refactor that must not change
 * what gets deployed:
 *   - Kubernetes objects, keyed apiVersion/kind/namespace/name, as normalized objects: added, removed and
 *     changed ones with the changed fields. A `checksum/*` pod annotation is forgiven only when every
 *     ConfigMap/Secret the pod reads is unchanged. Values the mocks generate where a real run keeps them in
 *     state (the key pair, passwords: generated.json) are masked.
 *   - URNs: every before-URN must still exist or be covered by an alias of an after resource, resolved the
 *     way the engine resolves them (own aliases, and aliases inherited from renamed parents), or the engine
 *     would delete and recreate it.
 * Exits 1 when an object differs or a before-URN is not covered.
 *
 *   node bin/scripts/compare-render.js <before dir> <after dir>
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { compareObjects, formatChange, maskGenerated } from "./lib/compare";
import { runScript, type Json } from "./lib/render";
import { compareUrns } from "./lib/urns";
import { readGeneratedFile, readUrnsFile } from "./lib/urnsFile";

/** The objects and the Helm chart requests (charts.yaml) of a render. */
function readObjects(dir: string): Json[] {
  return ["00-namespaces.yaml", "10-objects.yaml", "charts.yaml"].flatMap((f) => {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: is ${dir} the output of render.js?`);
    return (yaml.loadAll(fs.readFileSync(file, "utf8")) as Json[]).filter((o) => o !== null);
  });
}

async function main(): Promise<void> {
  const [beforeDir, afterDir] = process.argv.slice(2);
  if (!beforeDir || !afterDir) throw new Error("usage: compare-render.js <before dir> <after dir>");
  let failed = false;

  // URNs first: a renamed resource keeps its state, so its generated values are masked alike on both sides.
  const beforeUrns = readUrnsFile(beforeDir);
  const afterUrns = readUrnsFile(afterDir);
  const urns = compareUrns(
    beforeUrns.map((u) => u.urn),
    afterUrns.map((u) => ({ ...u, parent: u.parent ?? undefined, aliases: u.aliasSpecs })),
  );
  console.log(
    `URNs: ${beforeUrns.length} before, ${afterUrns.length} after: ${urns.kept} kept, ${urns.renamed.length} renamed and covered by an alias, ` +
      `${urns.uncovered.length} not covered, ${urns.added.length} new`,
  );
  for (const r of urns.renamed) console.log(`  renamed ${r.before}\n       -> ${r.after}\n          by ${r.via}`);
  for (const u of urns.uncovered) console.log(`  NOT COVERED (the engine would delete it) ${u}`);
  for (const a of urns.ambiguous) console.log(`  CLAIMED TWICE (the engine rejects this) ${a.before} by ${a.claimants.join(", ")}`);
  for (const u of urns.added) console.log(`  new ${u}`);
  if (urns.uncovered.length > 0 || urns.ambiguous.length > 0) failed = true;

  const renamedTo = new Map(urns.renamed.map((r) => [r.before, r.after]));
  const masks = (dir: string, rename: (urn: string) => string) =>
    readGeneratedFile(dir).map((g) => ({ value: g.value, placeholder: `<generated ${g.field} of ${rename(g.urn)}>` }));
  const beforeMasks = masks(beforeDir, (u) => renamedTo.get(u) ?? u);
  const afterMasks = masks(afterDir, (u) => u);
  const objects = compareObjects(
    readObjects(beforeDir).map((o) => maskGenerated(o, beforeMasks)),
    readObjects(afterDir).map((o) => maskGenerated(o, afterMasks)),
  );
  console.log(
    `objects: ${objects.before} before, ${objects.after} after: ${objects.added.length} added, ${objects.removed.length} removed, ` +
      `${objects.changed.length} changed, ${objects.checksumOnly.length} with only a checksum annotation changed (inputs unchanged: ignored)`,
  );
  for (const k of objects.added) console.log(`  + ${k}`);
  for (const k of objects.removed) console.log(`  - ${k}`);
  for (const c of objects.changed) {
    console.log(`  ~ ${c.key}`);
    for (const f of c.changes) console.log(`      ${formatChange(f)}`);
    for (const n of c.notes) console.log(`      note: ${n}`);
  }
  for (const c of objects.checksumOnly) console.log(`  (ignored) ${c.key}: ${c.ignored.map((f) => formatChange(f, 20)).join("; ")}`);
  if (objects.added.length + objects.removed.length + objects.changed.length > 0) failed = true;

  console.log(failed ? "DIFFERENT" : "same objects, every URN kept or aliased");
  process.exitCode = failed ? 1 : 0;
}

runScript(main);
