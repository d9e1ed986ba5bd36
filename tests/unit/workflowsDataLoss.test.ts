// The delivery's data-loss check in the workflows (scripts/data-loss.ts): every pull request's preview reports the data
// an update puts at risk, prod's preview fails without the allow-data-loss label (and a label re-runs it), and prod's
// `up` is preceded by the same check, gated on the commit's pull-request labels. The last block shows the checker fails.
import * as fs from "fs";
import * as path from "path";
import { actionOf, type Job, jobsOf, loadWorkflows, PROJECT, PULUMI, ROOT, type Step, stepsOf, str, upStack, type Workflows } from "../helpers/workflows";

/** The data-loss check (scripts/data-loss.ts): it runs `pulumi preview --json` of the job's stack and the check. */
function dataLossSteps(job: Job): Step[] {
  return stepsOf(job).filter((s) => /\bpulumi preview\b[^\n]*--json/.test(str(s.run)) && str(s.run).includes("npm run --silent data-loss --"));
}

/** Data loss: every stack's preview reports it (one comment per stack), prod's refuses without the label, and adding
 *  the label re-runs the preview; prod's `up` is preceded by the same check, gated, with the commit's labels. */
function checkDataLoss(wfs: Workflows): string[] {
  const problems: string[] = [];
  const types = (wfs.preview?.doc.on?.pull_request as { types?: string[] } | null | undefined)?.types;
  for (const t of ["opened", "synchronize", "reopened", "labeled", "unlabeled"]) {
    if (types !== undefined && !types.includes(t)) problems.push(`preview: pull_request types lack ${t} (a label added must re-run the data-loss check)`);
  }
  if (types === undefined) problems.push("preview: pull_request without types: adding the allow-data-loss label would not re-run the check");
  const preview = wfs.preview?.doc.jobs.preview;
  const check = preview ? dataLossSteps(preview) : [];
  if (check.length !== 1) problems.push(`preview: ${check.length} data-loss steps (one per matrix stack expected)`);
  else {
    const run = str(check[0].run);
    for (const arg of ['--stack "$STACK_NAME"', '--comment "$PR_NUMBER"', '--labels "$PR_LABELS"', '"${gate[@]}"']) if (!run.includes(arg)) problems.push(`preview: the data-loss step does not pass ${arg}`);
    if (str(check[0].env?.GATE) !== "${{ matrix.data-loss-gate }}") problems.push("preview: the data-loss step's GATE is not the matrix's data-loss-gate");
    if (!str(check[0].if).includes("steps.gate.outputs.enabled == 'true'")) problems.push("preview: the data-loss step is not gated");
  }
  for (const e of preview?.strategy?.matrix?.include ?? []) {
    const want = str(e.stack) === "prod";
    if (e["data-loss-gate"] !== want) problems.push(`preview: ${str(e.stack)}'s data-loss-gate should be ${String(want)}`);
  }
  const deploy = wfs.deploy?.doc;
  const prod = deploy && jobsOf(deploy).find(([, j]) => upStack(j) === "prod")?.[1];
  if (!prod) return [...problems, "deploy: no prod up job"];
  const steps = stepsOf(prod);
  const gate = steps.findIndex((s) => dataLossSteps({ steps: [s] }).length === 1);
  const up = steps.findIndex((s) => actionOf(s.uses) === PULUMI && str(s.with?.command) === "up");
  if (gate < 0) problems.push("deploy/prod: no data-loss check before the up");
  else {
    const run = str(steps[gate].run);
    if (gate > up) problems.push("deploy/prod: the data-loss check runs after the up");
    if (!run.includes("--gate") || !run.includes('--labels-of-commit "$GITHUB_SHA"')) problems.push("deploy/prod: the data-loss check is not gated on the commit's pull-request labels");
    if (!run.includes("--stack prod") || !str(steps[gate].env?.STACK).endsWith(`/${PROJECT}/prod`)) problems.push("deploy/prod: the data-loss check previews another stack than prod");
    const installed = steps.findIndex((s) => actionOf(s.uses) === PULUMI);
    if (installed < 0 || installed > gate) problems.push("deploy/prod: the Pulumi CLI is not installed before the data-loss check");
  }
  const perms = prod.permissions;
  if (typeof perms !== "object" || !["read", "write"].includes(str(perms["pull-requests"]))) problems.push("deploy/prod: pull-requests: read is needed to read the labels");
  return problems;
}

const WFS = loadWorkflows();

describe("the data-loss check in the workflows", () => {
  test("data loss: every preview reports it, prod's fails without allow-data-loss (a label re-runs it), prod's up is refused the same way", () => {
    expect(checkDataLoss(WFS)).toEqual([]);
    const pkgScripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(pkgScripts["data-loss"]).toBe("tsc -p . && node bin/scripts/data-loss.js");
  });
});

describe("the data-loss checker can fail", () => {
  const mutated = (mutate: (w: Workflows) => void): Workflows => {
    const copy = structuredClone(WFS);
    mutate(copy);
    return copy;
  };

  test("a prod up without the data-loss check, with it after the up or ungated; a preview a label does not re-run", () => {
    const prodSteps = (w: Workflows) => stepsOf(w.deploy.doc.jobs.prod);
    const without = mutated((w) => (w.deploy.doc.jobs.prod.steps = prodSteps(w).filter((s) => !str(s.run).includes("data-loss"))));
    expect(checkDataLoss(without).join("\n")).toMatch(/no data-loss check before the up/);
    const after = mutated((w) => {
      const steps = prodSteps(w);
      const i = steps.findIndex((s) => str(s.run).includes("data-loss"));
      steps.push(...steps.splice(i, 1));
    });
    expect(checkDataLoss(after).join("\n")).toMatch(/runs after the up/);
    const ungated = mutated((w) => {
      const s = prodSteps(w).find((x) => str(x.run).includes("data-loss"))!;
      s.run = str(s.run).replace("--gate ", "");
    });
    expect(checkDataLoss(ungated).join("\n")).toMatch(/not gated on the commit's pull-request labels/);
    const noLabelRerun = mutated((w) => ((w.preview.doc.on!.pull_request as { types: string[] }).types = ["opened", "synchronize"]));
    expect(checkDataLoss(noLabelRerun).join("\n")).toMatch(/lack labeled/);
    const devGated = mutated((w) => (w.preview.doc.jobs.preview.strategy!.matrix!.include![0]["data-loss-gate"] = true));
    expect(checkDataLoss(devGated).join("\n")).toMatch(/dev's data-loss-gate should be false/);
  });
});
