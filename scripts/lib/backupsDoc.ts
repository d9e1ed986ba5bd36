/**
 * What each stack backs up, read from a render: the stack's outputs list every backed-up store (BackedUpStore: what,
 * where, the commands), the CronJobs their schedules. docs/operations.md's "Backups" tables are generated from this
 * (`npm run docs`), and a test keeps them current.
 */
import { valueAt as at } from "../../components/lib/valueAt";
import { k8sName, type Recorded } from "./render";

export interface BackupRow {
  readonly namespace: string;
  readonly store: string;
  readonly what: string;
  readonly location: string;
  readonly schedule: string;
  readonly drillSchedule: string;
  readonly restore: string;
}

interface Listed {
  readonly what: string;
  readonly location: string;
  readonly backupNow: string;
  readonly restore: string;
}

const isListed = (v: unknown): v is Listed =>
  typeof v === "object" && v !== null && ["what", "location", "backupNow", "restore"].every((k) => typeof (v as Record<string, unknown>)[k] === "string");

/** Every backed-up store in the outputs (under any suite or add-on), with its CronJobs' schedules. */
export function backupRows(resources: readonly Recorded[], outputs: Readonly<Record<string, unknown>>): BackupRow[] {
  const rows: BackupRow[] = [];
  const schedule = (ns: string, name: string) => {
    const cron = resources.find((r) => r.type === "kubernetes:batch/v1:CronJob" && k8sName(r) === name && at(r.inputs, "metadata.namespace") === ns);
    if (!cron) throw new Error(`the outputs list ${ns}/${name}, which the render does not have`);
    return String(at(cron.inputs, "spec.schedule"));
  };
  const walk = (v: unknown, key: string) => {
    if (isListed(v)) {
      const ns = /kubectl -n (\S+) /.exec(v.backupNow)?.[1] ?? "";
      rows.push({ namespace: ns, store: key, what: v.what, location: v.location, schedule: schedule(ns, `backup-${key}`), drillSchedule: schedule(ns, `drill-${key}`), restore: v.restore });
    } else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(outputs, "");
  // A suite's stores can be listed twice (its own outputs and the stack's summary): one row each.
  const unique = [...new Map(rows.map((r) => [`${r.namespace}/${r.store}`, r])).values()];
  return unique.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.store.localeCompare(b.store));
}

/** The Markdown of one stack: a row per store, and where its backups go. */
export function backupsTable(stack: string, rows: readonly BackupRow[]): string {
  if (rows.length === 0) return `**${stack}**: nothing is backed up (no persistence, or no target).`;
  const locations = [...new Set(rows.map((r) => r.location.replace(/, prefix .*$/, "")))];
  const lines = [
    `**${stack}**: ${rows.length} stores, to ${locations.join("; ")}, each under the prefix \`${stack}/<namespace>/<store>/\`.`,
    "",
    "| namespace | store | what | backup (UTC) | drill (UTC) | restore (by hand) |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| \`${r.namespace}\` | \`${r.store}\` | ${r.what} | \`${r.schedule}\` | \`${r.drillSchedule}\` | \`${r.restore}\` |`),
  ];
  return lines.join("\n");
}
