/**
 * The Pulumi Deployments program (deployments/): the plan from config (pure), then the resources a mocked run
 * registers, for the repository's real stack files and for a directory with one more stack file.
 * Self-contained: its own mocks, installed per run, with this program's project name.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentsConfigError, PROJECT, dataLossGateCommand, discoverStacks, parseConfig, projectNameOf, repoDirOf, type Context, type Plan, type RawConfig, type StackPlan } from "../../deployments/config";
import { main } from "../../deployments/program";
import { recordRegistrations, type RegisteredResource } from "../../scripts/lib/registrations";

// The project root, also when the tests run compiled from bin/.
const ROOT = findRoot(__dirname);
function findRoot(dir: string): string {
  return fs.existsSync(path.join(dir, "package.json")) ? dir : findRoot(path.dirname(dir));
}
const ROLE = "arn:aws:iam::123456789012:role/pulumi-deployments";

/** The real main program: its file listing and Pulumi.yaml. */
function rootContext(extraFiles: string[] = []): Context {
  return {
    programFiles: [...fs.readdirSync(ROOT), ...extraFiles],
    programPulumiYaml: fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"),
    organization: "acme",
    repoDir: ".",
  };
}

/** The smallest working config: the repository and prod's AWS role (dev defaults to no cloud, on agents). */
const MINIMAL: Record<string, string> = { repository: "acme/llm-platform", oidc: JSON.stringify({ roleArn: ROLE }) };

