// The GitHub Actions workflows (.github/workflows): supply-chain pinning, least privilege, and the deployment
// invariants (one `up` per stack at a time, prod behind dev and the `production` environment, every stack previewed
// and drift-checked, forks skipped cleanly). Each invariant is a checker returning its violations; the last block
// feeds each checker a mutated copy of the workflows to prove it can fail.
import * as fs from "fs";
import * as path from "path";
import { actionOf, type Dict, ESC, type Job, jobsOf, loadWorkflows, LOGIN, matrixStacks, needsOf, PROJECT, PULUMI, ROOT, stackFiles, type Step, stepsOf, str, upStack, usesAction, type Workflows } from "../helpers/workflows";

// ---------------------------------------------------------------------------------------------------------------------
// Checkers: each returns human-readable violations (empty when the invariant holds).

/** Every non-local action (steps and reusable workflows) is pinned to a full commit SHA with a `# vX.Y.Z` comment;
 *  one action, one SHA and one version across all workflows. */
function checkPinned(wfs: Workflows): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>(); // action -> "sha # version"
  for (const { file, text, doc } of Object.values(wfs)) {
    const parsed = jobsOf(doc).flatMap(([, j]) => [j.uses, ...stepsOf(j).map((s) => s.uses)]);
    for (const uses of parsed) {
      if (uses === undefined || uses.startsWith("./")) continue;
      if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/.test(uses)) problems.push(`${file}: ${uses} is not pinned to a 40-hex commit SHA`);
    }
    // The comments are not in the parsed document: read the lines.
    for (const line of text.split("\n")) {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
      if (!m || m[1].startsWith("./")) continue;
      const version = /#\s*(v\d+\.\d+\.\d+)\s*$/.exec(m[2])?.[1];
      if (!version) {
        problems.push(`${file}: "${line.trim()}" has no "# vX.Y.Z" comment naming the release`);
        continue;
      }
      const [action, sha] = m[1].split("@");
      const pin = `${sha} # ${version}`;
      const earlier = seen.get(action);
      if (earlier !== undefined && earlier !== pin) problems.push(`${file}: ${action} pinned as ${pin}, elsewhere as ${earlier}`);
      seen.set(action, pin);
    }
  }
  return problems;
}

/** permissions: read-only (or empty) at the top, explicit on every job; the only writes are id-token (jobs that log
 *  in to Pulumi Cloud), pull-requests (the job that comments its preview) and issues (the job that reports drift). */
