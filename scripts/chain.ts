/**
 * The longest chain of resources a first `pulumi up` of a stack file must create one after another (each
 * waits for the previous one's outputs or dependsOn), and how many resources it creates in all.
 *
 *   node bin/scripts/chain.js <dev|prod>
 */
import { longestChain } from "./lib/chain";
import { renderStackFile, runScript, type StackName } from "./lib/render";

async function main(): Promise<void> {
  const stack = process.argv[2] as StackName;
  if (stack !== "dev" && stack !== "prod") throw new Error("usage: chain.js <dev|prod>");
  const { registered } = await renderStackFile(stack);
  const chain = longestChain(registered);
  console.log(`${stack}: ${chain.created} custom resources (remote Helm charts counted as one each)`);
  console.log(`longest create-time chain: ${chain.nodes.length} resources`);
  chain.nodes.forEach((n, i) => console.log(`  ${String(i + 1).padStart(2)}. ${n.type} ${n.name}${n.remote ? " (remote component)" : ""}`));
}

runScript(main);
