/**
 * The Pulumi Cloud resources of the plan: per stack of the main program, its DeploymentSettings, a
 * DriftSchedule, and a TtlSchedule when one is configured; one AgentPool when any stack runs on agents.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { PROJECT, parseConfig, repoDirOf, type Plan, type RawConfig, type StackPlan } from "./config";

export interface StackResources {
  readonly settings: service.DeploymentSettings;
  readonly drift: service.DriftSchedule;
  readonly ttl?: service.TtlSchedule;
}

export interface Declared {
  readonly plan: Plan;
  readonly agentPool?: service.AgentPool;
  readonly stacks: Readonly<Record<string, StackResources>>;
}

/** DeploymentSettings arguments for one stack, in the provider's shape (types/input.d.ts). */
export function settingsArgs(plan: Plan, s: StackPlan, agentPoolId?: pulumi.Input<string>): service.DeploymentSettingsArgs {
  return {
    organization: plan.organization,
    project: plan.project,
    stack: s.stack,
    agentPoolId: s.agentPool ? agentPoolId : undefined,
    executorContext: plan.executorImage ? { executorImage: plan.executorImage } : undefined,
    // With the GitHub App (vcs below) the repository and its credentials come from the integration: the
    // provider documents repoUrl/gitAuth as "should not be specified" then.
    sourceContext: { git: { branch: plan.branch, repoDir: plan.repoDir } },
    operationContext: {
      preRunCommands: [...s.preRunCommands],
      environmentVariables: { ...s.environment },
      options: {
        // `npm ci` above installs the lockfile's tree; Deployments' own `npm install` would only redo it.
        skipInstallDependencies: true,
        // A burst of merges deploys the newest commit once instead of every commit in turn.
        skipIntermediateDeployments: true,
        shell: "bash",
      },
      oidc: s.oidc,
    },
    // `vcs` with provider github is the provider's current form of the deprecated `github` block (same fields).
    vcs: {
      provider: "github",
      repository: plan.repository,
      deployCommits: s.deployCommits,
      previewPullRequests: s.previewPullRequests,
      pullRequestTemplate: s.pullRequestTemplate,
      paths: [...s.paths],
    },
  };
}

/** Declares everything in the plan. */
export function declare(plan: Plan): Declared {
  const agentPool = plan.stacks.some((s) => s.agentPool)
    ? new service.AgentPool("agents", {
        organizationName: plan.organization,
        name: plan.agentPoolName,
        description: `Self-hosted deployment agents for ${plan.project} stacks on private clusters (${plan.stacks.filter((s) => s.agentPool).map((s) => s.stack).join(", ")})`,
      })
    : undefined;
  const stacks: Record<string, StackResources> = {};
  for (const s of plan.stacks) {
    const id = { organization: plan.organization, project: plan.project, stack: s.stack };
    const settings = new service.DeploymentSettings(`${s.stack}-settings`, settingsArgs(plan, s, agentPool?.agentPoolId));
    // Schedules need the stack's deployment settings first.
    const after = { dependsOn: [settings] };
    const drift = new service.DriftSchedule(`${s.stack}-drift`, { ...id, scheduleCron: s.drift.cron, autoRemediate: s.drift.autoRemediate }, after);
    const ttl = s.ttl ? new service.TtlSchedule(`${s.stack}-ttl`, { ...id, timestamp: s.ttl.timestamp, deleteAfterDestroy: s.ttl.deleteAfterDestroy }, after) : undefined;
    stacks[s.stack] = { settings, drift, ttl };
  }
  return { plan, agentPool, stacks };
}

/** This program's config as raw strings, the way parseConfig takes it (objects arrive as JSON). */
export function readRawConfig(config: pulumi.Config, keys: readonly string[]): RawConfig {
  const out: Record<string, string | undefined> = {};
  for (const k of keys) out[k] = config.get(k);
  return out;
}

const KEYS = ["organization", "project", "repository", "branch", "repoDir", "executorImage", "agentPoolName", "oidc", "reviewStackTemplate", "stacks"];

/** The program: the main program is the parent directory of this one. */
export function main(programDir: string): Declared {
  const plan = parseConfig(readRawConfig(new pulumi.Config(PROJECT), KEYS), {
    programFiles: fs.readdirSync(programDir),
    programPulumiYaml: fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8"),
    organization: pulumi.getOrganization(),
    repoDir: repoDirOf(programDir, fs.existsSync),
  });
  return declare(plan);
}