function checkPermissions(wfs: Workflows): string[] {
  const problems: string[] = [];
  const values = (p: string | Dict | undefined): [string, string][] =>
    typeof p === "object" && p !== null ? Object.entries(p).map(([k, v]) => [k, str(v)]) : [];
  for (const { file, text, doc } of Object.values(wfs)) {
    const top = doc.permissions;
    if (top === undefined) problems.push(`${file}: no top-level permissions`);
    else if (typeof top === "string") problems.push(`${file}: top-level permissions "${top}" (use {} or read scopes)`);
    else for (const [k, v] of values(top)) if (v !== "read" && v !== "none") problems.push(`${file}: top-level ${k}: ${v}`);

    for (const [name, job] of jobsOf(doc)) {
      const p = job.permissions;
      if (p === undefined || typeof p === "string") {
        problems.push(`${file}/${name}: permissions must be an explicit map (got ${JSON.stringify(p)})`);
        continue;
      }
      const logsIn = usesAction(job, LOGIN) || stepsOf(job).some((s) => actionOf(s.uses) === ESC && str(s.with?.["oidc-auth"]) === "true");
      const comments = stepsOf(job).some((s) => actionOf(s.uses) === PULUMI && str(s.with?.["comment-on-pr"]) === "true");
      const reports = usesAction(job, "actions/github-script");
      for (const [scope, level] of values(p)) {
        if (!["read", "write", "none"].includes(level)) problems.push(`${file}/${name}: ${scope}: ${level}`);
        if (level !== "write") continue;
        const allowed = (scope === "id-token" && logsIn) || (scope === "pull-requests" && comments) || (scope === "issues" && reports);
        if (!allowed) problems.push(`${file}/${name}: ${scope}: write is not needed by this job`);
      }
      if (logsIn && str((p as Dict)["id-token"]) !== "write") problems.push(`${file}/${name}: logs in through OIDC without id-token: write`);
    }
    if (/\$\{\{\s*secrets\./.test(text)) {
      problems.push(`${file}: uses a repository secret (credentials come from OIDC and ESC only)`);
    }
  }
  return problems;
}

/** Every job that logs in opens the ESC environment <org>/llm-platform/<stack> after the login, and runs Pulumi for
 *  that same stack with the pinned CLI. */
function checkCredentials(wfs: Workflows, cliVersion: string | undefined): string[] {
  const problems: string[] = [];
  for (const { file, doc } of Object.values(wfs)) {
    const envVersion = str(doc.env?.PULUMI_CLI_VERSION);
    if (cliVersion !== undefined && jobsOf(doc).some(([, j]) => usesAction(j, LOGIN)) && envVersion !== cliVersion) {
      problems.push(`${file}: PULUMI_CLI_VERSION "${envVersion}" is not package.json's pulumi ${cliVersion}`);
    }
    for (const [name, job] of jobsOf(doc)) {
      const steps = stepsOf(job);
      const login = steps.findIndex((s) => actionOf(s.uses) === LOGIN);
      if (login < 0) continue;
      if (str(steps[login].with?.organization) !== "${{ vars.PULUMI_ORG }}") problems.push(`${file}/${name}: login organization is not vars.PULUMI_ORG`);
      const esc = steps.findIndex((s) => actionOf(s.uses) === ESC);
      if (esc < login) {
        problems.push(`${file}/${name}: no ESC environment opened after the login`);
        continue;
      }
      const envName = str(steps[esc].with?.environment);
      const m = new RegExp(`^\\$\\{\\{ vars\\.PULUMI_ORG \\}\\}/${PROJECT}/(.+)$`).exec(envName);
      if (!m) problems.push(`${file}/${name}: ESC environment "${envName}" is not <PULUMI_ORG>/${PROJECT}/<stack>`);
      if (str(steps[esc].with?.version) !== "${{ env.PULUMI_CLI_VERSION }}") problems.push(`${file}/${name}: esc-action does not install PULUMI_CLI_VERSION`);
      for (const s of steps.filter((x) => actionOf(x.uses) === PULUMI)) {
        // Without a command the action only installs the CLI (for the data-loss check's own preview).
        if (s.with?.command !== undefined && str(s.with["stack-name"]) !== `\${{ vars.PULUMI_ORG }}/${PROJECT}/${m?.[1]}`) {
          problems.push(`${file}/${name}: stack-name ${str(s.with?.["stack-name"])} is not the ESC environment's stack ${m?.[1]}`);
        }
        if (str(s.with?.["pulumi-version"]) !== "${{ env.PULUMI_CLI_VERSION }}") problems.push(`${file}/${name}: pulumi/actions without pulumi-version`);
        if (steps.indexOf(s) < esc) problems.push(`${file}/${name}: pulumi runs before the ESC environment is open`);
      }
    }
    for (const [name, job] of jobsOf(doc)) {
      for (const s of stepsOf(job).filter((x) => actionOf(x.uses) === "actions/setup-node")) {
        if (str(s.with?.["node-version-file"]) !== ".nvmrc") problems.push(`${file}/${name}: setup-node without node-version-file: .nvmrc`);
      }
    }
  }
  return problems;
}


/** deploy: on push to main, one `up` job per stack, each in its own concurrency group with cancel-in-progress false;
 *  prod needs dev and runs in the `production` environment. */
function checkDeploy(wfs: Workflows, stacks: string[]): string[] {
  const problems: string[] = [];
  const w = wfs.deploy?.doc;
  if (!w) return ["deploy.yml is missing"];
  const branches = (w.on?.push as { branches?: string[] } | undefined)?.branches ?? [];
  if (!branches.includes("main")) problems.push("deploy: not triggered by a push to main");
  if (w.on?.pull_request !== undefined || w.on?.pull_request_target !== undefined) problems.push("deploy: must not run on pull requests");
  const ups = jobsOf(w)
    .map(([name, job]) => ({ name, job, stack: upStack(job) }))
    .filter((u) => u.stack !== undefined);
  expectSame(problems, "deploy: stacks with an `up` job", ups.map((u) => str(u.stack)).sort(), stacks);
  const groups = new Set<string>();
  for (const { name, job, stack } of ups) {
    const c = job.concurrency;
    if (typeof c !== "object" || c === null) {
      problems.push(`deploy/${name}: no concurrency group`);
      continue;
    }
    if (!c.group.includes(`-${stack}`)) problems.push(`deploy/${name}: concurrency group "${c.group}" does not name its stack ${stack}`);
    if (c["cancel-in-progress"] !== false) problems.push(`deploy/${name}: cancel-in-progress must be false (an update is never cancelled)`);
    if (groups.has(c.group)) problems.push(`deploy/${name}: concurrency group "${c.group}" shared with another stack`);
    groups.add(c.group);
  }
  const dev = ups.find((u) => u.stack === "dev");
  const prod = ups.find((u) => u.stack === "prod");
  if (!dev || !prod) return [...problems, "deploy: no dev or no prod up job"];
  if (!needsOf(prod.job).includes(dev.name)) problems.push(`deploy/${prod.name}: does not need the dev job ${dev.name}`);
  const env = prod.job.environment;
  if ((typeof env === "string" ? env : env?.name) !== "production") problems.push(`deploy/${prod.name}: not in environment production`);
  for (const { name, job } of ups.filter((u) => u !== prod)) {
    if (job.environment !== undefined && (typeof job.environment === "string" ? job.environment : job.environment.name) === "production") {
      problems.push(`deploy/${name}: only prod runs in the production environment`);
    }
  }
  return problems;
}

function expectSame(problems: string[], what: string, actual: string[], expected: string[]) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${what}: ${JSON.stringify(actual)}, stack files: ${JSON.stringify(expected)}`);
}

/** The matrix of a stack job covers exactly the stack files, each with policy/config.<stack>.json when there is one. */
function checkMatrix(file: string, job: Job, stacks: string[]): string[] {
  const problems: string[] = [];
  expectSame(problems, `${file}: matrix stacks`, matrixStacks(job), stacks);
  for (const entry of job.strategy?.matrix?.include ?? []) {
    const config = `policy/config.${str(entry.stack)}.json`;
    const want = fs.existsSync(path.join(ROOT, config)) ? config : "";
    if (str(entry["policy-pack-config"]) !== want) problems.push(`${file}: ${str(entry.stack)}'s policy-pack-config should be "${want}"`);
  }
  if (job.strategy?.["fail-fast"] !== false) problems.push(`${file}: fail-fast must be false (one stack's failure must not hide another's)`);
  return problems;
}