function plan(raw: RawConfig = MINIMAL, ctx: Context = rootContext()): Plan {
  return parseConfig(raw, ctx);
}
function stackOf(p: Plan, name: string): StackPlan {
  const s = p.stacks.find((x) => x.stack === name);
  if (!s) throw new Error(`no stack ${name} in ${p.stacks.map((x) => x.stack).join(", ")}`);
  return s;
}
function problemsOf(raw: RawConfig, ctx: Context = rootContext()): string[] {
  try {
    parseConfig(raw, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(DeploymentsConfigError);
    return [...(e as DeploymentsConfigError).problems];
  }
  throw new Error(`config was accepted: ${JSON.stringify(raw)}`);
}

describe("stack discovery", () => {
  test("one stack per Pulumi.<stack>.yaml; Pulumi.yaml and other files are not stacks", () => {
    expect(discoverStacks(["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "README.md", "Pulumi.prod.yaml.bak", "package.json"])).toEqual(["dev", "prod"]);
    expect(discoverStacks(["Pulumi.yaml", "Pulumi.staging.yml", "Pulumi.eu-west.1.yaml"])).toEqual(["eu-west.1", "staging"]);
  });

  test("the repository's own stack files are dev and prod, and the project is the main program's", () => {
    expect(discoverStacks(fs.readdirSync(ROOT))).toEqual(["dev", "prod"]);
    expect(projectNameOf(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"))).toBe("llm-platform");
    const p = plan();
    expect(p.project).toBe("llm-platform");
    expect(p.stacks.map((s) => s.stack)).toEqual(["dev", "prod"]);
  });

  test("a new stack file is a new stack, with the safe defaults (no remediation, hosted runners, the default cloud)", () => {
    const p = plan(MINIMAL, rootContext(["Pulumi.staging.yaml"]));
    expect(p.stacks.map((s) => s.stack)).toEqual(["dev", "prod", "staging"]);
    const staging = stackOf(p, "staging");
    expect(staging).toMatchObject({ cloud: "aws", agentPool: false, pullRequestTemplate: false, deployCommits: true, drift: { cron: "0 */6 * * *", autoRemediate: false } });
    expect(staging.oidc?.aws).toEqual({ roleARN: ROLE, sessionName: "pulumi-deployments-staging" });
    expect(staging.paths).toContain("Pulumi.staging.yaml");
    expect(staging.paths).not.toContain("Pulumi.prod.yaml");
  });

  test("repoDir is the program's path inside its git checkout", () => {
    const gitAt = (dir: string) => (p: string) => p === path.join(dir, ".git");
    expect(repoDirOf("/src/repo", gitAt("/src/repo"))).toBe(".");
    expect(repoDirOf("/src/repo/infra/llm", gitAt("/src/repo"))).toBe("infra/llm");
    expect(repoDirOf("/src/repo", () => false)).toBe(".");
    expect(repoDirOf(ROOT, fs.existsSync)).toBe(".");
  });
});

describe("the plan for dev and prod", () => {
  const p = plan();
  const dev = stackOf(p, "dev");
  const prod = stackOf(p, "prod");

  test("source: the GitHub repository's main branch, the program at the repository root", () => {
    expect(p).toMatchObject({ organization: "acme", repository: "acme/llm-platform", branch: "refs/heads/main", repoDir: "." });
    expect(p.executorImage).toBeUndefined();
  });

  test("every stack runs `npm ci` first; prod's update then checks the data it would lose (refused without allow-data-loss)", () => {
    expect(dev.preRunCommands).toEqual(["npm ci"]);
    expect(prod.preRunCommands).toEqual(["npm ci", dataLossGateCommand("acme", "llm-platform", "prod", "acme/llm-platform")]);
    expect(prod.preRunCommands[1]).toBe(
      '[ "$PULUMI_CI_OPERATION" != update ] || { pulumi preview --stack acme/llm-platform/prod --json --non-interactive > /tmp/llm-platform-preview.json && ' +
        'GITHUB_REPOSITORY=acme/llm-platform npm run --silent data-loss -- /tmp/llm-platform-preview.json --stack prod --gate --labels-of-commit "$(git rev-parse HEAD)"; }',
    );
  });

  test("the gate's command runs only for an update, and its failure fails the pre-run step", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "gate-bin-"));
    // Stand-ins that record their arguments: the real ones need Pulumi Cloud and the project's build.
    const log = path.join(bin, "log");
    for (const [cmd, code] of [["pulumi", 0], ["npm", 1], ["git", 0]] as const) fs.writeFileSync(path.join(bin, cmd), `#!/bin/sh\necho "${cmd} $*" >> ${log}\n[ ${cmd} != git ] || echo abc123\nexit ${code}\n`, { mode: 0o755 });
    const run = (op: string) => spawnSync("bash", ["-c", prod.preRunCommands[1]], { env: { PATH: `${bin}:/usr/bin:/bin`, PULUMI_CI_OPERATION: op }, encoding: "utf8" });
    expect(run("preview").status).toBe(0);
    expect(fs.existsSync(log)).toBe(false);
    expect(run("update").status).toBe(1);
    expect(fs.readFileSync(log, "utf8")).toBe(
      "pulumi preview --stack acme/llm-platform/prod --json --non-interactive\ngit rev-parse HEAD\nnpm run --silent data-loss -- /tmp/llm-platform-preview.json --stack prod --gate --labels-of-commit abc123\n",
    );
  });

  test("OIDC: prod assumes the AWS role; dev (minikube, on an agent) gets no cloud credentials", () => {
    expect(prod.cloud).toBe("aws");
    expect(prod.oidc).toEqual({ aws: { roleARN: ROLE, sessionName: "pulumi-deployments-prod" } });
    expect(dev.cloud).toBe("none");
    expect(dev.oidc).toBeUndefined();
  });

  test("GitHub: pushes deploy, pull requests preview, dev is the review stack template", () => {
    expect(dev).toMatchObject({ deployCommits: true, previewPullRequests: true, pullRequestTemplate: true });
    expect(prod).toMatchObject({ deployCommits: true, previewPullRequests: true, pullRequestTemplate: false });
  });

  test("paths: the program's files and the stack's own config file, not the other stack's nor this program's", () => {
    const common = ["index.ts", "components/**", "policy/**", "Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json"];
    expect(dev.paths).toEqual([...common, "Pulumi.dev.yaml"]);
    expect(prod.paths).toEqual([...common, "Pulumi.prod.yaml"]);
    expect(prod.paths.some((x) => x.startsWith("deployments"))).toBe(false);
  });

  test("drift: prod hourly, reported only; dev every 6 hours, remediated", () => {
    expect(prod.drift).toEqual({ cron: "0 * * * *", autoRemediate: false });
    expect(dev.drift).toEqual({ cron: "0 */6 * * *", autoRemediate: true });
  });

  test("agent pool: dev on agents (a private cluster), prod on Pulumi-hosted runners", () => {
    expect(dev.agentPool).toBe(true);
    expect(prod.agentPool).toBe(false);
    expect(p.agentPoolName).toBe("llm-platform-agents");
  });

  test("no TTL on the long-lived stacks", () => {
    expect(dev.ttl).toBeUndefined();
    expect(prod.ttl).toBeUndefined();
  });
});

describe("config choices", () => {
  test("per-stack overrides: cron, remediation, agents, extra pre-run commands, environment, TTL", () => {
    const p = plan({
      ...MINIMAL,
      branch: "release",
      executorImage: "pulumi/pulumi-nodejs:3.200.0",
      stacks: JSON.stringify({
        prod: {
          driftCron: "30 2 * * 1-5",
          autoRemediate: true,
          agentPool: true,
          deployCommits: false,
          preRunCommands: ["aws eks update-kubeconfig --name prod --region eu-west-1"],
          environment: { AWS_REGION: "eu-west-1" },
        },
        dev: { agentPool: false, autoRemediate: false, ttl: "2027-01-01T00:00:00Z", ttlDeleteAfterDestroy: true },
      }),
      reviewStackTemplate: "none",
    });
    const prod = stackOf(p, "prod");
    expect(p.branch).toBe("refs/heads/release");
    expect(p.executorImage).toBe("pulumi/pulumi-nodejs:3.200.0");
    expect(prod).toMatchObject({ drift: { cron: "30 2 * * 1-5", autoRemediate: true }, agentPool: true, deployCommits: false, environment: { AWS_REGION: "eu-west-1" } });
    // The stack's own commands before the data-loss gate, which needs the kubeconfig they write.
    expect(prod.preRunCommands).toEqual(["npm ci", "aws eks update-kubeconfig --name prod --region eu-west-1", dataLossGateCommand("acme", "llm-platform", "prod", "acme/llm-platform")]);
    const dev = stackOf(p, "dev");
    expect(dev).toMatchObject({ agentPool: false, drift: { autoRemediate: false }, ttl: { timestamp: "2027-01-01T00:00:00Z", deleteAfterDestroy: true }, pullRequestTemplate: false });
  });

  test("booleans also arrive as strings (config set --path); a TTL keeps the stack record unless told otherwise", () => {
    const p = plan({ ...MINIMAL, reviewStackTemplate: "none", stacks: JSON.stringify({ prod: { autoRemediate: "true" }, dev: { agentPool: "false", ttl: "2027-01-01T00:00:00Z" } }) });
    expect(stackOf(p, "prod").drift.autoRemediate).toBe(true);
    expect(stackOf(p, "dev").agentPool).toBe(false);
    expect(stackOf(p, "dev").ttl).toEqual({ timestamp: "2027-01-01T00:00:00Z", deleteAfterDestroy: false });
  });

  test("Azure and GCP OIDC in the provider's shape; a stack's own cloud does not inherit another cloud's fields", () => {
    const azure = { cloud: "azure", clientId: "c", tenantId: "t", subscriptionId: "s" };
    const gcp = { cloud: "gcp", projectId: "123456", workloadPoolId: "pool", providerId: "gh", serviceAccount: "deploy@p.iam.gserviceaccount.com", region: "europe-west1" };
    const p = plan({ ...MINIMAL, oidc: JSON.stringify(azure), stacks: JSON.stringify({ prod: { oidc: gcp }, dev: { oidc: { cloud: "azure" } } }) });
    expect(stackOf(p, "prod").oidc).toEqual({ gcp: { projectId: "123456", workloadPoolId: "pool", providerId: "gh", serviceAccount: "deploy@p.iam.gserviceaccount.com", region: "europe-west1" } });
    // dev asks for azure without fields: it inherits the program-wide azure identity.
    expect(stackOf(p, "dev").oidc).toEqual({ azure: { clientId: "c", tenantId: "t", subscriptionId: "s" } });
  });

  test("bad config: one error naming every bad key", () => {
    const problems = problemsOf({
      branch: "a..b",
      oidc: JSON.stringify({ cloud: "aws", roleArn: "not-an-arn", duration: "an hour" }),
      reviewStackTemplate: "qa",
      stacks: JSON.stringify({
        staging: {},
        prod: { driftCron: "hourly", autoRemediate: "yes", agentPool: 1, preRunCommands: "npm ci", environment: { "BAD-NAME": "x" }, ttl: "tomorrow", dataLossGate: "sometimes", colour: "red" },
        dev: { oidc: { cloud: "gcp", projectId: "my-project" }, ttl: "2027-01-01T00:00:00Z" },
      }),
      typo: "x",
    });
    const expected = [
      "typo: unknown key",
      "repository: required",
      'branch: "a..b"',
      'reviewStackTemplate: "qa" is not a stack',
      "stacks.staging: no Pulumi.staging.yaml",
      "stacks.prod.colour: unknown key",
      'stacks.prod.driftCron: "hourly"',
      "stacks.prod.autoRemediate: must be true or false",
      "stacks.prod.agentPool: must be true or false",
      "stacks.prod.dataLossGate: must be true or false",
      "stacks.prod.preRunCommands: must be a list",
      "stacks.prod.environment.BAD-NAME: not an environment variable name",
      'stacks.prod.ttl: "tomorrow" is not an ISO 8601',
      'oidc.roleArn: "not-an-arn" is not an IAM role ARN',
      'oidc.duration: "an hour"',
      "stacks.dev.oidc.workloadPoolId: required for cloud gcp",
      "stacks.dev.oidc.providerId: required for cloud gcp",
      "stacks.dev.oidc.serviceAccount: required for cloud gcp",
      'stacks.dev.oidc.projectId: "my-project" must be the numerical project ID',
    ];
    for (const e of expected) expect(problems.some((p) => p.includes(e))).toBe(true);
    // Nothing else: dev's TTL is fine here, since the (invalid) template is qa, not dev.
    expect(problems).toHaveLength(expected.length);
    expect(() => parseConfig({ repository: "acme/llm-platform" }, rootContext())).toThrow(/oidc\.roleArn: required for cloud aws \(stack prod\)/);
  });

  test("the template stack cannot have a TTL; an unknown cloud and a stack-less directory are refused", () => {
    expect(problemsOf({ ...MINIMAL, stacks: JSON.stringify({ dev: { ttl: "2027-01-01T00:00:00Z" } }) })).toEqual([
      "stacks.dev.ttl: dev is the review stack template; a TTL would destroy the template every PR copies",
    ]);
    expect(problemsOf({ ...MINIMAL, oidc: JSON.stringify({ cloud: "openstack" }) })).toEqual(['oidc.cloud: "openstack" is not one of aws, azure, gcp, none (stack prod)']);
    expect(problemsOf(MINIMAL, { ...rootContext(), programFiles: ["Pulumi.yaml"] })[0]).toMatch(/no Pulumi.<stack>.yaml/);
    expect(problemsOf({ ...MINIMAL, repository: "https://github.com/acme/llm-platform" })).toEqual(['repository: "https://github.com/acme/llm-platform" is not owner/name']);
  });
});

/** Mocks recording each resource's type, name and inputs; AgentPool gets an id, as the service assigns one. */
class Recording implements pulumi.runtime.Mocks {
  readonly resources: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  /** What the monitor saw: URNs and dependencies (dependsOn). */
  readonly registered: RegisteredResource[] = [];
  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    this.resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type === "pulumiservice:index:AgentPool") Object.assign(state, { agentPoolId: "pool-1234", tokenValue: "agent-token" });
    return { id: `${args.name}-id`, state };
  }
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    throw new Error(`unmocked call ${args.token}`);
  }
}

