import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parseStackConfig, stackSchema } from "../../components/stack";
import { renderPulumiYaml, renderReadme } from "../../scripts/docs";
import { ROOT, stackFileConfig, type StackName } from "../helpers/harness";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

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

  test("the README config table is the generated one (run `npm run docs` to refresh)", () => {
    const readme = read("README.md");
    expect(readme).toBe(renderReadme(readme));
    for (const key of CONFIG_KEYS) expect(readme).toContain(`| \`${key}\` |`);
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
});
