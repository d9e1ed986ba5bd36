/**
 * The data an update puts at risk, read from `pulumi preview --json` (the engine's own plan: pulumi/pkg display
 * previewStep, whose old and new states are apitype.ResourceV3): every claim that the update deletes, replaces with
 * an empty one, or leaves behind (kept), named, with the object whose change causes it.
 *
 * - a Namespace deleted (not retainOnDelete): every claim in it goes, the StatefulSets' and the charts' included;
 * - a PersistentVolumeClaim deleted: gone unless retainOnDelete keeps it; replaced (an immutable field changed:
 *   storageClassName, accessModes, selector, volumeName): a new, empty claim;
 * - a StatefulSet deleted or replaced: Kubernetes leaves its claims (persistentVolumeClaimRetentionPolicy Retain, the
 *   default) and a replacement re-attaches them, so they are kept unless the policy says Delete or the namespace goes;
 * - a Helm chart deleted: its claims (addons/volumes.ts CHART_VOLUMES), for the ones the plan does not list itself
 *   (an operator's StatefulSets, Prometheus', are never in the plan).
 * Pure: a digest in, findings out; scripts/data-loss.ts reports them and gates the delivery on them.
 */
import { CHART_VOLUMES } from "../../components/addons/volumes";
import { chartName } from "../../components/addons/apis";
import { valueAt as at } from "../../components/lib/valueAt";
import type { JsonObject } from "./render";

/** A resource's state in a preview step (apitype.ResourceV3, the fields read here). */
export interface PreviewState {
  readonly urn?: string;
  readonly type: string;
  readonly inputs?: JsonObject;
  readonly outputs?: JsonObject;
  readonly parent?: string;
  readonly retainOnDelete?: boolean;
}

/** One step of `pulumi preview --json` (op: same, create, update, delete, replace, create-replacement, delete-replaced, ...). */
export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: PreviewState;
  readonly newState?: PreviewState;
  readonly replaceReasons?: readonly string[];
}

export interface PreviewDigest {
  readonly steps?: readonly PreviewStep[];
  readonly changeSummary?: Readonly<Record<string, number>>;
}

/** deleted: the data is gone; replaced: the claim is made again, empty; kept: left in the cluster (or re-attached). */
export type Fate = "deleted" | "replaced" | "kept";

export interface ClaimAtRisk {
  readonly namespace: string;
  readonly claim: string;
  /** What holds it: `PersistentVolumeClaim`, `StatefulSet <name>`, `chart <name>`. */
  readonly from: string;
  readonly fate: Fate;
  /** The change that puts it at risk, for a person. */
  readonly because: string;
}

/** An object holding data that the update deletes or replaces. */
export interface DataChange {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly op: "delete" | "replace";
  readonly replaceReasons: readonly string[];
}

export interface DataLoss {
  readonly claims: readonly ClaimAtRisk[];
  readonly changes: readonly DataChange[];
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);
const DATA_KINDS: Readonly<Record<string, string>> = {
  "kubernetes:core/v1:Namespace": "Namespace",
  "kubernetes:core/v1:PersistentVolumeClaim": "PersistentVolumeClaim",
  "kubernetes:apps/v1:StatefulSet": "StatefulSet",
  "kubernetes:helm.sh/v4:Chart": "Chart",
};
const FATE_ORDER: Readonly<Record<Fate, number>> = { deleted: 0, replaced: 1, kept: 2 };

interface Changed {
  readonly kind: string;
  readonly op: "delete" | "replace";
  readonly state: PreviewState;
  readonly urn: string;
  readonly replaceReasons: readonly string[];
}

/** The deletes and replacements of objects that hold data, one per URN (a replacement is three steps). */
function changedObjects(digest: PreviewDigest): Changed[] {
  const byUrn = new Map<string, Changed>();
  for (const step of digest.steps ?? []) {
    const type = step.oldState?.type ?? step.newState?.type ?? "";
    const kind = DATA_KINDS[type];
    const op = REPLACE_OPS.has(step.op) ? "replace" : step.op === "delete" ? "delete" : undefined;
    if (!kind || !op) continue;
    const prev = byUrn.get(step.urn);
    const state = step.oldState ?? prev?.state ?? step.newState;
    if (!state) continue;
    const replaceReasons = [...new Set([...(prev?.replaceReasons ?? []), ...(step.replaceReasons ?? [])])];
    byUrn.set(step.urn, { kind, op: prev?.op === "replace" ? "replace" : op, state, urn: step.urn, replaceReasons });
  }
  return [...byUrn.values()];
}

const nameOf = (s: PreviewState) => String(at(s.inputs ?? {}, "metadata.name") ?? at(s.outputs ?? {}, "metadata.name") ?? s.urn?.split("::").pop() ?? "");
const namespaceOf = (s: PreviewState) => String(at(s.inputs ?? {}, "metadata.namespace") ?? at(s.outputs ?? {}, "metadata.namespace") ?? "");

