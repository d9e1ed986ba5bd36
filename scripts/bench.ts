/**
 * Benchmark: how long the program takes to evaluate (what every `pulumi preview` pays before talking to
 * the cluster), per stack file, under Pulumi mocks. Prints numbers; asserts nothing.
 *
 *   npm run bench [-- <iterations>]
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, settle, stackFileConfig, type StackName } from "./lib/render";

class CountingMocks implements pulumi.runtime.Mocks {
  count = 0;
  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    this.count++;
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type === "random:index/randomPassword:RandomPassword") state.result = `bench-${args.name}`;
    return { id: `${args.name}-id`, state };
  }
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    throw new Error(`unmocked call ${args.token}`);
  }
}

async function renderOnce(stack: StackName, programPath: string): Promise<{ ms: number; resources: number }> {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(path.dirname(programPath)) && !key.includes("node_modules")) delete require.cache[key];
  }
  const mocks = new CountingMocks();
  const started = process.hrtime.bigint();
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  pulumi.runtime.setAllConfig(stackFileConfig(stack), []);
  // The program runs at module load, like under the CLI; the cache was cleared above so it runs again.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(programPath);
  // Ends when the last registration is answered (no idle timer padding the measurement).
  await settle();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, resources: mocks.count };
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 5);
  const programPath = path.resolve(__dirname, "..", "index.js");
  process.setMaxListeners(iterations * 4 + 10);
  console.log(`program evaluation under mocks, ${iterations} runs per stack (first run includes module loading)`);
  console.log("stack  resources  first_ms  mean_ms  min_ms  max_ms");
  for (const stack of ["dev", "prod"] as const) {
    const runs: number[] = [];
    let resources = 0;
    for (let i = 0; i < iterations + 1; i++) {
      const r = await renderOnce(stack, programPath);
      runs.push(r.ms);
      resources = r.resources;
    }
    const [first, ...rest] = runs;
    const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
    console.log(
      `${stack.padEnd(6)} ${String(resources).padStart(9)} ${first.toFixed(0).padStart(9)} ${mean.toFixed(0).padStart(8)} ${Math.min(...rest).toFixed(0).padStart(7)} ${Math.max(...rest).toFixed(0).padStart(7)}`,
    );
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
