/**
 * Renders a stack file to Kubernetes manifests (and its stack outputs) by evaluating the real program
 * under the recording mocks, without the Pulumi engine: what `npm run sandbox` applies to the local
 * cluster, and what a reviewer can read or feed to other tools.
 *
 *   node bin/scripts/render.js <dev|prod> <output dir>
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, RecordingMocks, stackFileConfig, type StackName } from "../tests/helpers/harness";
import { manifestSet, writeManifests } from "../tests/e2e/manifests";

async function settle(mocks: RecordingMocks): Promise<void> {
  let last = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 5));
    stable = mocks.resources.length === last ? stable + 1 : 0;
    last = mocks.resources.length;
  }
}

/** Plain values of the stack outputs; secret outputs are replaced by "[secret]". */
async function plain(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    if (await pulumi.isSecret(output)) return "[secret]";
    return plain(await new Promise((r) => output.apply((v) => r(v))));
  }
  if (Array.isArray(value)) return Promise.all(value.map(plain));
  if (value && typeof value === "object") {
    return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await plain(v)] as const)));
  }
  return value;
}

async function main(): Promise<void> {
  const [stack, out] = process.argv.slice(2) as [StackName, string];
  if ((stack !== "dev" && stack !== "prod") || !out) throw new Error("usage: render.js <dev|prod> <output dir>");
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  pulumi.runtime.setAllConfig(stackFileConfig(stack), []);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.resolve(__dirname, "..", "index.js")) as Record<string, unknown>;
  const outputs = await plain({ ...program });
  await settle(mocks);
  const set = manifestSet(mocks.resources);
  writeManifests(out, "00-namespaces.yaml", set.namespaces);
  writeManifests(out, "10-objects.yaml", set.rest);
  fs.writeFileSync(path.join(out, "outputs.json"), JSON.stringify(outputs, null, 2));
  console.log(`rendered ${stack}: ${set.namespaces.length} namespaces, ${set.rest.length} objects into ${out}`);
  if (set.skipped.length) console.log(`not rendered (Helm charts need the Pulumi engine and a chart download): ${set.skipped.join(", ")}`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
