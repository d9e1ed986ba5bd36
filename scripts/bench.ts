/**
 * Benchmark: how long the program takes to evaluate (what every `pulumi preview` pays before talking to
 * the cluster), per stack file, under Pulumi mocks. Prints numbers; asserts nothing.
 *
 * Then the watcher scaling of the context engine: the dev stack with 1 and with 500 repositories, the
 * difference per watcher.
 *
 *   npm run bench [-- <iterations>]
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { clusterObject, PROJECT, settle, stackFileConfig, type StackName } from "./lib/render";

class CountingMocks implements pulumi.runtime.Mocks {
  count = 0;
  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    // A read of what the cluster has (the API server's EndpointSlice): answered as the render's mocks answer it.
    if (args.id) return { id: args.id, state: clusterObject(args.type, args.id) };
    this.count++;
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type === "random:index/randomPassword:RandomPassword") state.result = `bench-${args.name}`;
    return { id: `${args.name}-id`, state };
  }
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    throw new Error(`unmocked call ${args.token}`);
  }
}

async function renderOnce(stack: StackName, programPath: string, overrides: Record<string, string> = {}): Promise<{ ms: number; resources: number }> {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(path.dirname(programPath)) && !key.includes("node_modules")) delete require.cache[key];
  }
  const mocks = new CountingMocks();
  const started = process.hrtime.bigint();
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  pulumi.runtime.setAllConfig({ ...stackFileConfig(stack), ...overrides }, []);
  // The program runs at module load, like under the CLI; the cache was cleared above so it runs again.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(programPath);
  // Ends when the last registration is answered (no idle timer padding the measurement).
  await settle();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, resources: mocks.count };
}

/** Mean of `iterations` runs after one warm-up run. */
async function measure(stack: StackName, programPath: string, iterations: number, overrides: Record<string, string> = {}): Promise<{ first: number; runs: number[]; resources: number }> {
  const runs: number[] = [];
  let resources = 0;
  for (let i = 0; i < iterations + 1; i++) {
    const r = await renderOnce(stack, programPath, overrides);
    runs.push(r.ms);
    resources = r.resources;
  }
  const [first, ...rest] = runs;
  return { first, runs: rest, resources };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function watcherScaling(programPath: string, iterations: number): Promise<void> {
  // A cluster big enough for 500 watchers, so the capacity check passes and only the evaluation is measured.
  // Its namespace quota sized for them too (the quota check refuses one below the namespace's own demand).
  const repos = (n: number) => ({
    "llm-platform:contextEngineRepositories": JSON.stringify(Array.from({ length: n }, (_, i) => `repo-${i}`)),
    "llm-platform:clusterNodes": "100",
    "llm-platform:contextEngineQuotaCpu": "1000",
    "llm-platform:contextEngineQuotaMemory": "2000Gi",
  });
  console.log(`\ncontext-engine watcher scaling (dev stack), ${iterations} runs each`);
  console.log("repositories  resources  mean_ms  min_ms");
  const results: Record<number, { ms: number; resources: number }> = {};
  for (const n of [1, 100, 500]) {
    const r = await measure("dev", programPath, iterations, repos(n));
    results[n] = { ms: mean(r.runs), resources: r.resources };
    console.log(`${String(n).padStart(12)} ${String(r.resources).padStart(10)} ${mean(r.runs).toFixed(0).padStart(8)} ${Math.min(...r.runs).toFixed(0).padStart(7)}`);
  }
  const extra = results[500].ms - results[1].ms;
  console.log(`500 repositories cost ${extra.toFixed(0)} ms more than 1: ${(extra / 499).toFixed(2)} ms per watcher (${((results[500].resources - results[1].resources) / 499).toFixed(0)} resources each)`);
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 5);
  const programPath = path.resolve(__dirname, "..", "index.js");
  process.setMaxListeners(iterations * 20 + 40);
  console.log(`program evaluation under mocks, ${iterations} runs per stack (first run includes module loading)`);
  console.log("stack  resources  first_ms  mean_ms  min_ms  max_ms");
  for (const stack of ["dev", "prod"] as const) {
    const { first, runs, resources } = await measure(stack, programPath, iterations);
    console.log(
      `${stack.padEnd(6)} ${String(resources).padStart(9)} ${first.toFixed(0).padStart(9)} ${mean(runs).toFixed(0).padStart(8)} ${Math.min(...runs).toFixed(0).padStart(7)} ${Math.max(...runs).toFixed(0).padStart(7)}`,
    );
  }
  await watcherScaling(programPath, iterations);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