/** One mocked `pulumi up` of deployments/ (stack prod of this program) against programDir. */
async function run(programDir: string, config: Record<string, string>): Promise<Recording> {
  const mocks = new Recording();
  await pulumi.runtime.setMocks(mocks, PROJECT, "prod", false, "acme");
  recordRegistrations(mocks.registered);
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])));
  const declared = main(programDir);
  const all: pulumi.CustomResource[] = [];
  for (const r of [declared.agentPool, ...Object.values(declared.stacks).flatMap((s) => [s.settings, s.drift, s.ttl])]) if (r) all.push(r);
  // Each resource's id resolves once the mock has registered it (and its inputs, the pool's id included).
  await new Promise((resolve) => pulumi.all(all.map((r) => r.id)).apply(resolve));
  return mocks;
}

/** The URNs a registered resource waits for before its create. */
function dependenciesOf(m: Recording, name: string): string[] {
  const r = m.registered.find((x) => x.name === name);
  if (!r) throw new Error(`${name} was not registered`);
  return r.dependencies.map((u) => u.split("::").pop() as string);
}

function only(m: Recording, type: string, name: string): Record<string, unknown> {
  const found = m.resources.filter((r) => r.type === type && r.name === name);
  expect(found).toHaveLength(1);
  return found[0].inputs;
}

