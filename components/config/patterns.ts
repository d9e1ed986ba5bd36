/** Validation patterns shared by the config slices (Kubernetes name and quantity syntax). */

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
export const STORAGE_QUANTITY = /^([1-9][0-9]*)(Mi|Gi|Ti)$/;
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const RESOURCE_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;
export const SEMVER = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
export const CHART_REPO = /^(https?|oci):\/\/[^\s/]+(\/[^\s]*)?$/;

/** CPU and memory quantities as the config writes them (Kubernetes' syntax, the suffixes we use). */
export const CPU_QUANTITY = /^([0-9]+(\.[0-9]+)?|[0-9]+m)$/;
export const MEMORY_QUANTITY = /^[0-9]+(Ki|Mi|Gi|Ti)$/;

/** The upper bounds past which a size is a typo, not a plan (a node with 1024 CPUs, 64Ti of memory, a 1Pi claim). */
export const QUANTITY_LIMITS = { cpuMilli: 1024 * 1000, memoryBytes: 64 * 2 ** 40, storageBytes: 2 ** 50 } as const;

const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number; names?: readonly string[] }> = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/**
 * What is wrong with a CronJob schedule, or undefined: five fields (each `*`, a value, a range, a list, with `/step`;
 * month and weekday names), or one of Kubernetes' macros (@daily, @hourly, ...). The CronJob controller's parser
 * (robfig/cron's standard one) accepts these; a time zone belongs in the CronJob's timeZone, not here.
 */
export function cronProblem(expr: string): string | undefined {
  const e = expr.trim();
  if (CRON_MACROS.includes(e)) return undefined;
  if (e.startsWith("@")) return `unknown macro ${JSON.stringify(e)} (allowed: ${CRON_MACROS.join(", ")})`;
  if (/^(CRON_)?TZ=/.test(e)) return "a time zone does not go in the schedule";
  const fields = e.split(/\s+/);
  if (fields.length !== 5) return `has ${fields.length} field${fields.length === 1 ? "" : "s"}, a cron schedule has five (minute hour day-of-month month day-of-week) or is a macro such as @daily`;
  for (const [i, f] of fields.entries()) {
    const spec = CRON_FIELDS[i];
    const value = (v: string) => {
      const n = spec.names?.indexOf(v.toLowerCase()) ?? -1;
      const x = n >= 0 ? n + (spec.name === "month" ? 1 : 0) : /^[0-9]+$/.test(v) ? Number(v) : NaN;
      return x >= spec.min && x <= spec.max ? x : undefined;
    };
    for (const part of f.split(",")) {
      const [range, step, extra] = part.split("/");
      if (extra !== undefined || (step !== undefined && !/^[1-9][0-9]*$/.test(step))) return `${spec.name} ${JSON.stringify(f)}: a step is /<positive number>`;
      if (range === "*" || range === "?") continue;
      const [a, b, more] = range.split("-");
      const lo = value(a);
      const hi = b === undefined ? lo : value(b);
      if (more !== undefined || lo === undefined || hi === undefined || hi < lo) return `${spec.name} ${JSON.stringify(f)} is outside ${spec.min}-${spec.max}${spec.names ? ` (or ${spec.names[0]}-${spec.names[spec.names.length - 1]})` : ""}`;
    }
  }
  return undefined;
}

/**
 * A CIDR whose prefix is shorter than /8 (IPv4) or /16 (IPv6): 0.0.0.0/0 and its halves are "the internet", not an
 * allow-list or a peer (edgeAllowedCidrs, networkApiServerCidrs, monitoringNodeCidrs).
 */
export function tooWide(cidr: string): boolean {
  const [address, bits] = cidr.split("/");
  return Number(bits) < (address.includes(":") ? 16 : 8);
}
