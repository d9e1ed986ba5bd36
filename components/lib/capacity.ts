/**
 * Capacity engine: what the registered workloads ask of the cluster (requests and limits, per namespace and
 * per stack) against a declared cluster profile, so a stack that cannot fit the machine it targets fails at
 * preview with the numbers instead of leaving pods Pending after `up`. Pure: plain data in, plain data out.
 */

/** CPU in millicores, memory in bytes, GPUs as a count of the configured extended resource. */
export interface Amounts {
  readonly cpuMilli: number;
  readonly memoryBytes: number;
  readonly gpus: number;
}

export const NO_AMOUNTS: Amounts = { cpuMilli: 0, memoryBytes: 0, gpus: 0 };

export interface WorkloadDemand {
  readonly namespace: string;
  readonly workload: string;
  /** Deployment | StatefulSet | Job | chart:<name> (a Helm chart's pods, declared by hand). */
  readonly kind: string;
  /** Pods that run at rest: the replicas, or the HPA minimum; a Job counts once. */
  readonly pods: number;
  /** The HPA maximum, when an HPA scales the workload. */
  readonly maxPods?: number;
  readonly perPod: { readonly requests: Amounts; readonly limits: Amounts };
}

/** The machine(s) a stack targets: `gpuNodes` of the `nodes` carry `gpusPerNode` GPUs each. */
export interface ClusterProfile {
  readonly nodes: number;
  /** Per node, as a Kubernetes quantity ("8", "7500m"). */
  readonly nodeCpu: string;
  /** Per node, as a Kubernetes quantity ("16Gi"). */
  readonly nodeMemory: string;
  readonly gpuNodes: number;
  readonly gpusPerNode: number;
}

/** The seed's laptop: `minikube start --cpus 8 --memory 16g`, no GPU. */
export const MINIKUBE_PROFILE: ClusterProfile = { nodes: 1, nodeCpu: "8", nodeMemory: "16Gi", gpuNodes: 0, gpusPerNode: 1 };

// ---- quantities

// The Kubernetes quantity grammar (apimachinery resource.Quantity): a non-negative decimal with one optional
// binary suffix (Ki..Ei), decimal exponent (e3, E-2) or decimal SI suffix. The exponent alternative comes before
// the suffixes so "1E3" is 1000 while a bare "1E" is exa, as Kubernetes reads them. Upper-case "K" is not a
// Kubernetes suffix (the API server rejects "1K"), so it is rejected here too rather than guessed.
const QUANTITY = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * A quantity in units of 10^-scale10 of the base unit, rounded up the way Quantity.Value/MilliValue do
 * ("0.1m" CPU is 1 millicore). BigInt keeps "0.1" x 1000 exact where floating point would give 100.00000000000001.
 */
function toUnits(q: string | number, scale10: number, what: string): number {
  const text = typeof q === "number" ? String(q) : q;
  const m = typeof q === "string" || Number.isFinite(q) ? QUANTITY.exec(text) : null;
  const shown = typeof q === "string" ? JSON.stringify(q) : String(q);
  if (!m) throw new Error(`invalid ${what} quantity ${shown}: expected a non-negative Kubernetes quantity such as "250m", "2", "512Mi", "1Gi" or "1e3"`);
  const [, num, binary, exponent, decimal] = m;
  const [whole, fraction = ""] = num.split(".");
  const e10 = scale10 - fraction.length + (exponent ? Number(exponent.slice(1)) : 0) + (decimal ? DECIMAL[decimal] : 0);
  let n = BigInt(`${whole}${fraction}` || "0") << BigInt(binary ? BINARY[binary] : 0);
  // Bounded before any power of ten is built: "1e999999" must not make a million-digit BigInt.
  if (n > 0n && e10 > 40) throw new Error(`${what} quantity ${shown} is out of range`);
  if (n === 0n) return 0;
  if (e10 >= 0) n *= 10n ** BigInt(e10);
  else if (-e10 > n.toString().length) n = 1n; // below one unit: rounds up to 1
  else {
    const d = 10n ** BigInt(-e10);
    n = (n + d - 1n) / d;
  }
  const out = Number(n);
  if (!Number.isSafeInteger(out)) throw new Error(`${what} quantity ${shown} is out of range`);
  return out;
}

