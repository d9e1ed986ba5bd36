/**
 * Rotate generated credentials: sets `credentialRotation` on a stack so the next `pulumi up` (or the pull request's
 * preview, then Deployments) generates new values for them; the stores re-key and their readers roll
 * (docs/operations.md, "Credentials"). It only edits stack config, through the Pulumi CLI; nothing is applied.
 *
 *   npm run rotate -- <stack> <secret>/<KEY> [<secret>/<KEY> ...]
 *
 * The token is the current UTC time, so rotating the same credential again later is another change.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { ROOT } from "./lib/render";

const ID = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9_.-]+$/;

/** The list with one entry per credential: `ids` get `token`, the other entries stay as they are. */
export function withRotation(current: readonly string[], ids: readonly string[], token: string): string[] {
  for (const id of ids) if (!ID.test(id)) throw new Error(`not a credential id: ${JSON.stringify(id)} (want <secret>/<KEY>, e.g. llm-stack-secrets/POSTGRES_PASSWORD)`);
  const kept = current.filter((entry) => !ids.includes(entry.slice(0, entry.lastIndexOf("="))));
  return [...kept, ...ids.map((id) => `${id}=${token}`)];
}

/** A token for now: 20261204T131500Z. */
export const rotationToken = (now: Date): string => now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

function main(): void {
  const [stack, ...ids] = process.argv.slice(2);
  if (!stack || ids.length === 0) throw new Error("usage: npm run rotate -- <stack> <secret>/<KEY> [...]");
  const cli = process.env.PULUMI_CLI ?? path.join(ROOT, "node_modules/.bin/pulumi");
  const pulumi = (...args: string[]) => execFileSync(cli, [...args, "--stack", stack], { cwd: ROOT, encoding: "utf8" });
  let current: string[] = [];
  try {
    const got = JSON.parse(pulumi("config", "get", "credentialRotation", "--json")) as { value?: string; objectValue?: unknown };
    current = Array.isArray(got.objectValue) ? got.objectValue.map(String) : (JSON.parse(got.value ?? "[]") as string[]);
  } catch {
    // Not set yet.
  }
  const next = withRotation(current, ids, rotationToken(new Date()));
  if (current.length > 0) pulumi("config", "rm", "credentialRotation");
  next.forEach((entry, i) => pulumi("config", "set", "--path", `credentialRotation[${i}]`, entry));
  console.log(`${stack}: credentialRotation is now\n${next.map((e) => `  - ${e}`).join("\n")}\nRun \`pulumi preview --stack ${stack}\` to see what rolls, then \`pulumi up\` (or push Pulumi.${stack}.yaml for review).`);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
