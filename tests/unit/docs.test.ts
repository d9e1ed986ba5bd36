import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parseStackConfig, stackSchema } from "../../components/stack";
import { CONFIG_DOC, renderConfigDoc, renderPulumiYaml } from "../../scripts/docs";
import { ROOT, stackFileConfig, type StackName } from "../helpers/harness";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
/** The pages a newcomer is sent to from the README. */
const DOCS = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`);
const PAGES = ["README.md", ...DOCS];

/** A Markdown text without its fenced blocks (their lines kept blank, so line numbers stay). */
function withoutFences(text: string): string {
  let fenced = false;
  return text
    .split("\n")
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line;
    })
    .join("\n");
}

/** The commands of the fenced shell blocks, in order (comments and blank lines dropped). */
function fencedCommands(text: string): string[] {
  return [...text.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim())
      .filter((l) => l && !l.startsWith("#")),
  );
}

/** Relative link targets of a page ([text](target)), outside code; external URLs are not ours to check. */
function relativeLinks(text: string): string[] {
  const prose = withoutFences(text).replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** GitHub's anchors for a page's headings: text lowercased, punctuation dropped, spaces to hyphens, -1, -2 for repeats. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of withoutFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = m[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/[`*]/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

const SCHEMA = stackSchema();
const CONFIG_KEYS = Object.keys(SCHEMA);

describe("the e2e tier checks the objects against the CRDs of the pinned chart versions", () => {
  test("tests/e2e/toolchain.sh fetches the CRDs of envoyGatewayChartVersion and certManagerChartVersion", () => {
    const script = read("tests/e2e/toolchain.sh");
    expect(/^ENVOY_GATEWAY_VERSION=(\S+)/m.exec(script)?.[1]).toBe(SCHEMA.envoyGatewayChartVersion.default);
    expect(/^CERT_MANAGER_VERSION=(\S+)/m.exec(script)?.[1]).toBe(SCHEMA.certManagerChartVersion.default);
  });
});

describe("config documentation cannot go stale", () => {
  test("Pulumi.yaml declares exactly the schema's keys, types and defaults (run `npm run docs` to refresh)", () => {
    expect(read("Pulumi.yaml")).toBe(renderPulumiYaml());
    const project = yaml.load(read("Pulumi.yaml")) as { config: Record<string, { type: string; default: unknown; description: string }> };
    expect(Object.keys(project.config)).toEqual(CONFIG_KEYS);
    for (const key of CONFIG_KEYS) {
      expect(project.config[key].type).toBe(SCHEMA[key].type);
      expect(project.config[key].default).toEqual(SCHEMA[key].default);
      expect(project.config[key].description.length).toBeGreaterThan(10);
    }
  });

  test("the configuration reference (docs/configuration.md) holds the generated key tables (run `npm run docs` to refresh)", () => {
    expect(CONFIG_DOC).toBe("docs/configuration.md");
    const doc = read(CONFIG_DOC);
    expect(doc).toBe(renderConfigDoc(doc));
    for (const key of CONFIG_KEYS) expect(doc).toContain(`| \`${key}\` |`);
    // The tables live in docs/ only: the README links to them instead of carrying a second copy.
    expect(read("README.md")).not.toContain("<!-- config:start");
    expect(() => renderConfigDoc("no markers here")).toThrow(/docs\/configuration\.md must contain the markers/);
  });

  test.each<StackName>(["dev", "prod"])("Pulumi.%s.yaml sets only declared keys, parses cleanly and holds no plaintext credential", (stack) => {
    const raw = stackFileConfig(stack);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      expect(k.startsWith("llm-platform:")).toBe(true);
      values[k.slice("llm-platform:".length)] = v;
    }
    for (const key of Object.keys(values)) {
      expect(CONFIG_KEYS).toContain(key);
      expect(SCHEMA[key]).not.toHaveProperty("secret", true);
    }
    expect(() => parseStackConfig({ values, secretKeys: new Set() })).not.toThrow();
  });

  test("the README starts with exactly the two set-up commands, and .ci/run runs the same test command", () => {
    const readme = read("README.md");
    const firstBlock = /```(?:bash|sh)\n([\s\S]*?)```/.exec(readme)![1].trim().split("\n").map((l) => l.replace(/\s+#.*$/, "")).filter((l) => l && !l.startsWith("#"));
    expect(firstBlock).toEqual(["npm ci && npm run deploy:dev", "npm ci && npm test"]);
    expect(read(".ci/run")).toMatch(/^npm test$/m);
    expect(readme.indexOf("```")).toBeLessThan(readme.indexOf("## "));
  });

  test("the README's first two fenced commands are those two: deploy dev, then the whole test suite", () => {
    expect(fencedCommands(read("README.md")).slice(0, 2)).toEqual(["npm ci && npm run deploy:dev", "npm ci && npm test"]);
  });
});

describe("the README is a five-minute read, and everything else is one link away", () => {
  const readme = read("README.md");

  test("README.md is at most 220 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(220);
  });

  test("docs/ has the pages the README promises, and the configuration reference among them", () => {
    expect(DOCS).toEqual(expect.arrayContaining(["docs/configuration.md", "docs/security.md", "docs/edge.md", "docs/delivery.md", "docs/operations.md", "docs/suites.md", "docs/testing.md"]));
  });

  test.each(DOCS)("the README links to %s", (page) => {
    expect(relativeLinks(readme).map((t) => t.split("#")[0])).toContain(page);
  });

  test.each(PAGES)("every relative link in %s points to an existing file (and heading)", (page) => {
    const links = relativeLinks(read(page));
    if (page === "README.md") expect(links.length).toBeGreaterThan(DOCS.length);
    const broken: string[] = [];
    for (const link of links) {
      const [target, anchor] = link.split("#");
      const file = target ? path.normalize(path.join(path.dirname(page), decodeURIComponent(target))) : page;
      if (file.startsWith("..") || !fs.existsSync(path.join(ROOT, file))) {
        broken.push(`${link} (no file ${file})`);
        continue;
      }
      if (anchor && file.endsWith(".md") && !anchors(read(file)).has(anchor)) broken.push(`${link} (no heading #${anchor} in ${file})`);
    }
    expect(broken).toEqual([]);
  });

  test("every docs page links back to the README", () => {
    for (const page of DOCS) expect(relativeLinks(read(page))).toContain("../README.md");
  });

  test("every minikube command the README, the docs and deploy:dev print starts a cluster that enforces NetworkPolicies (--cni calico)", () => {
    const starts = PAGES.flatMap((f) => [...read(f).matchAll(/minikube start\b[^`\n]*/g)].map((m) => `${f}: ${m[0]}`));
    expect(starts.filter((s) => s.startsWith("README.md: ")).length).toBeGreaterThan(0);
    for (const s of starts) expect(s).toMatch(/ -p llmctl --cpus 8 --memory 16g --cni calico$/);
    // The script builds the one command it prints (tests/unit/deployDev.test.ts checks the printed text).
    expect(read("scripts/deploy-dev.sh")).toMatch(/^create_cmd="minikube start -p \$ctx --cpus \$cpus --memory \$memory --cni calico"$/m);
  });
});