/** CPU quantity -> millicores ("250m" -> 250, "0.5" -> 500, 2 -> 2000). */
export function parseCpu(q: string | number): number {
  return toUnits(q, 3, "CPU");
}

/** Memory quantity -> bytes ("1Gi" -> 1073741824, "1k" -> 1000, "1e3" -> 1000). */
export function parseMemory(q: string | number): number {
  return toUnits(q, 0, "memory");
}

/** A count of an extended resource such as nvidia.com/gpu ("1" -> 1). */
export function parseCount(q: string | number, what = "GPU"): number {
  return toUnits(q, 0, what);
}

const trimZeros = (s: string): string => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);

/** Millicores as cores for tables: 2350 -> "2.35", 250 -> "0.25", 8000 -> "8". */
export function formatCpu(milli: number): string {
  return trimZeros((milli / 1000).toFixed(3));
}

const MEMORY_UNITS = ["Ki", "Mi", "Gi", "Ti", "Pi"];

/** Bytes in the largest binary unit with one decimal: 5476083302 -> "5.1Gi", 536870912 -> "512Mi". */
export function formatMemory(bytes: number): string {
  let value = bytes;
  let unit = -1;
  // 1023.96Mi would print as "1024Mi" after rounding: move up a unit before that happens.
  while (value >= 1024 - 0.05 && unit < MEMORY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit < 0 ? String(bytes) : `${trimZeros(value.toFixed(1))}${MEMORY_UNITS[unit]}`;
}

// ---- amounts

const combine = (f: (x: number, y: number) => number) => (a: Amounts, b: Amounts): Amounts => ({
  cpuMilli: f(a.cpuMilli, b.cpuMilli),
  memoryBytes: f(a.memoryBytes, b.memoryBytes),
  gpus: f(a.gpus, b.gpus),
});
const add = combine((x, y) => x + y);
const max = combine(Math.max);
const times = (a: Amounts, n: number): Amounts => ({ cpuMilli: a.cpuMilli * n, memoryBytes: a.memoryBytes * n, gpus: a.gpus * n });

/** A container's `resources` (requests/limits may be numbers in JSON). */
export type ResourceRequirementsLike =
  | { readonly requests?: Readonly<Record<string, string | number>>; readonly limits?: Readonly<Record<string, string | number>> }
  | undefined;

function containerAmounts(r: ResourceRequirementsLike, gpuResourceName: string): { requests: Amounts; limits: Amounts } {
  const one = (key: string, parse: (q: string | number) => number): { request: number; limit: number } => {
    // Kubernetes defaults a missing request to the limit (for cpu and memory as for extended resources, where
    // the two must be equal anyway). A missing limit means "up to the node": counting the request keeps the
    // limit sum a lower bound; the invariants tier already demands limits on every container we render.
    const req = r?.requests?.[key] ?? r?.limits?.[key];
    const lim = r?.limits?.[key] ?? req;
    return { request: req === undefined ? 0 : parse(req), limit: lim === undefined ? 0 : parse(lim) };
  };
  const [cpu, mem, gpu] = [one("cpu", parseCpu), one("memory", parseMemory), one(gpuResourceName, (q) => parseCount(q, gpuResourceName))];
  return {
    requests: { cpuMilli: cpu.request, memoryBytes: mem.request, gpus: gpu.request },
    limits: { cpuMilli: cpu.limit, memoryBytes: mem.limit, gpus: gpu.limit },
  };
}

/**
 * The pod's effective request and limit as the scheduler computes them: per resource, the larger of the sum
 * over app containers (they run together) and the largest init container (init containers run one at a time,
 * before the app containers). Pod overhead from a RuntimeClass is not counted: no RuntimeClass here sets one.
 */
export function podAmounts(
  pod: { readonly containers: readonly ResourceRequirementsLike[]; readonly initContainers?: readonly ResourceRequirementsLike[] },
  gpuResourceName = "nvidia.com/gpu",
): { requests: Amounts; limits: Amounts } {
  const apps = pod.containers.map((c) => containerAmounts(c, gpuResourceName));
  const inits = (pod.initContainers ?? []).map((c) => containerAmounts(c, gpuResourceName));
  const sum = (pick: "requests" | "limits") => apps.reduce((acc, c) => add(acc, c[pick]), NO_AMOUNTS);
  const largest = (pick: "requests" | "limits") => inits.reduce((acc, c) => max(acc, c[pick]), NO_AMOUNTS);
  return { requests: max(sum("requests"), largest("requests")), limits: max(sum("limits"), largest("limits")) };
}

// ---- rendered objects -> demand

/** A rendered Kubernetes object: plain JSON as the test harness records it, plus apiVersion/kind. */
export interface ManifestLike {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: unknown; readonly namespace?: unknown };
  readonly spec?: unknown;
}