export function dataLoss(digest: PreviewDigest): DataLoss {
  const changed = changedObjects(digest);
  // Namespaces that go, and what holds them (a retained one is left in the cluster by the engine).
  const gone = new Set(changed.filter((c) => c.kind === "Namespace" && !c.state.retainOnDelete).map((c) => nameOf(c.state)));
  const claims = new Map<string, ClaimAtRisk>();
  const add = (c: ClaimAtRisk) => {
    const key = `${c.namespace}/${c.claim}`;
    const prev = claims.get(key);
    if (!prev || FATE_ORDER[c.fate] < FATE_ORDER[prev.fate]) claims.set(key, c);
  };
  const withNamespace = (ns: string, fate: Fate, because: string): [Fate, string] => (gone.has(ns) ? ["deleted", `namespace ${ns} is deleted`] : [fate, because]);

  for (const c of changed.filter((x) => x.kind === "PersistentVolumeClaim")) {
    const ns = namespaceOf(c.state);
    const [fate, because] =
      c.op === "replace"
        ? withNamespace(ns, "replaced", `replaced (${c.replaceReasons.join(", ") || "an immutable field changed"}): a new, empty claim`)
        : withNamespace(ns, c.state.retainOnDelete ? "kept" : "deleted", c.state.retainOnDelete ? "removed from the program, left in the cluster (retainOnDelete)" : "deleted");
    add({ namespace: ns, claim: nameOf(c.state), from: "PersistentVolumeClaim", fate, because });
  }
  for (const c of changed.filter((x) => x.kind === "StatefulSet")) {
    const ns = namespaceOf(c.state);
    const sts = nameOf(c.state);
    const inputs = c.state.inputs ?? {};
    const deletesClaims = at(inputs, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted") === "Delete";
    const replicas = Number(at(inputs, "spec.replicas") ?? 1);
    const what = c.op === "replace" ? `StatefulSet ${sts} replaced (${c.replaceReasons.join(", ") || "an immutable field changed"})` : `StatefulSet ${sts} deleted`;
    const [fate, because] = withNamespace(
      ns,
      deletesClaims ? "deleted" : "kept",
      deletesClaims ? `${what}; its retention policy deletes its claims` : `${what}; Kubernetes keeps its claims${c.op === "replace" ? ", and the new one re-attaches them as they are (a template change applies to new claims only)" : ""}`,
    );
    for (const t of (at(inputs, "spec.volumeClaimTemplates") ?? []) as JsonObject[]) {
      for (let i = 0; i < Math.max(replicas, 1); i++) add({ namespace: ns, claim: `${String(at(t, "metadata.name"))}-${sts}-${i}`, from: `StatefulSet ${sts}`, fate, because });
    }
  }
  for (const c of changed.filter((x) => x.kind === "Chart" && x.op === "delete")) {
    const inputs = c.state.inputs ?? {};
    const name = chartName(String(inputs.chart ?? ""));
    const ns = String(inputs.namespace ?? "");
    for (const v of CHART_VOLUMES[name]?.((inputs.values ?? {}) as JsonObject, String(inputs.name ?? "")) ?? []) {
      if (claims.has(`${ns}/${v.claim}`)) continue;
      const [fate, because] = withNamespace(ns, "kept", `chart ${name} deleted; its claim stays with its namespace`);
      add({ namespace: ns, claim: v.claim, from: `chart ${name} (${v.holds})`, fate, because });
    }
  }
  const changes: DataChange[] = changed
    .filter((c) => c.kind !== "Namespace" || !c.state.retainOnDelete || c.op === "replace")
    .map((c) => ({ kind: c.kind, ...(namespaceOf(c.state) ? { namespace: namespaceOf(c.state) } : {}), name: c.kind === "Chart" ? String(c.state.inputs?.name ?? nameOf(c.state)) : nameOf(c.state), op: c.op, replaceReasons: c.replaceReasons }))
    .sort((a, b) => `${a.kind}/${a.namespace ?? ""}/${a.name}`.localeCompare(`${b.kind}/${b.namespace ?? ""}/${b.name}`));
  const order = (a: ClaimAtRisk, b: ClaimAtRisk) => FATE_ORDER[a.fate] - FATE_ORDER[b.fate] || a.namespace.localeCompare(b.namespace) || a.claim.localeCompare(b.claim);
  return { claims: [...claims.values()].sort(order), changes };
}

/** Whether applying the update needs a person's approval: any claim at risk, or any data object deleted or replaced. */
export function needsApproval(loss: DataLoss): boolean {
  return loss.claims.length > 0 || loss.changes.some((c) => c.kind !== "Namespace" || c.op === "replace");
}

const FATE_TEXT: Readonly<Record<Fate, string>> = { deleted: "**deleted**", replaced: "**replaced, empty**", kept: "kept" };

/** The Markdown report of one stack's update (a pull-request comment and the run's summary). */
export function dataLossReport(stack: string, loss: DataLoss, approval: { readonly label: string; readonly approved: boolean; readonly gated: boolean }): string {
  const head = `### Data at risk: \`${stack}\``;
  if (!needsApproval(loss)) return `${head}\n\nNo claim, StatefulSet or namespace holding data is deleted or replaced by this update.`;
  const n = (f: Fate) => loss.claims.filter((c) => c.fate === f).length;
  const lines = [
    head,
    "",
    `This update deletes ${n("deleted")} and replaces ${n("replaced")} data claims, and leaves ${n("kept")} in the cluster without their workload.`,
    "",
    "| claim | namespace | held by | what happens | because |",
    "|---|---|---|---|---|",
    ...loss.claims.map((c) => `| \`${c.claim}\` | \`${c.namespace}\` | ${c.from} | ${FATE_TEXT[c.fate]} | ${c.because} |`),
  ];
  const objects = loss.changes.filter((c) => c.kind !== "Namespace" || c.op === "replace" || loss.claims.some((x) => x.namespace === c.name));
  if (objects.length) lines.push("", `Objects deleted or replaced: ${objects.map((c) => `${c.kind} \`${c.namespace ? `${c.namespace}/` : ""}${c.name}\` (${c.op})`).join(", ")}.`);
  if (approval.gated) {
    lines.push(
      "",
      approval.approved
        ? `Approved: the pull request carries the label \`${approval.label}\`.`
        : `**Not approved**: the delivery refuses to apply this to \`${stack}\` until the pull request carries the label \`${approval.label}\` (back up first: docs/operations.md, "Backups").`,
    );
  }
  return lines.join("\n");
}
