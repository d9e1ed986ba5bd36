/**
 * How big a stack's Pulumi state is, measured offline: `npm run state-size -- <stack>`.
 *
 * The engine keeps every object it manages twice (inputs and outputs) and rewrites the whole state after each
 * step, so its size is paid at every step of every `up`. Counted here: the program's own objects, from a
 * render under mocks (2 x their JSON), and the CRDs each chart installs (the biggest objects the charts
 * render), from the same files the charts ship, read in the projects' Go modules at the versions the charts
 * bundle (`go mod download` fetches them), as they go into the cluster after our transform (leanCrds) and as
 * they would without it. Not counted: the charts' other objects (Deployments, RBAC, ConfigMaps), which only
 * Helm renders, and the Kubernetes fields the cluster adds to outputs (status, managedFields).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { chartName } from "../components/addons/apis";
import { leanCrdSpec } from "../components/addons/crds";
import { renderStackFile, runScript, type JsonObject, type StackName } from "./lib/render";

/** Where each chart's CRDs live in its project's Go module (the chart bundles exactly these). */
const CRD_FILES: Readonly<Record<string, { module: string; files: (dir: string) => string[] }>> = {
  "gateway-helm": {
    module: "github.com/envoyproxy/gateway@v1.9.1",
    files: (d) => [path.join(d, "charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml"), ...listYaml(path.join(d, "charts/gateway-helm/charts/crds/crds/generated"))],
  },
  "cert-manager": { module: "github.com/cert-manager/cert-manager@v1.21.2", files: (d) => listYaml(path.join(d, "deploy/crds")).filter((f) => /cert-manager\.io_/.test(f)) },
  // kube-prometheus-stack 88.5.3 bundles prometheus-operator 0.93.1's CRDs (charts/crds).
  "kube-prometheus-stack": { module: "github.com/prometheus-operator/prometheus-operator@v0.93.1", files: (d) => listYaml(path.join(d, "example/prometheus-operator-crd")) },
  "kserve-crd": { module: "github.com/kserve/kserve@v0.20.0", files: (d) => [...listYaml(path.join(d, "charts/kserve-crd/templates")), ...listYaml(path.join(d, "charts/kserve-crd/files"))] },
  "kserve-crd-minimal": { module: "github.com/kserve/kserve@v0.20.0", files: (d) => listYaml(path.join(d, "charts/kserve-crd-minimal/templates")) },
};
/** Charts whose CRDs cannot be read here (their module is not served), with the upstream size of their CRD files. */
const NOT_MEASURED: Readonly<Record<string, string>> = { "gpu-operator": "8 CRDs, 322,694 bytes of YAML at v26.7.0 (the module proxy does not serve it)" };

function listYaml(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => path.join(dir, f)) : [];
}

function moduleDir(module: string): string {
  const out = execFileSync("go", ["mod", "download", "-json", module], { encoding: "utf8", cwd: fs.mkdtempSync("/tmp/state-size-"), env: { ...process.env, GOFLAGS: "-mod=mod" } });
  const dir = (JSON.parse(out) as { Dir?: string; Error?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${module}: ${out}`);
  return dir;
}

/** The CRDs in a chart's files (template lines dropped: the CRD templates only guard whole documents). */
function crdsOf(files: readonly string[]): JsonObject[] {
  const docs = files.flatMap((f) => yaml.loadAll(fs.readFileSync(f, "utf8").split("\n").filter((l) => !l.includes("{{")).join("\n")) as JsonObject[]);
  return docs.filter((d) => d && d.kind === "CustomResourceDefinition");
}

/** State bytes of one object: inputs and outputs. */
const stateBytes = (v: unknown) => 2 * Buffer.byteLength(JSON.stringify(v));
const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`.padStart(10);

async function main(): Promise<void> {
  const stack = (process.argv[2] ?? "prod") as StackName;
  const { resources } = await renderStackFile(stack);
  const own = resources.filter((r) => r.type !== "kubernetes:helm.sh/v4:Chart" && r.type.startsWith("kubernetes:"));
  const ownBytes = own.reduce((n, r) => n + stateBytes(r.raw), 0);
  const rows: Array<[string, number, number, number]> = [[`program objects (${own.length})`, own.length, ownBytes, ownBytes]];
  const notes: string[] = [];
  for (const chart of resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart").map((r) => chartName(String(r.inputs.chart)))) {
    const source = CRD_FILES[chart];
    if (!source) {
      if (NOT_MEASURED[chart]) notes.push(`${chart}: not measured: ${NOT_MEASURED[chart]}`);
      continue;
    }
    const crds = crdsOf(source.files(moduleDir(source.module)));
    const full = crds.reduce((n, c) => n + stateBytes(c), 0);
    const lean = crds.reduce((n, c) => n + stateBytes({ ...c, spec: leanCrdSpec(c.spec) }), 0);
    rows.push([`${chart} CRDs (${crds.length})`, crds.length, lean, full]);
  }
  console.log(`state of ${stack}, measured offline (bytes of inputs + outputs; see the header of scripts/state-size.ts)\n`);
  console.log(`${"what".padEnd(40)}${"stored".padStart(10)}${"unstripped".padStart(12)}`);
  for (const [what, , lean, full] of rows) console.log(`${what.padEnd(40)}${kb(lean)}  ${kb(full)}`);
  const total = (i: 2 | 3) => rows.reduce((n, r) => n + r[i], 0);
  console.log(`${"total".padEnd(40)}${kb(total(2))}  ${kb(total(3))}\n(${total(2)} bytes stored; ${total(3)} without leanCrds)`);
  for (const n of notes) console.log(n);
}

runScript(main);
