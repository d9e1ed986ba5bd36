/**
 * What `pulumi destroy` (or turning a module off) leaves in the cluster, read from a rendered program: the
 * namespaces the engine retains, and every data claim that survives: our claims marked retainOnDelete, the
 * claims StatefulSets make in a kept namespace, and the charts' claims (CHART_VOLUMES), kept when the chart's
 * own claims are marked so (keepChartClaims) or when a template made them in a kept namespace.
 * docs/operations.md's table is generated from this (`npm run docs`), and a test keeps it current.
 */
import { CHART_VOLUMES } from "../../components/addons/volumes";
import { valueAt as at } from "../../components/lib/valueAt";
import { chartName } from "../../components/addons/apis";
import { FIXED_KEYS_ANNOTATION, GENERATED_KEYS_ANNOTATION } from "../../components/platform/generatedSecret";
import { k8sName, type JsonObject, type Recorded, type RegisteredResource } from "./render";

export interface KeptClaim {
  readonly namespace: string;
  readonly claim: string;
  /** Who made it: our PersistentVolumeClaim, a StatefulSet's template, or a chart. */
  readonly from: string;
}

export interface Kept {
  readonly namespaces: string[];
  readonly claims: KeptClaim[];
  /** Data claims that a destroy deletes (not kept): a finding, the table shows them too. */
  readonly lost: KeptClaim[];
}


export function keptOnDestroy(resources: readonly Recorded[], registered: readonly RegisteredResource[]): Kept {
  const retained = new Set(registered.filter((r) => r.retainOnDelete).map((r) => `${r.type}::${r.name}`));
  const isRetained = (r: Recorded) => retained.has(`${r.type}::${r.name}`);
  const namespaces = resources.filter((r) => r.type === "kubernetes:core/v1:Namespace" && isRetained(r)).map(k8sName).sort();
  const keptNs = new Set(namespaces);
  const claims: KeptClaim[] = [];
  const lost: KeptClaim[] = [];
  const add = (c: KeptClaim, kept: boolean) => (kept ? claims : lost).push(c);

  for (const pvc of resources.filter((r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim")) {
    const ns = String(at(pvc.inputs, "metadata.namespace"));
    // Retained by the engine, but a namespace that is not kept takes it along.
    add({ namespace: ns, claim: k8sName(pvc), from: "PersistentVolumeClaim" }, isRetained(pvc) && keptNs.has(ns));
  }
  for (const sts of resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet")) {
    const ns = String(at(sts.inputs, "metadata.namespace"));
    const replicas = Number(at(sts.inputs, "spec.replicas") ?? 1);
    for (const t of (at(sts.inputs, "spec.volumeClaimTemplates") ?? []) as JsonObject[]) {
      for (let i = 0; i < replicas; i++) add({ namespace: ns, claim: `${String(at(t, "metadata.name"))}-${k8sName(sts)}-${i}`, from: `StatefulSet ${k8sName(sts)}` }, keptNs.has(ns));
    }
  }
  for (const chart of resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart")) {
    const name = chartName(String(chart.inputs.chart));
    const volumes = CHART_VOLUMES[name]?.((chart.inputs.values ?? {}) as JsonObject, String(chart.inputs.name)) ?? [];
    const ns = String(chart.inputs.namespace);
    // A chart's own claim is kept by keepChartClaims, which chartRelease adds exactly when the namespace is kept.
    for (const v of volumes) add({ namespace: ns, claim: v.claim, from: `chart ${name} (${v.holds})` }, keptNs.has(ns));
  }
  const order = (a: KeptClaim, b: KeptClaim) => a.namespace.localeCompare(b.namespace) || a.claim.localeCompare(b.claim);
  return { namespaces, claims: claims.sort(order), lost: lost.sort(order) };
}

/** The Markdown table of one stack: each namespace we own, kept or not, with its claims. */
export function keptTable(stack: string, kept: Kept): string {
  const rows = new Map<string, { kept: boolean; claims: string[]; lost: string[] }>();
  const row = (ns: string) => rows.get(ns) ?? rows.set(ns, { kept: kept.namespaces.includes(ns), claims: [], lost: [] }).get(ns)!;
  for (const ns of kept.namespaces) row(ns);
  for (const c of kept.claims) row(c.namespace).claims.push(`\`${c.claim}\``);
  for (const c of kept.lost) row(c.namespace).lost.push(`\`${c.claim}\``);
  const lines = [`**${stack}**: ${kept.namespaces.length} namespaces and ${kept.claims.length} claims kept, ${kept.lost.length} claims deleted.`, "", "| namespace | kept | claims kept | claims deleted |", "|---|---|---|---|"];
  for (const [ns, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) lines.push(`| \`${ns}\` | ${r.kept ? "yes" : "no"} | ${r.claims.join(", ") || "-"} | ${r.lost.join(", ") || "-"} |`);
  return lines.join("\n");
}

/** A generated Secret's credentials (its annotations, GeneratedSecret): what `credentialRotation` may name. */
export interface Credentials {
  readonly namespace: string;
  readonly secret: string;
  readonly rotatable: string[];
  readonly fixed: string[];
}

export function generatedCredentials(resources: readonly Recorded[]): Credentials[] {
  const list = (r: Recorded, key: string) => String(at(r.inputs, `metadata.annotations.${key}`) ?? "").split(",").filter(Boolean);
  return resources
    .filter((r) => r.type === "kubernetes:core/v1:Secret" && at(r.inputs, `metadata.annotations.${GENERATED_KEYS_ANNOTATION}`) !== undefined)
    .map((r) => {
      const fixed = list(r, FIXED_KEYS_ANNOTATION);
      return { namespace: String(at(r.inputs, "metadata.namespace")), secret: k8sName(r), rotatable: list(r, GENERATED_KEYS_ANNOTATION).filter((k) => !fixed.includes(k)), fixed };
    })
    .sort((a, b) => `${a.namespace}/${a.secret}`.localeCompare(`${b.namespace}/${b.secret}`));
}

/** The rotation table of docs/operations.md: every generated credential of both stacks, and in which. */
export function credentialsTable(stacks: ReadonlyArray<readonly [string, readonly Credentials[]]>): string {
  const rows = new Map<string, { c: Credentials; in: string[] }>();
  for (const [stack, list] of stacks) {
    for (const c of list) {
      const id = `${c.namespace}/${c.secret}`;
      const row = rows.get(id) ?? { c, in: [] };
      row.in.push(stack);
      rows.set(id, row);
    }
  }
  const code = (xs: readonly string[]) => (xs.length > 0 ? xs.map((x) => `\`${x}\``).join(", ") : "-");
  return [
    "| namespace | Secret | rotatable keys (`npm run rotate -- <stack> <Secret>/<KEY>`) | set once by their application | stacks |",
    "|---|---|---|---|---|",
    ...[...rows.values()].sort((a, b) => `${a.c.namespace}/${a.c.secret}`.localeCompare(`${b.c.namespace}/${b.c.secret}`)).map(({ c, in: stacksIn }) => `| \`${c.namespace}\` | \`${c.secret}\` | ${code(c.rotatable)} | ${code(c.fixed)} | ${stacksIn.join(", ")} |`),
  ].join("\n");
}