type Obj = Readonly<Record<string, unknown>>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Obj => x !== undefined) : []);

function templateAmounts(spec: Obj | undefined, gpuResourceName: string): { requests: Amounts; limits: Amounts } {
  const podSpec = obj(obj(spec?.template)?.spec);
  const resources = (c: Obj): ResourceRequirementsLike => obj(c.resources) as ResourceRequirementsLike;
  // A native sidecar (an init container with restartPolicy Always) keeps running beside the app containers, so
  // it is summed with them; this slightly undercounts only an init container that follows a sidecar. We have none.
  const inits = list(podSpec?.initContainers);
  const sidecar = (c: Obj) => c.restartPolicy === "Always";
  return podAmounts(
    {
      containers: [...list(podSpec?.containers), ...inits.filter(sidecar)].map(resources),
      initContainers: inits.filter((c) => !sidecar(c)).map(resources),
    },
    gpuResourceName,
  );
}

/**
 * What each Deployment, StatefulSet and Job in `objects` asks for. Others are not workloads or are not counted:
 * - a CronJob's pods exist only while a scheduled run is active and hold no standing reservation; counting every
 *   CronJob as always running would fail stacks that fit (none of our suites has one; revisit if one is heavy);
 * - Helm charts are not rendered here: declare their pods as `chart:<name>` demands by hand;
 * - DaemonSets (none of ours) would need the node count, which is the profile's business, not the manifest's.
 */
export function demandFromManifests(objects: readonly ManifestLike[], gpuResourceName = "nvidia.com/gpu"): WorkloadDemand[] {
  const namespaceOf = (o: ManifestLike) => (typeof o.metadata.namespace === "string" && o.metadata.namespace !== "" ? o.metadata.namespace : "default");
  const hpas = new Map<string, { min: number; max: number }>();
  for (const o of objects) {
    if (o.kind !== "HorizontalPodAutoscaler") continue;
    const spec = obj(o.spec);
    const target = obj(spec?.scaleTargetRef);
    if (typeof target?.kind !== "string" || typeof target.name !== "string") continue;
    // minReplicas defaults to 1 in autoscaling/v2.
    hpas.set(`${namespaceOf(o)}/${target.kind}/${target.name}`, { min: num(spec?.minReplicas) ?? 1, max: num(spec?.maxReplicas) ?? 1 });
  }

  const out: WorkloadDemand[] = [];
  for (const o of objects) {
    if (o.kind !== "Deployment" && o.kind !== "StatefulSet" && o.kind !== "Job") continue;
    const namespace = namespaceOf(o);
    const workload = String(o.metadata.name);
    const spec = obj(o.spec);
    const perPod = templateAmounts(spec, gpuResourceName);
    if (o.kind === "Job") {
      // A Job runs `parallelism` pods at once (never more than `completions`); a suspended Job runs none.
      // The default (1 at a time) is the same single pod whatever `completions` says.
      const parallelism = num(spec?.parallelism) ?? 1;
      const completions = num(spec?.completions) ?? parallelism;
      const pods = spec?.suspend === true ? 0 : parallelism > 1 ? Math.max(1, Math.min(parallelism, completions)) : 1;
      out.push({ namespace, workload, kind: o.kind, pods, perPod });
      continue;
    }
    const hpa = hpas.get(`${namespace}/${o.kind}/${workload}`);
    // An HPA owns the replica count (WebService leaves `replicas` out then); at rest it holds the minimum, and if
    // a `replicas` field is also present the HPA overrides it at its next sync, so the minimum is what runs.
    // Without an HPA, `replicas` defaults to 1 as the API server does.
    const pods = hpa ? hpa.min : (num(spec?.replicas) ?? 1);
    out.push({ namespace, workload, kind: o.kind, pods, ...(hpa ? { maxPods: hpa.max } : {}), perPod });
  }
  return out;
}