/** A job's first step is the gate (id gate, a ::notice:: when it skips) and every later step runs only if it passed. */
function checkGated(file: string, name: string, job: Job, forkCheck: boolean): string[] {
  const problems: string[] = [];
  const [gate, ...rest] = stepsOf(job);
  if (gate?.id !== "gate" || !str(gate.run).includes("::notice") || !str(gate.run).includes('>>"$GITHUB_OUTPUT"')) {
    return [`${file}/${name}: the first step is not the gate (id: gate, ::notice::, an output)`];
  }
  if (forkCheck && !Object.values(gate.env ?? {}).some((v) => str(v).includes("github.event.pull_request.head.repo.full_name"))) {
    problems.push(`${file}/${name}: the gate does not compare the pull request's head repository with this one`);
  }
  if (!str(gate.run).includes("PULUMI_ORG") || !str(gate.run).includes("ACTIONS_ID_TOKEN_REQUEST_URL")) {
    problems.push(`${file}/${name}: the gate does not check PULUMI_ORG and the OIDC token`);
  }
  for (const s of rest) {
    if (!str(s.if).includes("steps.gate.outputs.enabled == 'true'")) problems.push(`${file}/${name}: step "${s.name ?? s.uses ?? s.run}" is not gated`);
  }
  return problems;
}

