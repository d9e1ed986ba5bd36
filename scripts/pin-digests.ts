/**
 * Pins a stack's images by digest: resolves every image its enabled modules run (as Pulumi.<stack>.yaml resolves
 * them) from its registry, and writes `imageOverrides` entries `name=repo:tag@sha256:...` through the Pulumi CLI, as
 * `npm run rotate` does; with `requireImageDigests: true` the stack then refuses any image without one. Run it where
 * the registries are reachable, review the diff, and run it again to move to newer digests of the same tags.
 *
 *   npm run pin-digests -- <stack> [--dry-run] [--user <host>=<user>:<token> ...]
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { mergeCatalogues, parseImage, PLATFORM_IMAGES, resolveImages } from "../components/lib/images";
import { parseStackConfig, type StackConfig } from "../components/stack";
import { resolveDigest, type RegistryOptions } from "./lib/registry";
import { rawStackConfig, ROOT, runScript, stackFileConfig } from "./lib/render";

/** The images the stack's enabled modules run, by name, as its config resolves them. */
export function stackImages(stack: StackConfig): Record<string, string> {
  // stack.images: the settings the program resolves with (Harbor's registry when useHarborRegistry is on).
  return resolveImages(mergeCatalogues([PLATFORM_IMAGES, ...stack.suites.map((s) => s.images)]), stack.images);
}

/**
 * The imageOverrides list with every image pinned: the existing entries kept (an entry for an image now pinned is
 * replaced), one `name=reference@digest` per resolved image. Images already pinned by digest are left as they are.
 */
export async function pinnedOverrides(current: readonly string[], images: Readonly<Record<string, string>>, opts: RegistryOptions): Promise<{ overrides: string[]; pinned: string[]; failed: string[] }> {
  const entries = new Map(current.map((e) => [e.slice(0, e.indexOf("=")), e]));
  const pinned: string[] = [];
  const failed: string[] = [];
  for (const [name, ref] of Object.entries(images).sort(([a], [b]) => a.localeCompare(b))) {
    if (parseImage(ref)?.digest) continue;
    try {
      const digest = await resolveDigest(ref, opts);
      entries.set(name, `${name}=${ref}@${digest}`);
      pinned.push(`${name}: ${ref}@${digest}`);
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { overrides: [...entries.values()], pinned, failed };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const stack = args[0];
  if (!stack || !fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`))) throw new Error(`usage: npm run pin-digests -- <stack> [--dry-run] [--user <host>=<user>:<token>] (got ${JSON.stringify(stack ?? "")})`);
  const credentials: Record<string, string> = {};
  args.forEach((a, i) => {
    if (a !== "--user") return;
    const value = args[i + 1] ?? "";
    const eq = value.indexOf("=");
    if (eq <= 0) throw new Error(`--user wants <host>=<user>:<token> (got ${JSON.stringify(value)})`);
    credentials[value.slice(0, eq)] = value.slice(eq + 1);
  });
  const parsed = parseStackConfig(rawStackConfig(stackFileConfig(stack)), undefined, { checkCapacity: false });
  const current = parsed.platform.images.overrides;
  const { overrides, pinned, failed } = await pinnedOverrides(
    Object.entries(current).map(([n, r]) => `${n}=${r}`),
    stackImages(parsed),
    { credentials },
  );
  for (const p of pinned) console.log(`pinned ${p}`);
  for (const f of failed) console.error(`not pinned ${f}`);
  if (!args.includes("--dry-run")) {
    const cli = process.env.PULUMI_CLI ?? path.join(ROOT, "node_modules/.bin/pulumi");
    const pulumi = (...a: string[]) => execFileSync(cli, [...a, "--stack", stack], { cwd: ROOT, encoding: "utf8" });
    if (Object.keys(current).length > 0) pulumi("config", "rm", "imageOverrides");
    overrides.forEach((entry, i) => pulumi("config", "set", "--path", `imageOverrides[${i}]`, entry));
    console.log(`${stack}: imageOverrides has ${overrides.length} entries; set requireImageDigests: true to keep every image pinned`);
  }
  if (failed.length > 0) throw new Error(`${failed.length} image(s) could not be pinned (above): nothing else is wrong with the others`);
}

if (require.main === module) runScript(main);
