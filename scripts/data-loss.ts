/**
 * The data an update puts at risk (scripts/lib/dataLoss.ts), from a saved `pulumi preview --json`: printed, added to
 * the run's summary and, with --comment, kept in one pull-request comment per stack (edited on every run). With
 * --gate it refuses (exit 1) unless the change is approved by the label (default `allow-data-loss`) on the pull
 * request: the labels given (--labels, the pull_request event's), or those of the pull requests a commit belongs to
 * (--labels-of-commit, for a push to main). .github/workflows/preview.yml and deploy.yml run it.
 *
 *   pulumi preview --stack <org>/llm-platform/prod --json > preview.json
 *   npm run --silent data-loss -- preview.json --stack prod [--gate] [--labels a,b] [--labels-of-commit SHA] [--comment PR]
 *
 * GitHub: GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL (the Actions runner sets the last two).
 */
import * as fs from "fs";
import { dataLoss, dataLossReport, needsApproval, type PreviewDigest } from "./lib/dataLoss";

export const APPROVAL_LABEL = "allow-data-loss";

export interface Options {
  readonly plan: string;
  readonly stack: string;
  readonly gate: boolean;
  readonly label: string;
  readonly labels: readonly string[];
  readonly labelsOfCommit?: string;
  readonly comment?: number;
}

const USAGE = "usage: data-loss <preview.json> --stack <name> [--gate] [--label <name>] [--labels a,b] [--labels-of-commit <sha>] [--comment <pull request>]";

export function parseArgs(argv: readonly string[]): Options {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--gate") flags.set("gate", "true");
    else if (["--stack", "--label", "--labels", "--labels-of-commit", "--comment"].includes(a)) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      flags.set(a.slice(2), v);
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}\n${USAGE}`);
    else positional.push(a);
  }
  const stack = flags.get("stack");
  if (positional.length !== 1 || !stack) throw new Error(USAGE);
  const comment = flags.get("comment");
  if (comment !== undefined && comment !== "" && !/^[1-9][0-9]*$/.test(comment)) throw new Error(`--comment: a pull request number, got ${JSON.stringify(comment)}`);
  return {
    plan: positional[0],
    stack,
    gate: flags.has("gate"),
    label: flags.get("label") ?? APPROVAL_LABEL,
    labels: (flags.get("labels") ?? "").split(",").map((l) => l.trim()).filter(Boolean),
    ...(flags.get("labels-of-commit") ? { labelsOfCommit: flags.get("labels-of-commit") } : {}),
    ...(comment ? { comment: Number(comment) } : {}),
  };
}

/** The GitHub REST API of this repository, with the run's token. */
function github(env: NodeJS.ProcessEnv) {
  const base = env.GITHUB_API_URL ?? "https://api.github.com";
  const repo = env.GITHUB_REPOSITORY;
  if (!repo || !env.GITHUB_TOKEN) throw new Error("GITHUB_REPOSITORY and GITHUB_TOKEN are needed to read labels or write the comment");
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/repos/${repo}${path}`, {
      method,
      headers: { authorization: `Bearer ${env.GITHUB_TOKEN}`, accept: "application/vnd.github+json", "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`GitHub ${method} ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
}

type Api = ReturnType<typeof github>;

/** The labels of the pull requests a commit belongs to (a merge, squash or rebase onto main). */
async function labelsOfCommit(api: Api, sha: string): Promise<string[]> {
  const pulls = await api<{ number: number; labels: { name: string }[] }[]>("GET", `/commits/${sha}/pulls`);
  return pulls.flatMap((p) => p.labels.map((l) => l.name));
}

/** One comment per stack on the pull request, found again by its marker and edited. */
async function upsertComment(api: Api, pr: number, stack: string, body: string, always: boolean): Promise<void> {
  const marker = `<!-- llm-platform:data-loss:${stack} -->`;
  const comments = await api<{ id: number; body?: string }[]>("GET", `/issues/${pr}/comments?per_page=100`);
  const mine = comments.find((c) => c.body?.startsWith(marker));
  if (mine) await api("PATCH", `/issues/comments/${mine.id}`, { body: `${marker}\n${body}` });
  else if (always) await api("POST", `/issues/${pr}/comments`, { body: `${marker}\n${body}` });
}

/** Runs the check; returns the exit code (0: nothing at risk or approved, 1: refused). */
export async function run(o: Options, env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  let digest: PreviewDigest;
  try {
    digest = JSON.parse(fs.readFileSync(o.plan, "utf8")) as PreviewDigest;
  } catch (e) {
    throw new Error(`${o.plan}: not the JSON of \`pulumi preview --json\` (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(digest.steps)) throw new Error(`${o.plan}: no "steps" (was the preview run with --json, and did it succeed?)`);
  const loss = dataLoss(digest);
  const atRisk = needsApproval(loss);
  const api = o.comment !== undefined || o.labelsOfCommit ? github(env) : undefined;
  const labels = [...o.labels, ...(api && o.labelsOfCommit ? await labelsOfCommit(api, o.labelsOfCommit) : [])];
  const approved = labels.includes(o.label);
  const report = dataLossReport(o.stack, loss, { label: o.label, approved, gated: o.gate });
  print(report);
  if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, `${report}\n\n`);
  if (api && o.comment !== undefined) await upsertComment(api, o.comment, o.stack, report, atRisk);
  for (const c of loss.claims.filter((x) => x.fate !== "kept")) print(`::warning title=data at risk (${o.stack})::${c.namespace}/${c.claim} (${c.from}): ${c.fate}, ${c.because}`);
  if (o.gate && atRisk && !approved) {
    print(`::error title=data loss not approved (${o.stack})::this update deletes or replaces data (above); add the label ${o.label} to the pull request to apply it`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  (async () => {
    try {
      process.exitCode = await run(parseArgs(process.argv.slice(2)), process.env, (l) => console.log(l));
    } catch (e) {
      console.error(`data-loss: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 2;
    }
  })();
}
