/**
 * Will it fit? Prints a stack's declared demand (requests and limits per namespace and in total: replicas x
 * containers, HPA minimums, Jobs once) against its cluster profile (clusterNodes, clusterNodeCpu,
 * clusterNodeMemory, clusterGpuNodes, clusterGpusPerNode), then why it does not fit, if it does not. The same
 * check fails `pulumi preview`; this shows the numbers behind it. Exit code 1 when it does not fit or the
 * config is invalid.
 *
 *   node bin/scripts/capacity.js <stack>     (reads Pulumi.<stack>.yaml)
 */
import * as fs from "fs";
import * as path from "path";
import { checkFit, formatCapacityTable } from "../components/lib/capacity";
import { ConfigError, parseStackConfig, type StackConfig } from "../components/stack";
import { rawStackConfig, ROOT, runScript, stackFileConfig } from "./lib/render";

async function main(): Promise<void> {
  const stack = process.argv[2];
  if (!stack || !/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`))) {
    throw new Error(`usage: npm run capacity -- <stack> (a Pulumi.<stack>.yaml next to Pulumi.yaml; got ${JSON.stringify(stack ?? "")})`);
  }
  let parsed: StackConfig;
  try {
    parsed = parseStackConfig(rawStackConfig(stackFileConfig(stack)), undefined, { checkCapacity: false });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exitCode = 1;
    return;
  }
  const { demand, platform } = parsed;
  console.log(`${stack}: ${demand.length} workloads of ${parsed.suites.map((s) => s.name).join(", ") || "no suite"} and the add-ons\n`);
  console.log(formatCapacityTable(demand, platform.cluster));
  const problems = checkFit(demand, platform.cluster, platform.gpu.tolerations.length > 0);
  if (problems.length === 0) {
    console.log(`\nfits: every pod fits a node and the requests fit the cluster (the e2e scheduler proves the packing)`);
    return;
  }
  console.log(`\ndoes not fit (preview fails with these on llm-platform:clusterNodes):`);
  for (const p of problems) console.log(`  - ${p}`);
  process.exitCode = 1;
}

runScript(main);
