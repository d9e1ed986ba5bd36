/**
 * Compares the Kubernetes objects of two renders: what a refactor must not change. Pure: takes parsed
 * objects. The one difference it forgives is a `checksum/*` pod-template annotation whose value changed while
 * every ConfigMap and Secret the pod reads stayed the same (the way the digest is computed moved, the data
 * did not); when it cannot tell, it reports the change.
 */
import type { Json, JsonObject } from "./render";

export interface FieldChange {
  readonly path: readonly (string | number)[];
  readonly before?: Json;
  readonly after?: Json;
}

export interface ChangedObject {
  readonly key: string;
  readonly changes: readonly FieldChange[];
  /** checksum annotations that changed although the inputs they digest did not. */
  readonly ignored: readonly FieldChange[];
  /** Why a checksum change was not ignored. */
  readonly notes: readonly string[];
}

export interface ObjectComparison {
  readonly before: number;
  readonly after: number;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Objects with a difference left after ignoring (those with only ignored ones are in checksumOnly). */
  readonly changed: readonly ChangedObject[];
  readonly checksumOnly: readonly ChangedObject[];
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function get(v: Json | undefined, path: readonly (string | number)[]): Json | undefined {
  let cur = v;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === "number") cur = cur[p];
    else if (isObject(cur) && typeof p === "string") cur = cur[p];
    else return undefined;
  }
  return cur;
}

/** apiVersion/kind/namespace/name; cluster-scoped objects have an empty namespace. */
export function objectKey(o: Json): string {
  const meta = get(o, ["metadata"]);
  return [get(o, ["apiVersion"]), get(o, ["kind"]), get(meta, ["namespace"]) ?? "", get(meta, ["name"])].map(String).join("/");
}

/** Keys sorted at every level, so equal objects print and compare the same. */
export function normalize(v: Json): Json {
  if (Array.isArray(v)) return v.map(normalize);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, normalize(v[k])]));
  return v;
}

/** Every leaf-level difference (a whole subtree when one side lacks it). */
export function diffJson(a: Json | undefined, b: Json | undefined, path: (string | number)[] = []): FieldChange[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => diffJson(a[i], b[i], [...path, i])).flat();
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffJson(a[k], b[k], [...path, k]));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, before: a, after: b }];
}

/** Where a workload keeps its pod template. */
function podTemplatePath(kind: string): (string | number)[] | undefined {
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(kind)) return ["spec", "template"];
  if (kind === "CronJob") return ["spec", "jobTemplate", "spec", "template"];
  return undefined;
}

/** The ConfigMaps and Secrets a pod template reads (env, envFrom, volumes), as object keys. */
export function podInputs(o: Json): string[] {
  const template = podTemplatePath(String(get(o, ["kind"])));
  const spec = template ? get(o, [...template, "spec"]) : undefined;
  if (!spec) return [];
  const ns = String(get(o, ["metadata", "namespace"]) ?? "");
  const out = new Set<string>();
  const add = (kind: "ConfigMap" | "Secret", name: Json | undefined) => {
    if (typeof name === "string") out.add(`v1/${kind}/${ns}/${name}`);
  };
  const list = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);
  for (const c of [...list(get(spec, ["containers"])), ...list(get(spec, ["initContainers"]))]) {
    for (const e of list(get(c, ["envFrom"]))) {
      add("ConfigMap", get(e, ["configMapRef", "name"]));
      add("Secret", get(e, ["secretRef", "name"]));
    }
    for (const e of list(get(c, ["env"]))) {
      add("ConfigMap", get(e, ["valueFrom", "configMapKeyRef", "name"]));
      add("Secret", get(e, ["valueFrom", "secretKeyRef", "name"]));
    }
  }
  for (const v of list(get(spec, ["volumes"]))) {
    add("ConfigMap", get(v, ["configMap", "name"]));
    add("Secret", get(v, ["secret", "secretName"]));
    for (const s of list(get(v, ["projected", "sources"]))) {
      add("ConfigMap", get(s, ["configMap", "name"]));
      add("Secret", get(s, ["secret", "name"]));
    }
  }
  return [...out].sort();
}

