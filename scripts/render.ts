/**
 * Renders a stack file to Kubernetes manifests (and its stack outputs) by evaluating the real program
 * under the recording mocks, without the Pulumi engine: what `npm run sandbox` applies to the local
 * cluster, what a reviewer can read or feed to other tools, and what `npm run compare` checks a refactor
 * against (urns.json: every resource's engine URN, parent, aliases and dependencies; generated.json: the
 * values the mocks made up where a real run keeps them in state).
 *
 *   node bin/scripts/render.js <dev|prod> <output dir> [namespace]
 *
 * With a namespace, 00-namespaces.yaml and 10-objects.yaml hold only that namespace and its objects (one suite's
 * objects, e.g. `mlops`, for a reviewer or a GitOps repository to read); the other files stay whole-stack.
 */
import * as fs from "fs";
import * as path from "path";
import { chartManifests, manifestSet, writeManifests } from "./lib/manifests";
import { isSecretValue, renderStackFile, runScript, type Json, type StackName } from "./lib/render";
import { generatedFile, urnsFile } from "./lib/urnsFile";

/** outputs.json holds no secret: a secret output is written as "[secret]". */
function redact(value: unknown): unknown {
  if (isSecretValue(value as Json)) return "[secret]";
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  return value;
}

async function main(): Promise<void> {
  const [stack, out, only] = process.argv.slice(2) as [StackName, string, string | undefined];
  if ((stack !== "dev" && stack !== "prod") || !out) throw new Error("usage: render.js <dev|prod> <output dir> [namespace]");
  const { resources, registered, generated, outputs } = await renderStackFile(stack);
  const set = manifestSet(resources, only);
  if (only && set.namespaces.length === 0) throw new Error(`namespace ${JSON.stringify(only)} is not in the ${stack} stack`);
  writeManifests(out, "00-namespaces.yaml", set.namespaces);
  writeManifests(out, "10-objects.yaml", set.rest);
  // Not for kubectl: the charts' requests (values included), which `npm run compare` checks as well.
  writeManifests(out, "charts.yaml", chartManifests(resources));
  fs.writeFileSync(path.join(out, "outputs.json"), JSON.stringify(redact(outputs), null, 2));
  fs.writeFileSync(path.join(out, "urns.json"), JSON.stringify(urnsFile(registered), null, 2));
  // The mock stand-ins for values kept in state (a fresh key pair per render): compare masks them.
  fs.writeFileSync(path.join(out, "generated.json"), JSON.stringify(generatedFile(generated, registered), null, 2));
  console.log(`rendered ${stack}: ${set.namespaces.length} namespaces, ${set.rest.length} objects, ${registered.length} URNs into ${out}`);
  if (set.skipped.length) console.log(`not rendered (Helm charts need the Pulumi engine and a chart download): ${set.skipped.join(", ")}`);
}

runScript(main);
