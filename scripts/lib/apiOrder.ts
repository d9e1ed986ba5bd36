/**
 * Does every object wait for the API kinds it uses? Checks a rendered program's dependency graph (what the
 * engine orders creates by) against the add-ons' declarations (components/addons/apis.ts): an object of a
 * kind outside Kubernetes' own groups, and a chart whose templates create one, must have in its dependency
 * closure a chart that installs the kind's CRD (unless the stack assumes the cluster has it), and every
 * installed chart whose webhook admits the kind.
 */
import { chartApis } from "../../components/addons/apis";
import { type ApiKind, type ApiSupplier, apiKind, covers, isBuiltIn } from "../../components/platform/apis";
import type { JsonObject, Recorded, RegisteredResource } from "./render";

const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";
/** Pulumi's own kubernetes types that are not API kinds (charts, YAML groups, the provider). */
const NOT_API = /^kubernetes:(helm\.sh|yaml|kustomize)\//;

/** The API kind of a registered Kubernetes object from its type token (`kubernetes:apps/v1:Deployment`). */
export function kindOfType(type: string): ApiKind | undefined {
  const m = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!m || NOT_API.test(type)) return undefined;
  const apiVersion = m[1].startsWith("core/") ? m[1].slice("core/".length) : m[1];
  return apiKind(apiVersion, m[2]);
}

export interface UsedKind {
  readonly urn: string;
  readonly kind: ApiKind;
  /** The object itself, or a chart whose templates create it. */
  readonly via: "object" | "chart";
}

/** Every use of a non-built-in kind in the render: the objects' own kinds and what each chart's templates create. */
export function usedKinds(resources: readonly Recorded[], registered: readonly RegisteredResource[]): UsedKind[] {
  const recorded = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
  const out: UsedKind[] = [];
  for (const reg of registered) {
    if (reg.type === CHART_TYPE) {
      const chart = recorded.get(`${reg.type}::${reg.name}`);
      if (!chart) continue;
      for (const kind of chartApis(String(chart.inputs.chart)).uses((chart.inputs.values ?? {}) as JsonObject)) out.push({ urn: reg.urn, kind, via: "chart" });
      continue;
    }
    const kind = reg.custom ? kindOfType(reg.type) : undefined;
    if (kind && !isBuiltIn(kind)) out.push({ urn: reg.urn, kind, via: "object" });
  }
  return out;
}

/** The installed charts of a render, by URN, with what they supply. */
function installedSuppliers(resources: readonly Recorded[], registered: readonly RegisteredResource[]): Map<string, ApiSupplier> {
  const recorded = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
  const out = new Map<string, ApiSupplier>();
  for (const reg of registered.filter((r) => r.type === CHART_TYPE)) {
    const chart = recorded.get(`${reg.type}::${reg.name}`);
    const supplies = chart && chartApis(String(chart.inputs.chart)).supplies;
    if (supplies) out.set(reg.urn, supplies);
  }
  return out;
}

/** Everything `urn` waits for before it is created, transitively. */
export function dependencyClosure(registered: readonly RegisteredResource[]): (urn: string) => Set<string> {
  const byUrn = new Map(registered.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const visit = (urn: string): Set<string> => {
    const known = memo.get(urn);
    if (known) return known;
    const out = new Set<string>();
    memo.set(urn, out);
    for (const dep of byUrn.get(urn)?.dependencies ?? []) {
      out.add(dep);
      for (const d of visit(dep)) out.add(d);
    }
    return out;
  };
  return visit;
}

/** One line per use whose CRD or webhook supplier is not ordered before it; empty when the graph is right. */
export function apiOrderProblems(resources: readonly Recorded[], registered: readonly RegisteredResource[], assumed: readonly ApiSupplier[]): string[] {
  const installed = installedSuppliers(resources, registered);
  const closure = dependencyClosure(registered);
  const problems: string[] = [];
  for (const use of usedKinds(resources, registered)) {
    const before = closure(use.urn);
    const what = `${use.urn}${use.via === "chart" ? " (its templates)" : ""} uses ${use.kind}`;
    const crdFromCluster = assumed.some((s) => covers(s.crds, use.kind));
    const crdCharts = [...installed].filter(([, s]) => covers(s.crds, use.kind)).map(([urn]) => urn);
    if (!crdFromCluster) {
      if (crdCharts.length === 0) problems.push(`${what}, which nothing installs or assumes`);
      else if (!crdCharts.some((urn) => before.has(urn))) problems.push(`${what} but does not wait for ${crdCharts.join(" or ")}, which installs its CRD`);
    }
    for (const [urn, s] of installed) {
      if (urn !== use.urn && covers(s.admits, use.kind) && !before.has(urn)) problems.push(`${what} but does not wait for ${urn}, whose webhook admits it`);
    }
  }
  return problems;
}
