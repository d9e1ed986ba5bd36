/**
 * Config of the Pulumi Deployments program: pure functions from raw values (as the CLI hands them over) and a
 * directory listing to a plan of what each stack of the main program gets. No Pulumi resources here, so the
 * tests can check every decision without an engine.
 */
import * as path from "path";

/** The Pulumi config namespace of this program (its Pulumi.yaml `name`). */
export const PROJECT = "llm-platform-deployments";

export type Cloud = "aws" | "azure" | "gcp" | "none";
export const CLOUDS: readonly Cloud[] = ["aws", "azure", "gcp", "none"];

/** operationContext.oidc in the provider's own shape (types/input.d.ts: OperationContextOIDCArgs). */
export interface OidcPlan {
  aws?: { roleARN: string; sessionName: string; duration?: string; policyARNs?: string[] };
  azure?: { clientId: string; tenantId: string; subscriptionId: string };
  gcp?: { projectId: string; workloadPoolId: string; providerId: string; serviceAccount: string; region?: string; tokenLifetime?: string };
}

export interface StackPlan {
  /** Stack name of the main program (from Pulumi.<stack>.yaml). */
  readonly stack: string;
  readonly cloud: Cloud;
  /** Undefined when cloud is none: the runner gets no cloud credentials (an agent with its own kubeconfig). */
  readonly oidc?: OidcPlan;
  readonly preRunCommands: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly deployCommits: boolean;
  readonly previewPullRequests: boolean;
  /** Review stacks for pull requests are created from this stack (its config and settings are copied). */
  readonly pullRequestTemplate: boolean;
  /** Repo paths whose change triggers this stack's deployments. */
  readonly paths: readonly string[];
  readonly drift: { readonly cron: string; readonly autoRemediate: boolean };
  /** Run on the program's agent pool (a private cluster the Pulumi-hosted runners cannot reach). */
  readonly agentPool: boolean;
  /** A TtlSchedule: destroy (and delete) the stack at this ISO 8601 time. */
  readonly ttl?: { readonly timestamp: string; readonly deleteAfterDestroy: boolean };
}

export interface Plan {
  readonly organization: string;
  /** The main program's project name (its Pulumi.yaml). */
  readonly project: string;
  /** GitHub owner/name. */
  readonly repository: string;
  /** The git ref deployments track (refs/heads/<branch>). */
  readonly branch: string;
  /** The main program's directory inside the repository ("." = the root). */
  readonly repoDir: string;
  readonly executorImage?: string;
  /** The agent pool created when any stack runs on agents. */
  readonly agentPoolName: string;
  readonly stacks: readonly StackPlan[];
}

/** The program's own config (pulumi.Config of PROJECT), each key its raw string, as the CLI passes it. */
export type RawConfig = Readonly<Record<string, string | undefined>>;

