/**
 * The `pulumi preview --json` an update from one render to another would print (pulumi/pkg display previewStep),
 * built from two renders of the real program: a URN only before is a delete, only after a create; in both, a change
 * of a field the Kubernetes provider cannot update in place is a replacement (the three steps the engine prints),
 * any other change an update. The fields are the provider's (pulumi-kubernetes provider/pkg/provider force-new
 * properties): metadata.name and .namespace of every object; a PersistentVolumeClaim's spec.accessModes, .selector,
 * .storageClassName, .volumeName; a StatefulSet's spec.podManagementPolicy, .revisionHistoryLimit, .selector,
 * .serviceName, .volumeClaimTemplates. States carry retainOnDelete as the engine records it.
 */
import { isDeepStrictEqual } from "util";
import type { PreviewDigest, PreviewState, PreviewStep } from "../../scripts/lib/dataLoss";
import { at, type Rendered } from "./harness";

const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:PersistentVolumeClaim": ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
  "kubernetes:apps/v1:StatefulSet": ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
};
const METADATA = ["metadata.name", "metadata.namespace"];

function states(r: Rendered): Map<string, PreviewState> {
  const byKey = new Map(r.resources.map((x) => [`${x.type}::${x.name}`, x]));
  return new Map(
    r.registered
      .filter((g) => g.custom || g.remote)
      .map((g) => [g.urn, { urn: g.urn, type: g.type, inputs: byKey.get(`${g.type}::${g.name}`)?.inputs ?? {}, parent: g.parent, ...(g.retainOnDelete ? { retainOnDelete: true } : {}) }]),
  );
}

export function planOf(before: Rendered, after: Rendered): PreviewDigest {
  const old = states(before);
  const next = states(after);
  const steps: PreviewStep[] = [];
  for (const [urn, o] of old) {
    const n = next.get(urn);
    if (!n) {
      steps.push({ op: "delete", urn, oldState: o });
      continue;
    }
    const reasons = [...METADATA, ...(FORCE_NEW[o.type] ?? [])].filter((p) => !isDeepStrictEqual(at(o.inputs ?? {}, p), at(n.inputs ?? {}, p)));
    if (reasons.length) {
      // Named objects are replaced delete-first (the provider asks for it when metadata.name is set).
      const replaceReasons = reasons;
      steps.push({ op: "delete-replaced", urn, oldState: o, replaceReasons }, { op: "replace", urn, oldState: o, newState: n, replaceReasons }, { op: "create-replacement", urn, oldState: o, newState: n, replaceReasons });
    } else steps.push({ op: isDeepStrictEqual(o.inputs, n.inputs) ? "same" : "update", urn, oldState: o, newState: n });
  }
  for (const [urn, n] of next) if (!old.has(urn)) steps.push({ op: "create", urn, newState: n });
  const changeSummary: Record<string, number> = {};
  for (const s of steps) changeSummary[s.op] = (changeSummary[s.op] ?? 0) + 1;
  return { steps, changeSummary };
}