// ---- sums and fit

export interface CapacityRow {
  /** The namespace, or "TOTAL" for the stack. */
  readonly namespace: string;
  readonly pods: number;
  /** Pods with every HPA at its maximum. */
  readonly maxPods: number;
  readonly requests: Amounts;
  readonly limits: Amounts;
  /** Requests with every HPA at its maximum. */
  readonly maxRequests: Amounts;
}

export interface CapacitySummary {
  /** One row per namespace, sorted by name. */
  readonly rows: readonly CapacityRow[];
  readonly total: CapacityRow;
}

function row(namespace: string, demands: readonly WorkloadDemand[]): CapacityRow {
  let acc: CapacityRow = { namespace, pods: 0, maxPods: 0, requests: NO_AMOUNTS, limits: NO_AMOUNTS, maxRequests: NO_AMOUNTS };
  for (const d of demands) {
    const top = Math.max(d.maxPods ?? d.pods, d.pods);
    acc = {
      namespace,
      pods: acc.pods + d.pods,
      maxPods: acc.maxPods + top,
      requests: add(acc.requests, times(d.perPod.requests, d.pods)),
      limits: add(acc.limits, times(d.perPod.limits, d.pods)),
      maxRequests: add(acc.maxRequests, times(d.perPod.requests, top)),
    };
  }
  return acc;
}

export function summarize(demands: readonly WorkloadDemand[]): CapacitySummary {
  const namespaces = [...new Set(demands.map((d) => d.namespace))].sort();
  return { rows: namespaces.map((ns) => row(ns, demands.filter((d) => d.namespace === ns))), total: row("TOTAL", demands) };
}

/** Mistakes in the profile itself (config should report them against its keys). */
export function profileProblems(p: ClusterProfile): string[] {
  const problems: string[] = [];
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(p.nodes, 1)) problems.push(`cluster profile: nodes must be a whole number >= 1 (got ${p.nodes})`);
  if (!whole(p.gpuNodes, 0) || p.gpuNodes > p.nodes) problems.push(`cluster profile: gpuNodes must be a whole number from 0 to nodes (${p.nodes}) (got ${p.gpuNodes})`);
  if (!whole(p.gpusPerNode, p.gpuNodes > 0 ? 1 : 0)) problems.push(`cluster profile: gpusPerNode must be a whole number >= 1 when there are GPU nodes (got ${p.gpusPerNode})`);
  for (const [key, parse] of [["nodeCpu", parseCpu], ["nodeMemory", parseMemory]] as const) {
    try {
      if (parse(p[key]) <= 0) problems.push(`cluster profile: ${key} must be more than 0 (got ${JSON.stringify(p[key])})`);
    } catch (e) {
      problems.push(`cluster profile: ${key}: ${(e as Error).message}`);
    }
  }
  return problems;
}

