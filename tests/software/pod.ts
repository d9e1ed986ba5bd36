/**
 * A rendered container made local: its mounted Secret and ConfigMap files written under a scratch root (each
 * mountPath becomes <root><mountPath>), its env resolved from literals and key references, and `$(VAR)`
 * in its command and args substituted as the kubelet does. Paths in args and env values that point into a
 * mount are rewritten to the scratch root: the one difference from the pod, and the only one.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { at, containersOf, k8sName, podSpecOf, type JsonObject, type Recorded } from "../helpers/harness";

export interface LocalContainer {
  readonly root: string;
  readonly command: string[];
  readonly args: string[];
  readonly env: Record<string, string>;
  /** The container's port numbers by name. */
  readonly ports: Record<string, number>;
  /** A mount path rewritten into the scratch root. */
  local(p: string): string;
}

function objectData(res: readonly Recorded[], kind: "ConfigMap" | "Secret", ns: string, name: string, optional = false): Record<string, string> {
  const obj = res.find((r) => r.type === `kubernetes:core/v1:${kind}` && k8sName(r) === name && at(r.inputs, "metadata.namespace") === ns);
  // An optional reference to an absent object gives nothing, as the kubelet does.
  if (!obj && optional) return {};
  if (!obj) throw new Error(`no ${kind} ${ns}/${name} in the render`);
  const data = (obj.inputs.data ?? {}) as Record<string, string>;
  const decoded = kind === "Secret" ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()])) : data;
  return { ...decoded, ...((obj.inputs.stringData ?? {}) as Record<string, string>) };
}

/** The data of a rendered Secret (decoded) or ConfigMap. */
export const renderedData = (res: readonly Recorded[], kind: "ConfigMap" | "Secret", ns: string, name: string): Record<string, string> => objectData(res, kind, ns, name);

/**
 * The workload's container named `name` (or its first), materialized under a new scratch root, or under `root`: the
 * containers of one pod given the same root share its volumes, as they do in the pod.
 */
export function localContainer(res: readonly Recorded[], kind: string, workload: string, name?: string, sharedRoot?: string): LocalContainer {
  const w = res.find((r) => r.type === `kubernetes:${kind}` && k8sName(r) === workload);
  if (!w) throw new Error(`no ${kind} ${workload} in the render`);
  const ns = String(at(w.inputs, "metadata.namespace"));
  // An app container, or an init container by name.
  const c = [...containersOf(w), ...containersOf(w, true)].find((x) => name === undefined || x.name === name);
  if (!c) throw new Error(`${workload} has no container ${name}`);
  const root = sharedRoot ?? fs.mkdtempSync(path.join(os.tmpdir(), `sw-${workload}-`));
  const mounts = ((c.volumeMounts ?? []) as JsonObject[]).map((m) => ({ name: String(m.name), mountPath: String(m.mountPath) }));
  const local = (p: string) => {
    const m = mounts.filter((x) => p === x.mountPath || p.startsWith(`${x.mountPath}/`)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    return m ? path.join(root, p) : p;
  };
  for (const m of mounts) {
    const v = ((podSpecOf(w).volumes ?? []) as JsonObject[]).find((x) => x.name === m.name);
    const dir = path.join(root, m.mountPath);
    fs.mkdirSync(dir, { recursive: true });
    // A secret or configMap volume, or each of a projected volume's sources.
    const sources = v?.projected ? ((at(v, "projected.sources") ?? []) as JsonObject[]) : v ? [v] : [];
    for (const s of sources) {
      const source = (s.secret ?? s.configMap) as JsonObject | undefined;
      if (!source) continue;
      const data = objectData(res, s.secret ? "Secret" : "ConfigMap", ns, String(source.secretName ?? source.name), source.optional === true);
      const items = ((source.items as JsonObject[] | undefined) ?? Object.keys(data).map((key) => ({ key, path: key }))).filter((i) => data[String(i.key)] !== undefined);
      for (const item of items) {
        // An item's path may name a subdirectory (a projected volume's users/<name>/key).
        const file = path.join(dir, String(item.path));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, data[String(item.key)], { mode: Number(source.defaultMode ?? 0o644) });
      }
    }
  }
  const env: Record<string, string> = {};
  for (const from of (c.envFrom ?? []) as JsonObject[]) {
    const ref = (from.configMapRef ?? from.secretRef) as JsonObject;
    Object.assign(env, objectData(res, from.configMapRef ? "ConfigMap" : "Secret", ns, String(ref.name), ref.optional === true));
  }
  for (const e of (c.env ?? []) as JsonObject[]) {
    if (typeof e.value === "string") env[String(e.name)] = e.value;
    const ref = (at(e, "valueFrom.secretKeyRef") ?? at(e, "valueFrom.configMapKeyRef")) as JsonObject | undefined;
    const value = ref ? objectData(res, at(e, "valueFrom.secretKeyRef") ? "Secret" : "ConfigMap", ns, String(ref.name), ref.optional === true)[String(ref.key)] : undefined;
    if (ref && value === undefined && ref.optional !== true) throw new Error(`${workload}: ${String(e.name)} refers to ${String(ref.name)}/${String(ref.key)}, which the render does not have`);
    if (value !== undefined) env[String(e.name)] = value;
  }
  for (const [k, v] of Object.entries(env)) env[k] = local(v);
  const expand = (a: string) => local(a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, n: string) => env[n] ?? whole));
  const ports = Object.fromEntries(((c.ports ?? []) as JsonObject[]).map((p) => [String(p.name), Number(p.containerPort)]));
  return { root, command: ((c.command ?? []) as string[]).map(expand), args: ((c.args ?? []) as string[]).map(expand), env, ports, local };
}

/**
 * The env with in-cluster Service names pointed at loopback: `hosts` maps each name to where its program runs
 * here. Values that name a host are rewritten whole (a host, or a URL with it); the one difference from the pod.
 */
export function onLoopback(env: Readonly<Record<string, string>>, hosts: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, hosts.reduce((acc, h) => acc.split(h).join("127.0.0.1"), v)]));
}