export class DeploymentsConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid ${PROJECT} configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` + problems.map((p) => `  - ${p}`).join("\n"));
    this.name = "DeploymentsConfigError";
  }
}

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/;

/**
 * The main program's stacks: one per Pulumi.<stack>.yaml beside its Pulumi.yaml. A new stack file is a new
 * stack here on the next `pulumi up`, with the defaults below (the safe ones for a stack not named dev).
 */
export function discoverStacks(fileNames: readonly string[]): string[] {
  const stacks = new Set<string>();
  for (const f of fileNames) {
    const m = STACK_FILE.exec(f);
    if (m) stacks.add(m[1]);
  }
  return [...stacks].sort();
}

/** The `name:` of a Pulumi.yaml (top-level key; the file is generated, so a line match is enough). */
export function projectNameOf(pulumiYaml: string): string | undefined {
  const m = /^name:\s*["']?([A-Za-z0-9_.-]+)["']?\s*$/m.exec(pulumiYaml);
  return m?.[1];
}

/**
 * Where the main program is inside its git repository: walk up from it to the directory holding `.git`
 * ("." when the program is at the root, or no checkout is found). `exists` is injected for the tests.
 */
export function repoDirOf(programDir: string, exists: (p: string) => boolean): string {
  let dir = path.resolve(programDir);
  for (;;) {
    if (exists(path.join(dir, ".git"))) return path.relative(dir, path.resolve(programDir)).split(path.sep).join("/") || ".";
    const parent = path.dirname(dir);
    if (parent === dir) return ".";
    dir = parent;
  }
}

/** Per-stack settings before validation; every field optional in config. */
interface StackDefaults {
  driftCron: string;
  autoRemediate: boolean;
  agentPool: boolean;
  deployCommits: boolean;
  previewPullRequests: boolean;
  /** Refuse an update that deletes or replaces data unless its pull request carries allow-data-loss. */
  dataLossGate: boolean;
  oidc?: Record<string, unknown>;
}

/**
 * Defaults by stack name. prod: hourly drift detection, reported but never auto-remediated (drift there may be
 * an operator's incident fix; a human decides whether the code or the cluster is right). dev: the minikube
 * profile (Pulumi.dev.yaml) is a laptop cluster Pulumi-hosted runners cannot reach, so it runs on an agent in
 * the same network, needs no cloud OIDC, and drift is simply re-applied (the code is the truth there).
 * Any other stack gets the safe side of each choice: no remediation, hosted runners, the default cloud.
 */
export const STACK_DEFAULTS: Readonly<Record<string, Partial<StackDefaults>>> = {
  dev: { driftCron: "0 */6 * * *", autoRemediate: true, agentPool: true, oidc: { cloud: "none" } },
  prod: { driftCron: "0 * * * *", autoRemediate: false, agentPool: false, dataLossGate: true },
};
const BASE_DEFAULTS: StackDefaults = { driftCron: "0 */6 * * *", autoRemediate: false, agentPool: false, deployCommits: true, previewPullRequests: true, dataLossGate: false };

/** The main program's files whose change deploys a stack (plus that stack's own Pulumi.<stack>.yaml). */
export const PROGRAM_PATHS: readonly string[] = ["index.ts", "components/**", "policy/**", "Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json"];

/** `npm ci` first: the lockfile's exact tree (Deployments' own install step is skipped for it). */
export const NPM_CI = "npm ci";

/**
 * The data-loss check as the last pre-run command of an update (the same check as deploy.yml's, scripts/data-loss.ts):
 * the update's own preview, then refused unless the pull request of the commit being deployed carries
 * allow-data-loss (read with the GITHUB_TOKEN Deployments sets). Previews and drift runs pass through.
 */
export function dataLossGateCommand(organization: string, project: string, stack: string, repository: string): string {
  const plan = "/tmp/llm-platform-preview.json";
  return (
    `[ "$PULUMI_CI_OPERATION" != update ] || { pulumi preview --stack ${organization}/${project}/${stack} --json --non-interactive > ${plan} && ` +
    `GITHUB_REPOSITORY=${repository} npm run --silent data-loss -- ${plan} --stack ${stack} --gate --labels-of-commit "$(git rev-parse HEAD)"; }`
  );
}

const STACK_KEYS = ["driftCron", "autoRemediate", "agentPool", "deployCommits", "previewPullRequests", "dataLossGate", "oidc", "preRunCommands", "environment", "ttl", "ttlDeleteAfterDestroy"];
const OIDC_FIELDS: Readonly<Record<Exclude<Cloud, "none">, { required: readonly string[]; optional: readonly string[] }>> = {
  aws: { required: ["roleArn"], optional: ["sessionName", "duration", "policyArns"] },
  azure: { required: ["clientId", "tenantId", "subscriptionId"], optional: [] },
  gcp: { required: ["projectId", "workloadPoolId", "providerId", "serviceAccount"], optional: ["region", "tokenLifetime"] },
};
const ALL_OIDC_KEYS = new Set(["cloud", ...Object.values(OIDC_FIELDS).flatMap((f) => [...f.required, ...f.optional])]);

export interface Context {
  /** Files at the main program's root (for discovery). */
  readonly programFiles: readonly string[];
  /** The main program's Pulumi.yaml text. */
  readonly programPulumiYaml: string;
  /** Default organization: this stack's own. */
  readonly organization: string;
  /** Default repoDir, from the program's place in its git checkout. */
  readonly repoDir: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `pulumi config set --path` may store a boolean as the string "true"/"false": take both. */
function asBool(v: unknown): unknown {
  return v === "true" ? true : v === "false" ? false : v;
}

/** Five cron fields (minute hour day month weekday), each of digits, *, /, -, or commas. */
export function isCron(s: string): boolean {
  const fields = s.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => /^[0-9*/,-]+$/.test(f));
}

/** An ISO 8601 UTC timestamp the API accepts, e.g. 2026-12-31T23:00:00Z. */
export function isTimestamp(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s) && !Number.isNaN(Date.parse(s));
}

/** Raw config + context in, the plan out, or one DeploymentsConfigError naming every bad key. */
export function parseConfig(raw: RawConfig, ctx: Context): Plan {
  const problems: string[] = [];
  const str = (key: string): string | undefined => {
    const v = raw[key];
    return v === undefined || v === "" ? undefined : v;
  };
  const json = (key: string): unknown => {
    const v = str(key);
    if (v === undefined) return undefined;
    try {
      return JSON.parse(v);
    } catch {
      problems.push(`${key}: not valid JSON/YAML structure (${v})`);
      return undefined;
    }
  };
  const known = new Set(["organization", "project", "repository", "branch", "repoDir", "executorImage", "agentPoolName", "oidc", "reviewStackTemplate", "stacks"]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) problems.push(`${key}: unknown key (known: ${[...known].join(", ")})`);
  }

  const stacks = discoverStacks(ctx.programFiles);
  if (stacks.length === 0) problems.push("no Pulumi.<stack>.yaml beside the main program's Pulumi.yaml: nothing to configure");

  const project = str("project") ?? projectNameOf(ctx.programPulumiYaml);
  if (!project) problems.push("project: not set, and the main program's Pulumi.yaml has no `name:`");

  const repository = str("repository");
  if (!repository) problems.push(`repository: required, the GitHub repository as owner/name (pulumi config set ${PROJECT}:repository acme/llm-platform)`);
  else if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) problems.push(`repository: "${repository}" is not owner/name`);

  const branchName = (str("branch") ?? "main").replace(/^refs\/heads\//, "");
  if (!/^[A-Za-z0-9._/-]+$/.test(branchName) || branchName.includes("..")) problems.push(`branch: "${branchName}" is not a branch name`);

  const repoDir = (str("repoDir") ?? ctx.repoDir).replace(/\/+$/, "") || ".";
  if (repoDir.startsWith("/") || repoDir.split("/").includes("..")) problems.push(`repoDir: "${repoDir}" must be a path inside the repository`);

  const executorImage = str("executorImage");
  const agentPoolName = str("agentPoolName") ?? `${project ?? "llm-platform"}-agents`;

  // The default OIDC for every stack that does not choose its own: AWS (EKS), the cloud most clusters run in.
  const oidcRaw = json("oidc");
  if (oidcRaw !== undefined && !isRecord(oidcRaw)) problems.push("oidc: must be an object ({cloud: aws|azure|gcp|none, ...})");
  const globalOidc: Record<string, unknown> = isRecord(oidcRaw) ? oidcRaw : {};

  const template = str("reviewStackTemplate") ?? (stacks.includes("dev") ? "dev" : "none");
  if (template !== "none" && !stacks.includes(template)) problems.push(`reviewStackTemplate: "${template}" is not a stack (stacks: ${stacks.join(", ")}; "none" turns review stacks off)`);

  const stacksRaw = json("stacks");
  if (stacksRaw !== undefined && !isRecord(stacksRaw)) problems.push("stacks: must be an object keyed by stack name");
  const overrides: Record<string, unknown> = isRecord(stacksRaw) ? stacksRaw : {};
  for (const name of Object.keys(overrides)) {
    if (!stacks.includes(name)) problems.push(`stacks.${name}: no Pulumi.${name}.yaml beside the main program (stacks: ${stacks.join(", ")})`);
  }

  const organization = str("organization") ?? ctx.organization;
  if (!/^[A-Za-z0-9_.-]+$/.test(organization)) problems.push(`organization: "${organization}" is not an organization name`);

  const prefix = repoDir === "." ? "" : `${repoDir}/`;
  const plans: StackPlan[] = [];
  for (const stack of stacks) {
    const k = (field: string) => `stacks.${stack}.${field}`;
    const o = overrides[stack];
    if (o !== undefined && !isRecord(o)) {
      problems.push(`stacks.${stack}: must be an object`);
      continue;
    }
    const over: Record<string, unknown> = o ?? {};
    for (const key of Object.keys(over)) if (!STACK_KEYS.includes(key)) problems.push(`${k(key)}: unknown key (known: ${STACK_KEYS.join(", ")})`);
    const d: StackDefaults = { ...BASE_DEFAULTS, ...STACK_DEFAULTS[stack] };
    const bool = (field: keyof StackDefaults & ("autoRemediate" | "agentPool" | "deployCommits" | "previewPullRequests" | "dataLossGate")): boolean => {
      const v = asBool(over[field]);
      if (v === undefined) return d[field];
      if (typeof v !== "boolean") problems.push(`${k(field)}: must be true or false`);
      return v === true;
    };

    const driftCron = over.driftCron ?? d.driftCron;
    if (typeof driftCron !== "string" || !isCron(driftCron)) problems.push(`${k("driftCron")}: "${String(driftCron)}" is not a five-field cron expression (e.g. "0 * * * *")`);

    const extra = over.preRunCommands ?? [];
    if (!Array.isArray(extra) || extra.some((c) => typeof c !== "string" || c.trim() === "")) problems.push(`${k("preRunCommands")}: must be a list of non-empty commands`);

    const env = over.environment ?? {};
    const environment: Record<string, string> = {};
    if (!isRecord(env)) problems.push(`${k("environment")}: must be an object of NAME: value`);
    else
      for (const [name, value] of Object.entries(env)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) problems.push(`${k("environment")}.${name}: not an environment variable name`);
        else if (typeof value !== "string") problems.push(`${k("environment")}.${name}: must be a string`);
        else environment[name] = value;
      }

    const { cloud, oidc } = oidcFor(stack, d.oidc, globalOidc, over.oidc, problems);

    let ttl: StackPlan["ttl"];
    if (over.ttl !== undefined) {
      if (typeof over.ttl !== "string" || !isTimestamp(over.ttl)) problems.push(`${k("ttl")}: "${String(over.ttl)}" is not an ISO 8601 UTC time (e.g. 2026-12-31T23:00:00Z)`);
      const del = asBool(over.ttlDeleteAfterDestroy) ?? false;
      if (typeof del !== "boolean") problems.push(`${k("ttlDeleteAfterDestroy")}: must be true or false`);
      ttl = { timestamp: String(over.ttl), deleteAfterDestroy: del === true };
    } else if (over.ttlDeleteAfterDestroy !== undefined) problems.push(`${k("ttlDeleteAfterDestroy")}: set without ${k("ttl")}`);
    if (ttl && stack === template) problems.push(`${k("ttl")}: ${stack} is the review stack template; a TTL would destroy the template every PR copies`);

    plans.push({
      stack,
      cloud,
      oidc,
      // The gate last: after the stack's own commands (a kubeconfig) that its preview needs.
      preRunCommands: [NPM_CI, ...(Array.isArray(extra) ? extra.map(String) : []), ...(bool("dataLossGate") ? [dataLossGateCommand(organization, String(project), stack, String(repository))] : [])],
      environment,
      deployCommits: bool("deployCommits"),
      previewPullRequests: bool("previewPullRequests"),
      pullRequestTemplate: stack === template,
      paths: [...PROGRAM_PATHS, `Pulumi.${stack}.yaml`].map((p) => prefix + p),
      drift: { cron: String(driftCron), autoRemediate: bool("autoRemediate") },
      agentPool: bool("agentPool"),
      ttl,
    });
  }

  if (problems.length > 0) throw new DeploymentsConfigError(problems);
  return { organization, project: project as string, repository: repository as string, branch: `refs/heads/${branchName}`, repoDir, executorImage, agentPoolName, stacks: plans };
}

/** One stack's OIDC: its own oidc object, else the stack-name default, else the program-wide oidc (cloud aws). */
function oidcFor(stack: string, nameDefault: Record<string, unknown> | undefined, global: Record<string, unknown>, own: unknown, problems: string[]): { cloud: Cloud; oidc?: OidcPlan } {
  const key = own === undefined ? "oidc" : `stacks.${stack}.oidc`;
  if (own !== undefined && !isRecord(own)) {
    problems.push(`${key}: must be an object ({cloud: aws|azure|gcp|none, ...})`);
    return { cloud: "none" };
  }
  const base = { cloud: "aws", ...global };
  // A stack's own object inherits the program-wide fields of the same cloud (one role for all, say),
  // but never another cloud's: dev choosing none must not be handed prod's AWS role.
  // A stack-name default (dev: none) wins over the program-wide cloud, which is for stacks without one.
  const chosen = isRecord(own) ? own : nameDefault;
  const o: Record<string, unknown> = !chosen ? base : (chosen.cloud ?? base.cloud) === base.cloud ? { ...base, ...chosen } : { ...chosen };
  if (typeof o.cloud !== "string" || !(CLOUDS as readonly string[]).includes(o.cloud)) {
    problems.push(`${key}.cloud: "${String(o.cloud)}" is not one of ${CLOUDS.join(", ")} (stack ${stack})`);
    return { cloud: "none" };
  }
  const cloud = o.cloud as Cloud;
  for (const f of Object.keys(o)) if (!ALL_OIDC_KEYS.has(f)) problems.push(`${key}.${f}: unknown OIDC field (stack ${stack})`);
  if (cloud === "none") return { cloud };
  const fields = OIDC_FIELDS[cloud];
  const s = (f: string): string | undefined => (typeof o[f] === "string" && o[f] !== "" ? (o[f] as string) : undefined);
  for (const f of fields.required) if (s(f) === undefined) problems.push(`${key}.${f}: required for cloud ${cloud} (stack ${stack})`);
  for (const f of Object.keys(o)) {
    if (f !== "cloud" && ALL_OIDC_KEYS.has(f) && !fields.required.includes(f) && !fields.optional.includes(f)) problems.push(`${key}.${f}: not a field of cloud ${cloud} (stack ${stack})`);
  }
  const duration = (f: string) => {
    const v = s(f);
    if (v !== undefined && !/^(\d+h)?(\d+m)?(\d+s)?$/.test(v)) problems.push(`${key}.${f}: "${v}" is not an XhYmZs duration (stack ${stack})`);
    return v;
  };
  switch (cloud) {
    case "aws": {
      const roleARN = s("roleArn") ?? "";
      if (roleARN && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleARN)) problems.push(`${key}.roleArn: "${roleARN}" is not an IAM role ARN (stack ${stack})`);
      const policy = o.policyArns;
      if (policy !== undefined && (!Array.isArray(policy) || policy.some((p) => typeof p !== "string"))) problems.push(`${key}.policyArns: must be a list of policy ARNs (stack ${stack})`);
      const aws: NonNullable<OidcPlan["aws"]> = { roleARN, sessionName: s("sessionName") ?? `pulumi-deployments-${stack}` };
      const d = duration("duration");
      if (d) aws.duration = d;
      if (Array.isArray(policy)) aws.policyARNs = policy.map(String);
      return { cloud, oidc: { aws } };
    }
    case "azure":
      return { cloud, oidc: { azure: { clientId: s("clientId") ?? "", tenantId: s("tenantId") ?? "", subscriptionId: s("subscriptionId") ?? "" } } };
    default: {
      const gcp: NonNullable<OidcPlan["gcp"]> = { projectId: s("projectId") ?? "", workloadPoolId: s("workloadPoolId") ?? "", providerId: s("providerId") ?? "", serviceAccount: s("serviceAccount") ?? "" };
      if (gcp.projectId && !/^\d+$/.test(gcp.projectId)) problems.push(`${key}.projectId: "${gcp.projectId}" must be the numerical project ID (stack ${stack})`);
      const region = s("region");
      if (region) gcp.region = region;
      const lifetime = duration("tokenLifetime");
      if (lifetime) gcp.tokenLifetime = lifetime;
      return { cloud, oidc: { gcp } };
    }
  }
}