/** preview: on pull requests, tiers 1-2, then a gated preview per stack, commenting once per stack (edited). */
function checkPreview(wfs: Workflows, stacks: string[]): string[] {
  const w = wfs.preview?.doc;
  if (!w) return ["preview.yml is missing"];
  const problems: string[] = [];
  if (w.on?.pull_request === undefined) problems.push("preview: not triggered by pull_request");
  if (w.on?.pull_request_target !== undefined) problems.push("preview: pull_request_target would run fork code with write tokens");
  const runs = jobsOf(w).flatMap(([, j]) => stepsOf(j).map((s) => str(s.run)));
  for (const cmd of ["npm ci", "npx tsc -p .", "npx eslint . --max-warnings 0", "npx jest --ci", "bash scripts/actionlint.sh"]) {
    if (!runs.some((r) => r.includes(cmd))) problems.push(`preview: no step runs \`${cmd}\``);
  }
  const previews = jobsOf(w).filter(([, j]) => stepsOf(j).some((s) => actionOf(s.uses) === PULUMI && str(s.with?.command) === "preview"));
  if (previews.length !== 1) return [...problems, `preview: ${previews.length} preview jobs (one matrix job expected)`];
  const [name, job] = previews[0];
  problems.push(...checkMatrix("preview", job, stacks), ...checkGated("preview", name, job, true));
  const s = stepsOf(job).find((x) => actionOf(x.uses) === PULUMI);
  const want: Record<string, string> = {
    "stack-name": `\${{ vars.PULUMI_ORG }}/${PROJECT}/\${{ matrix.stack }}`,
    diff: "true",
    "comment-on-pr": "true",
    "edit-pr-comment": "true",
    "expect-no-changes": "false",
    policyPacks: "policy",
    policyPackConfigs: "${{ matrix.policy-pack-config }}",
  };
  for (const [k, v] of Object.entries(want)) if (str(s?.with?.[k]) !== v) problems.push(`preview: pulumi/actions ${k} is "${str(s?.with?.[k])}", want "${v}"`);
  return problems;
}

/** drift: scheduled (and manual), per stack refresh --preview-only and preview --expect-no-changes, then ONE issue
 *  opened or commented on when any stack failed. */
