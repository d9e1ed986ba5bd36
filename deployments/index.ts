/**
 * Pulumi Deployments as code for the llm-platform program (the directory above): see ../docs/delivery.md,
 * "Pulumi Deployments". Every Pulumi.<stack>.yaml there gets deployment settings and schedules here.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { main } from "./program";

const declared = main(path.resolve(__dirname, ".."));

/** Stack -> what Pulumi Cloud runs for it. */
export const stacks = Object.fromEntries(
  declared.plan.stacks.map((s) => [
    s.stack,
    {
      cloud: s.cloud,
      agentPool: s.agentPool,
      deployCommits: s.deployCommits,
      pullRequestTemplate: s.pullRequestTemplate,
      drift: s.drift,
      ttl: s.ttl?.timestamp ?? null,
    },
  ]),
);
export const agentPoolId = declared.agentPool?.agentPoolId;
/** The agents' token (`pulumi stack output agentPoolToken --show-secrets`, into the agent's pulumi-deploy-agent.yaml). */
export const agentPoolToken = declared.agentPool ? pulumi.secret(declared.agentPool.tokenValue) : undefined;