function isChecksumAnnotation(kind: string, change: FieldChange): boolean {
  const template = podTemplatePath(kind);
  if (!template || change.path.length !== template.length + 3) return false;
  const at = change.path.slice(template.length);
  return (
    template.every((p, i) => change.path[i] === p) &&
    at[0] === "metadata" &&
    at[1] === "annotations" &&
    String(at[2]).startsWith("checksum/") &&
    // Added or removed checksums change which inputs roll the pods: always reported.
    change.before !== undefined &&
    change.after !== undefined
  );
}

export function compareObjects(beforeObjects: readonly Json[], afterObjects: readonly Json[]): ObjectComparison {
  const index = (objects: readonly Json[]) => new Map(objects.map((o) => [objectKey(o), normalize(o)]));
  const before = index(beforeObjects);
  const after = index(afterObjects);
  const sameInBoth = (key: string) => before.has(key) && after.has(key) && diffJson(before.get(key), after.get(key)).length === 0;

  const changed: ChangedObject[] = [];
  const checksumOnly: ChangedObject[] = [];
  for (const key of [...before.keys()].filter((k) => after.has(k)).sort()) {
    const b = before.get(key) as Json;
    const a = after.get(key) as Json;
    const all = diffJson(b, a);
    if (all.length === 0) continue;
    const kind = String(get(a, ["kind"]));
    const checksums = all.filter((c) => isChecksumAnnotation(kind, c));
    const inputs = [...new Set([...podInputs(b), ...podInputs(a)])];
    const notes: string[] = [];
    if (checksums.length > 0) {
      if (inputs.length === 0) notes.push("checksum changed but the pod reads no ConfigMap or Secret: cannot tell what it digests");
      for (const i of inputs.filter((k) => !sameInBoth(k))) notes.push(`checksummed input ${i} ${before.has(i) && after.has(i) ? "changed" : "is not in both renders"}`);
    }
    const ignored = notes.length === 0 ? checksums : [];
    const changes = all.filter((c) => !ignored.includes(c));
    (changes.length === 0 ? checksumOnly : changed).push({ key, changes, ignored, notes });
  }
  return {
    before: before.size,
    after: after.size,
    added: [...after.keys()].filter((k) => !before.has(k)).sort(),
    removed: [...before.keys()].filter((k) => !after.has(k)).sort(),
    changed,
    checksumOnly,
  };
}

/** `spec.template.metadata.annotations["checksum/config"]`: readable and unambiguous for keys with dots. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `${i ? "." : ""}${p}` : `[${JSON.stringify(p)}]`))
    .join("");
}

/** One line per change, long values cut. */
export function formatChange(c: FieldChange, width = 100): string {
  const show = (v: Json | undefined) => {
    const s = v === undefined ? "(absent)" : JSON.stringify(v);
    return s.length > width ? `${s.slice(0, width)}... (${s.length} chars)` : s;
  };
  return `${formatPath(c.path)}: ${show(c.before)} -> ${show(c.after)}`;
}

/**
 * Replaces values the mocks generated (see GeneratedValue) by a stable placeholder, so a new key pair per
 * render is not a difference. Longest first, so a value that contains another is replaced whole.
 */
export function maskGenerated(v: Json, masks: ReadonlyArray<{ readonly value: string; readonly placeholder: string }>): Json {
  const ordered = [...masks].filter((m) => m.value.length > 0).sort((x, y) => y.value.length - x.value.length);
  const walk = (x: Json): Json => {
    if (typeof x === "string") return ordered.reduce((s, m) => s.split(m.value).join(m.placeholder), x);
    if (Array.isArray(x)) return x.map(walk);
    if (isObject(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  return walk(v);
}
