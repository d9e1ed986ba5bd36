/**
 * The GitHub Actions workflows as the workflow tests read them (tests/unit/workflows*.test.ts): loaded, typed, and
 * the small accessors every checker uses.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

// The project root, also when the tests run compiled from bin/.
export const ROOT = findRoot(__dirname);
function findRoot(dir: string): string {
  return fs.existsSync(path.join(dir, "package.json")) ? dir : findRoot(path.dirname(dir));
}
const WORKFLOW_DIR = path.join(ROOT, ".github/workflows");
export const PROJECT = "llm-platform";

export type Dict = Record<string, unknown>;
export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Dict;
  env?: Dict;
  "continue-on-error"?: boolean;
}
export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: string | Dict;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  strategy?: { "fail-fast"?: boolean; matrix?: { include?: Dict[]; stack?: string[] } };
  outputs?: Dict;
  env?: Dict;
  uses?: string;
  steps?: Step[];
}
export interface Workflow {
  name?: string;
  on?: Dict;
  permissions?: string | Dict;
  env?: Dict;
  jobs: Record<string, Job>;
}
export interface Loaded {
  file: string;
  text: string;
  doc: Workflow;
}
export type Workflows = Record<string, Loaded>;

export function loadWorkflows(): Workflows {
  const out: Workflows = {};
  for (const file of fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const text = fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
    out[file.replace(/\.ya?ml$/, "")] = { file, text, doc: yaml.load(text) as Workflow };
  }
  return out;
}

/** The stacks: one per Pulumi.<stack>.yaml at the project root. */
export function stackFiles(): string[] {
  return fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export const jobsOf = (w: Workflow): [string, Job][] => Object.entries(w.jobs ?? {});
export const stepsOf = (j: Job): Step[] => j.steps ?? [];
export const actionOf = (uses: string | undefined): string | undefined => uses?.split("@")[0];
export const usesAction = (j: Job, action: string) => stepsOf(j).some((s) => actionOf(s.uses) === action);
export const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
export const needsOf = (j: Job): string[] => (j.needs === undefined ? [] : Array.isArray(j.needs) ? j.needs : [j.needs]);
export const matrixStacks = (j: Job): string[] =>
  [...(j.strategy?.matrix?.stack ?? []), ...(j.strategy?.matrix?.include ?? []).map((e) => str(e.stack))].sort();
export const LOGIN = "pulumi/auth-actions";
export const ESC = "pulumi/esc-action";
export const PULUMI = "pulumi/actions";

/** A job's stack from its pulumi/actions stack-name (a literal stack, or the matrix one). */
export function upStack(job: Job): string | undefined {
  const s = stepsOf(job).find((x) => actionOf(x.uses) === PULUMI && ["up", "update"].includes(str(x.with?.command)));
  return s ? new RegExp(`/${PROJECT}/([^/]+)$`).exec(str(s.with?.["stack-name"]))?.[1] : undefined;
}