/** One node (GPUs: one GPU node) and the whole cluster. */
export function profileAmounts(p: ClusterProfile): { node: Amounts; cluster: Amounts } {
  const node = { cpuMilli: parseCpu(p.nodeCpu), memoryBytes: parseMemory(p.nodeMemory), gpus: p.gpuNodes > 0 ? p.gpusPerNode : 0 };
  return { node, cluster: { cpuMilli: node.cpuMilli * p.nodes, memoryBytes: node.memoryBytes * p.nodes, gpus: p.gpuNodes * p.gpusPerNode } };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Why the stack cannot run on the profile, each problem with its numbers; empty when it fits. Only requests
 * count: the scheduler places pods by requests, and limits above the machine are normal overcommit (pods rarely
 * peak together), so limits are reported in the table, never a problem here. Totals within the cluster are
 * necessary, not sufficient (pods do not split across nodes): the per-pod checks catch the pod that fits no
 * node, and the e2e tier's scheduler, on fake nodes of this same profile, proves the packing.
 */
export function checkFit(demands: readonly WorkloadDemand[], profile: ClusterProfile, gpuNodesTainted = false): string[] {
  const bad = profileProblems(profile);
  if (bad.length > 0) return bad;
  const { node, cluster } = profileAmounts(profile);
  const problems: string[] = [];
  const total = summarize(demands).total.requests;
  const shape = `${plural(profile.nodes, "node")} x ${formatCpu(node.cpuMilli)} CPU / ${formatMemory(node.memoryBytes)}`;
  if (total.cpuMilli > cluster.cpuMilli) {
    problems.push(`CPU requests total ${formatCpu(total.cpuMilli)} but the cluster has ${formatCpu(cluster.cpuMilli)} (${shape}): ${formatCpu(total.cpuMilli - cluster.cpuMilli)} over`);
  }
  if (total.memoryBytes > cluster.memoryBytes) {
    problems.push(`memory requests total ${formatMemory(total.memoryBytes)} but the cluster has ${formatMemory(cluster.memoryBytes)} (${shape}): ${formatMemory(total.memoryBytes - cluster.memoryBytes)} over`);
  }
  // With no GPU nodes each GPU workload is named below, which says more than a total against 0.
  if (profile.gpuNodes > 0 && total.gpus > cluster.gpus) {
    problems.push(`GPU requests total ${total.gpus} but the cluster has ${cluster.gpus} (${plural(profile.gpuNodes, "GPU node")} x ${profile.gpusPerNode})`);
  }
  if (gpuNodesTainted && profile.gpuNodes > 0) problems.push(...checkCpuPool(demands, profile, node));
  for (const d of demands) {
    if (Math.max(d.pods, d.maxPods ?? 0) === 0) continue; // scaled to zero: nothing to schedule
    const who = `${d.namespace}/${d.workload} (${d.kind})`;
    const r = d.perPod.requests;
    if (r.cpuMilli > node.cpuMilli) problems.push(`${who}: one pod requests ${formatCpu(r.cpuMilli)} CPU but a node has ${formatCpu(node.cpuMilli)}: it can never be scheduled`);
    if (r.memoryBytes > node.memoryBytes) problems.push(`${who}: one pod requests ${formatMemory(r.memoryBytes)} memory but a node has ${formatMemory(node.memoryBytes)}: it can never be scheduled`);
    if (r.gpus > 0 && profile.gpuNodes === 0) problems.push(`${who}: one pod requests ${plural(r.gpus, "GPU")} but the cluster profile has no GPU nodes`);
    else if (r.gpus > node.gpus) problems.push(`${who}: one pod requests ${plural(r.gpus, "GPU")} but a GPU node has ${node.gpus}: it can never be scheduled`);
  }
  return problems;
}

/**
 * Tainted GPU nodes (gpuTolerations) take only pods that tolerate the taint, which are the GPU pods: everything
 * else must fit on the other nodes. (The cluster-wide totals above would let CPU-only pods count the GPU nodes.)
 */
function checkCpuPool(demands: readonly WorkloadDemand[], profile: ClusterProfile, node: Amounts): string[] {
  const cpuOnly = demands.filter((d) => d.perPod.requests.gpus === 0);
  const nodes = profile.nodes - profile.gpuNodes;
  const total = summarize(cpuOnly).total.requests;
  if (total.cpuMilli === 0 && total.memoryBytes === 0) return [];
  const why = `GPU nodes are tainted (gpuTolerations), so pods without GPUs have ${plural(nodes, "node")}`;
  if (nodes === 0) return [`pods without GPUs request ${formatCpu(total.cpuMilli)} CPU but every node is a GPU node and ${why.slice(0, why.indexOf(","))}`];
  const problems: string[] = [];
  const cpu = node.cpuMilli * nodes;
  const memory = node.memoryBytes * nodes;
  if (total.cpuMilli > cpu) problems.push(`CPU requests of pods without GPUs total ${formatCpu(total.cpuMilli)} but ${why} with ${formatCpu(cpu)}: ${formatCpu(total.cpuMilli - cpu)} over`);
  if (total.memoryBytes > memory) problems.push(`memory requests of pods without GPUs total ${formatMemory(total.memoryBytes)} but ${why} with ${formatMemory(memory)}: ${formatMemory(total.memoryBytes - memory)} over`);
  return problems;
}

// ---- table

const percent = (used: number, of: number): string => (of > 0 ? `${Math.round((used / of) * 100)}%` : used > 0 ? "n/a" : "-");

/**
 * Fixed-width table: one row per namespace, TOTAL, the CLUSTER the profile declares, REQUESTED (% of the
 * cluster; limits above 100% are overcommit, not an error) and, when HPAs can scale up, the requests AT HPA MAX.
 */
export function formatCapacityTable(demands: readonly WorkloadDemand[], profile: ClusterProfile): string {
  const { rows, total } = summarize(demands);
  const { node, cluster } = profileAmounts(profile);
  const line = (r: CapacityRow): string[] => [
    r.namespace,
    String(r.pods),
    formatCpu(r.requests.cpuMilli),
    formatCpu(r.limits.cpuMilli),
    formatMemory(r.requests.memoryBytes),
    formatMemory(r.limits.memoryBytes),
    String(r.requests.gpus),
  ];
  const cells: string[][] = [
    ["NAMESPACE", "PODS", "CPU REQ", "CPU LIM", "MEM REQ", "MEM LIM", "GPUS"],
    ...rows.map(line),
    line(total),
    [
      `CLUSTER (${plural(profile.nodes, "node")} x ${formatCpu(node.cpuMilli)} CPU / ${formatMemory(node.memoryBytes)})`,
      "",
      formatCpu(cluster.cpuMilli),
      formatCpu(cluster.cpuMilli),
      formatMemory(cluster.memoryBytes),
      formatMemory(cluster.memoryBytes),
      String(cluster.gpus),
    ],
    [
      "REQUESTED (% of cluster)",
      "",
      percent(total.requests.cpuMilli, cluster.cpuMilli),
      percent(total.limits.cpuMilli, cluster.cpuMilli),
      percent(total.requests.memoryBytes, cluster.memoryBytes),
      percent(total.limits.memoryBytes, cluster.memoryBytes),
      percent(total.requests.gpus, cluster.gpus),
    ],
  ];
  if (total.maxPods > total.pods) {
    const m = total.maxRequests;
    cells.push(["AT HPA MAX", String(total.maxPods), formatCpu(m.cpuMilli), "", formatMemory(m.memoryBytes), "", String(m.gpus)]);
  }
  const widths = cells[0].map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const render = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const body = cells.map(render);
  // Rules set the namespaces apart from the totals and the cluster rows.
  return [body[0], rule, ...body.slice(1, rows.length + 1), rule, ...body.slice(rows.length + 1)].join("\n");
}
