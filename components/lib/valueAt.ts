/** Walks a dotted path like "spec.template.spec" (array elements by index) through plain data; undefined where it ends. */
export function valueAt(v: unknown, path: string): unknown {
  let cur: unknown = v;
  for (const part of path.split(".")) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : (cur as Record<string, unknown>)[part];
  }
  return cur;
}