function checkDrift(wfs: Workflows, stacks: string[]): string[] {
  const w = wfs.drift?.doc;
  if (!w) return ["drift.yml is missing"];
  const problems: string[] = [];
  if (!Array.isArray(w.on?.schedule) || (w.on?.schedule as unknown[]).length === 0) problems.push("drift: no schedule");
  if (!("workflow_dispatch" in (w.on ?? {}))) problems.push("drift: no workflow_dispatch");
  const checks = jobsOf(w).filter(([, j]) => stepsOf(j).some((s) => /\bpulumi refresh\b/.test(str(s.run))));
  if (checks.length !== 1) return [...problems, `drift: ${checks.length} refresh jobs (one matrix job expected)`];
  const [name, job] = checks[0];
  problems.push(...checkMatrix("drift", job, stacks), ...checkGated("drift", name, job, false));
  const runs = stepsOf(job).map((s) => str(s.run));
  if (!runs.some((r) => /\bpulumi refresh\b[^\n]*--preview-only/.test(r))) problems.push("drift: pulumi refresh without --preview-only");
  if (runs.some((r) => /\bpulumi (refresh|up|destroy)\b(?![^\n]*--preview-only)/.test(r))) problems.push("drift: a command that changes the stack");
  if (!runs.some((r) => /\bpulumi preview\b[^\n]*--expect-no-changes/.test(r))) problems.push("drift: pulumi preview without --expect-no-changes");
  if (!str(job.env?.STACK).endsWith(`/${PROJECT}/\${{ matrix.stack }}`)) problems.push("drift: STACK is not <org>/llm-platform/<matrix.stack>");

  const reports = jobsOf(w).filter(([, j]) => usesAction(j, "actions/github-script"));
  if (reports.length !== 1) return [...problems, `drift: ${reports.length} issue jobs (one expected)`];
  const [rname, report] = reports[0];
  if (!needsOf(report).includes(name)) problems.push(`drift/${rname}: does not need the drift job`);
  if (!/always\(\)/.test(str(report.if)) || !str(report.if).includes(`needs.${name}.result == 'failure'`)) {
    problems.push(`drift/${rname}: must run (always()) exactly when the drift job failed`);
  }
  const step = stepsOf(report).find((s) => actionOf(s.uses) === "actions/github-script");
  const script = str(step?.with?.script);
  const title = str(step?.env?.ISSUE_TITLE);
  if (!title || /\$\{\{/.test(title)) problems.push(`drift/${rname}: the issue title must be fixed text (got "${title}")`);
  for (const call of ["issues.listForRepo", 'state: "open"', "issues.createComment", "issues.create(", "return;"]) {
    if (!script.includes(call)) problems.push(`drift/${rname}: the script has no ${call} (find the open issue, comment on it, else create it)`);
  }
  if (script.indexOf("issues.createComment") > script.indexOf("issues.create(")) problems.push(`drift/${rname}: creates before looking for the open issue`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------------

const WFS = loadWorkflows();
const STACKS = stackFiles();
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
const CLI_VERSION = pkg.dependencies?.pulumi;

describe("GitHub Actions workflows", () => {
  test("the three workflows exist and the stacks are the Pulumi.<stack>.yaml files", () => {
    expect(Object.keys(WFS)).toEqual(expect.arrayContaining(["deploy", "drift", "preview"]));
    expect(STACKS).toEqual(expect.arrayContaining(["dev", "prod"]));
  });

  test("every third-party action is pinned to a 40-hex commit SHA with a # vX.Y.Z comment, one pin per action", () => {
    expect(checkPinned(WFS)).toEqual([]);
  });

  test("permissions: {} or read-only at the top, explicit per job; writes only where needed; no secrets", () => {
    expect(checkPermissions(WFS)).toEqual([]);
  });

  test("OIDC login, then the ESC environment <org>/llm-platform/<stack> of the stack the job runs; pinned CLI", () => {
    expect(checkCredentials(WFS, CLI_VERSION)).toEqual([]);
  });

  test("deploy: per-stack concurrency without cancel-in-progress; prod needs dev and uses environment production", () => {
    expect(checkDeploy(WFS, STACKS)).toEqual([]);
  });

  test("preview: tiers 1-2, then every stack previewed with the policy pack, one edited comment each, forks skipped", () => {
    expect(checkPreview(WFS, STACKS)).toEqual([]);
    expect(fs.existsSync(path.join(ROOT, "policy/PulumiPolicy.yaml"))).toBe(true);
  });

  test("drift: every stack refreshed (preview only) and previewed with --expect-no-changes; one issue opened or updated", () => {
    expect(checkDrift(WFS, STACKS)).toEqual([]);
  });

});

describe("the workflow checks can fail", () => {
  const mutated = (mutate: (w: Workflows) => void): Workflows => {
    const copy = structuredClone(WFS);
    mutate(copy);
    return copy;
  };
  const step = (w: Workflows, wf: string, job: string, action: string): Step => {
    const s = stepsOf(w[wf].doc.jobs[job]).find((x) => actionOf(x.uses) === action);
    if (!s) throw new Error(`${wf}/${job} has no ${action} step`);
    return s;
  };

  test("an action pinned to a tag, or without its version comment", () => {
    const tag = mutated((w) => {
      w.preview.text = w.preview.text.replace(/actions\/checkout@[0-9a-f]{40}/, "actions/checkout@v7");
      step(w, "preview", "test", "actions/checkout").uses = "actions/checkout@v7";
    });
    expect(checkPinned(tag).join("\n")).toMatch(/actions\/checkout@v7 is not pinned/);
    const noComment = mutated((w) => {
      w.drift.text = w.drift.text.replace(/(actions\/github-script@[0-9a-f]{40}) # v[\d.]+/, "$1");
    });
    expect(checkPinned(noComment).join("\n")).toMatch(/no "# vX.Y.Z" comment/);
  });

  test("write-all, a stray write scope, id-token on a job that does not log in, a secret", () => {
    expect(checkPermissions(mutated((w) => (w.deploy.doc.permissions = "write-all")))).not.toEqual([]);
    expect(checkPermissions(mutated((w) => (w.preview.doc.jobs.test.permissions = { contents: "write" })))).not.toEqual([]);
    expect(checkPermissions(mutated((w) => (w.drift.doc.jobs.report.permissions = { issues: "write", "id-token": "write" })))).not.toEqual([]);
    expect(checkPermissions(mutated((w) => delete w.preview.doc.jobs.preview.permissions))).not.toEqual([]);
    expect(checkPermissions(mutated((w) => (w.deploy.text += "\n# ${{ secrets.KUBECONFIG }}\n")))).not.toEqual([]);
  });

  test("prod without needs dev, without the production environment, or cancelling a running up", () => {
    expect(checkDeploy(mutated((w) => delete w.deploy.doc.jobs.prod.needs), STACKS).join("\n")).toMatch(/does not need the dev job/);
    expect(checkDeploy(mutated((w) => delete w.deploy.doc.jobs.prod.environment), STACKS).join("\n")).toMatch(/production/);
    expect(
      checkDeploy(mutated((w) => (w.deploy.doc.jobs.dev.concurrency = { group: "pulumi-up-llm-platform-dev", "cancel-in-progress": true })), STACKS).join("\n"),
    ).toMatch(/cancel-in-progress/);
    expect(checkDeploy(mutated((w) => (w.deploy.doc.jobs.prod.concurrency = { group: "pulumi-up-llm-platform-dev", "cancel-in-progress": false })), STACKS)).not.toEqual([]);
  });

  test("a new Pulumi.<stack>.yaml without workflow coverage", () => {
    const withStaging = [...STACKS, "staging"].sort();
    expect(checkPreview(WFS, withStaging).join("\n")).toMatch(/matrix stacks/);
    expect(checkDrift(WFS, withStaging).join("\n")).toMatch(/matrix stacks/);
    expect(checkDeploy(WFS, withStaging).join("\n")).toMatch(/up` job/);
  });

  test("a preview without the edited comment, the policy pack, or the fork gate", () => {
    expect(checkPreview(mutated((w) => (step(w, "preview", "preview", PULUMI).with!["edit-pr-comment"] = false)), STACKS)).not.toEqual([]);
    expect(checkPreview(mutated((w) => delete step(w, "preview", "preview", PULUMI).with!.policyPacks), STACKS)).not.toEqual([]);
    expect(checkPreview(mutated((w) => delete step(w, "preview", "preview", PULUMI).if), STACKS).join("\n")).toMatch(/not gated/);
    expect(
      checkPreview(mutated((w) => delete stepsOf(w.preview.doc.jobs.preview)[0].env!.HEAD_REPO), STACKS).join("\n"),
    ).toMatch(/head repository/);
  });

  test("a drift check that really refreshes, or files an issue per run", () => {
    const refresh = (w: Workflows) => stepsOf(w.drift.doc.jobs.drift).find((s) => s.id === "refresh")!;
    expect(checkDrift(mutated((w) => (refresh(w).run = 'pulumi refresh --stack "$STACK" --yes')), STACKS)).not.toEqual([]);
    expect(
      checkDrift(mutated((w) => (step(w, "drift", "report", "actions/github-script").with!.script = "await github.rest.issues.create({})")), STACKS),
    ).not.toEqual([]);
  });


  test("a job opening another stack's ESC environment than the one it deploys", () => {
    const other = mutated((w) => (step(w, "deploy", "prod", ESC).with!.environment = "${{ vars.PULUMI_ORG }}/llm-platform/dev"));
    expect(checkCredentials(other, CLI_VERSION).join("\n")).toMatch(/not the ESC environment's stack dev/);
  });
});