describe("a mocked run", () => {
  test("dev and prod: settings, drift schedules, the agent pool wired into dev only", async () => {
    const m = await run(ROOT, MINIMAL);
    expect(m.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "pulumiservice:index:AgentPool agents",
      "pulumiservice:index:DeploymentSettings dev-settings",
      "pulumiservice:index:DeploymentSettings prod-settings",
      "pulumiservice:index:DriftSchedule dev-drift",
      "pulumiservice:index:DriftSchedule prod-drift",
    ]);
    expect(only(m, "pulumiservice:index:AgentPool", "agents")).toMatchObject({ organizationName: "acme", name: "llm-platform-agents" });

    const prod = only(m, "pulumiservice:index:DeploymentSettings", "prod-settings");
    expect(prod).toEqual({
      organization: "acme",
      project: "llm-platform",
      stack: "prod",
      sourceContext: { git: { branch: "refs/heads/main", repoDir: "." } },
      operationContext: {
        preRunCommands: ["npm ci", dataLossGateCommand("acme", "llm-platform", "prod", "acme/llm-platform")],
        environmentVariables: {},
        options: { skipInstallDependencies: true, skipIntermediateDeployments: true, shell: "bash" },
        oidc: { aws: { roleARN: ROLE, sessionName: "pulumi-deployments-prod" } },
      },
      vcs: {
        provider: "github",
        repository: "acme/llm-platform",
        deployCommits: true,
        previewPullRequests: true,
        pullRequestTemplate: false,
        paths: ["index.ts", "components/**", "policy/**", "Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json", "Pulumi.prod.yaml"],
      },
    });
    const dev = only(m, "pulumiservice:index:DeploymentSettings", "dev-settings");
    expect(dev.agentPoolId).toBe("pool-1234");
    expect(dev.operationContext).toMatchObject({ preRunCommands: ["npm ci"] });
    expect((dev.operationContext as Record<string, unknown>).oidc).toBeUndefined();
    expect(dev.vcs).toMatchObject({ pullRequestTemplate: true, previewPullRequests: true, deployCommits: true });

    expect(only(m, "pulumiservice:index:DriftSchedule", "prod-drift")).toEqual({ organization: "acme", project: "llm-platform", stack: "prod", scheduleCron: "0 * * * *", autoRemediate: false });
    expect(only(m, "pulumiservice:index:DriftSchedule", "dev-drift")).toEqual({ organization: "acme", project: "llm-platform", stack: "dev", scheduleCron: "0 */6 * * *", autoRemediate: true });
    // A schedule needs its stack's deployment settings first; dev's settings need the pool.
    expect(dependenciesOf(m, "prod-drift")).toEqual(["prod-settings"]);
    expect(dependenciesOf(m, "dev-drift")).toEqual(["dev-settings"]);
    expect(dependenciesOf(m, "dev-settings")).toEqual(["agents"]);
  });

  test("a stack file added to the program's directory gets settings and a schedule without touching this program", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployments-"));
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
      fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), "config: {}\n");
      const m = await run(dir, { ...MINIMAL, stacks: JSON.stringify({ staging: { ttl: "2027-03-01T00:00:00Z", ttlDeleteAfterDestroy: true }, dev: { agentPool: false } }) });
      expect(only(m, "pulumiservice:index:DeploymentSettings", "staging-settings")).toMatchObject({ stack: "staging", vcs: { pullRequestTemplate: false } });
      expect(only(m, "pulumiservice:index:DriftSchedule", "staging-drift")).toMatchObject({ stack: "staging", autoRemediate: false });
      expect(only(m, "pulumiservice:index:TtlSchedule", "staging-ttl")).toEqual({ organization: "acme", project: "llm-platform", stack: "staging", timestamp: "2027-03-01T00:00:00Z", deleteAfterDestroy: true });
      expect(dependenciesOf(m, "staging-ttl")).toEqual(["staging-settings"]);
      // No stack on agents: no pool, and no agentPoolId anywhere.
      expect(m.resources.some((r) => r.type === "pulumiservice:index:AgentPool")).toBe(false);
      for (const r of m.resources.filter((x) => x.type === "pulumiservice:index:DeploymentSettings")) expect(r.inputs.agentPoolId).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bad config stops the run before any resource", async () => {
    const mocks = new Recording();
    await pulumi.runtime.setMocks(mocks, PROJECT, "prod", false, "acme");
    pulumi.runtime.setAllConfig({ [`${PROJECT}:repository`]: "acme/llm-platform" });
    expect(() => main(ROOT)).toThrow(DeploymentsConfigError);
    expect(mocks.resources).toHaveLength(0);
  });
});
