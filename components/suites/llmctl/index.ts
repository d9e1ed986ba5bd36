/**
 * The llmctl studio suite (seed: llmctl-studio.md): Studio backend and frontend, Celery worker and beat,
 * Redis, Postgres, ChromaDB, the six integrated MCP servers, executor plumbing and exposure. The
 * constructor only orders the sections; each section is a builder over one SuiteContext.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BackedUpStore } from "../../platform/backups/jobs";
import { POSTGRES_PORT } from "../../workloads/datastores";
import { openSuite } from "../context";
import { defineSuite, type PlatformContext } from "../types";
import { llmctlDemand } from "./capacity";
import { LLMCTL_SCHEMA, type LlmctlConfig, parseLlmctl } from "./config";
import { studioBackups } from "./backups";
import { quota, type StudioQuota } from "./quota";
import { datastores } from "./datastores";
import { mcpEndpoints, mcpPublicEndpoints, portForward, secretsSummary, studioUrls } from "./decisions";
import { executorPlumbing, smokeJob } from "./executor";
import { studioExposure } from "./exposure";
import { studioNetwork } from "./flows";
import { LLMCTL_CATALOGUE, type LlmctlImage } from "./images";
import { mcpServers } from "./mcpServers";
import { INSTANCE, NAMES, PORTS, POSTGRES } from "./names";
import { studioSecrets } from "./secrets";
import { studioWorkloads } from "./studio";
import { studioConfigMap } from "./studioConfigMap";

export { INSTANCE, NAMES, PORTS, POSTGRES } from "./names";

export interface LlmctlSuiteArgs {
  /** The llmctl slice of the stack config. */
  readonly config: LlmctlConfig;
  readonly platform: PlatformContext<LlmctlImage>;
}

export interface Endpoint {
  readonly url: string;
  readonly portForward: string;
}

/** How another component reaches the studio's Postgres (pgAdmin). */
/**
 * The studio builds executor Jobs itself, and their pod spec (no securityContext; vLLM images run as root) is
 * not ours: under `restricted` the API server would reject every one. Shown by the e2e tier, which submits
 * Jobs shaped like the studio's. Every pod this program builds still meets restricted (tests hold it), and
 * restricted is warned and audited, so an executor that falls short is visible.
 */
export const EXECUTOR_POD_SECURITY_REASON =
  "the studio creates executor Jobs whose pod spec it builds without a restricted securityContext (vLLM images run as root); every pod this program builds meets restricted";

export interface PostgresEndpoint {
  readonly service: string;
  readonly instance: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** The generated password (a Pulumi secret). */
  readonly password: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  readonly namespaceName: string;
}

export class LlmctlSuite extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly frontend: Endpoint;
  readonly backend: Endpoint;
  /** In-cluster MCP endpoint URLs by route (llmctl, github, ...). */
  readonly mcpEndpoints: Readonly<Record<string, string>>;
  /** Public MCP URLs by route, when an ingress or mcpPublicBaseUrl exists. */
  readonly mcpPublicEndpoints?: Readonly<Record<string, string>>;
  /** Secret names an operator looks at, and how each is filled. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly postgres: PostgresEndpoint;
  /** Every pull secret the llmctl pods and executor Jobs use (existing plus generated). */
  readonly imagePullSecrets: readonly string[];
  /** How to find the node address for NodePort URLs, when nodePortHost is not set. */
  readonly nodeIpHint?: string;
  /** Each backed-up store: where it goes, and the commands that back it up or drill it now. */
  readonly backups?: Readonly<Record<string, BackedUpStore>>;
  readonly quota: StudioQuota;

  constructor(name: string, args: LlmctlSuiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:suites:Llmctl", name, {}, opts);
    const cfg = args.config;
    const platform = args.platform;
    const liveCode = cfg.executor.liveCodeHostPath;
    const ctx = openSuite(this, name, platform, {
      namespaceName: cfg.namespace,
      instance: INSTANCE,
      namespace: liveCode
        ? { enforce: "privileged", enforceReason: "llmctlLiveCode mounts a hostPath (dev only); restricted is still warned and audited" }
        : { enforce: "baseline", enforceReason: EXECUTOR_POD_SECURITY_REASON },
    });
    this.namespace = ctx.namespace;
    this.imagePullSecrets = ctx.imagePullSecrets;

    const secrets = studioSecrets(ctx, cfg);
    const stores = datastores(ctx, cfg, secrets);
    const plumbing = executorPlumbing(ctx, cfg);
    const shared = studioConfigMap(ctx, cfg, secrets, stores);
    mcpServers(ctx, cfg, shared, stores);
    studioWorkloads(ctx, cfg, shared, stores, plumbing);
    if (cfg.executor.smokeTest) smokeJob(ctx, cfg, plumbing);
    studioExposure(ctx);
    studioNetwork(ctx);
    this.backups = studioBackups(ctx, platform.backupTarget);
    this.quota = quota(ctx, cfg, Object.keys(this.backups ?? {}).length);

    const urls = studioUrls(cfg, platform.exposure, cfg.namespace);
    this.frontend = { url: urls.frontend, portForward: portForward(cfg.namespace, NAMES.frontend, PORTS.frontend) };
    this.backend = { url: urls.backend, portForward: portForward(cfg.namespace, NAMES.backend, PORTS.backend) };
    this.mcpEndpoints = mcpEndpoints(cfg);
    this.mcpPublicEndpoints = mcpPublicEndpoints(cfg, platform.exposure);
    this.secrets = secretsSummary(cfg);
    this.nodeIpHint = platform.exposure.mode === "nodePort" && !platform.exposure.nodePortHost ? "minikube -p llmctl ip" : undefined;
    this.postgres = {
      service: NAMES.postgres,
      instance: INSTANCE,
      host: stores.hosts.postgres,
      port: POSTGRES_PORT,
      database: POSTGRES.database,
      user: POSTGRES.user,
      password: secrets.postgresPassword,
      namespace: this.namespace,
      namespaceName: cfg.namespace,
    };
    this.registerOutputs({ namespace: this.namespace, frontendUrl: this.frontend.url, backendUrl: this.backend.url, mcpEndpoints: this.mcpEndpoints });
  }
}

export const llmctl = defineSuite({
  name: "llmctl",
  schema: LLMCTL_SCHEMA,
  images: LLMCTL_CATALOGUE,
  parse: parseLlmctl,
  demand: llmctlDemand,
  create: (config: LlmctlConfig, platform: PlatformContext<LlmctlImage>, opts) => new LlmctlSuite(INSTANCE, { config, platform }, opts),
  outputs: (s: LlmctlSuite) => ({
    namespace: s.namespace,
    frontendUrl: s.frontend.url,
    backendUrl: s.backend.url,
    portForward: { frontend: s.frontend.portForward, backend: s.backend.portForward },
    secrets: s.secrets,
    mcpEndpoints: s.mcpEndpoints,
    mcpPublicEndpoints: s.mcpPublicEndpoints,
    nodeIpHint: s.nodeIpHint,
    imagePullSecrets: s.imagePullSecrets,
    backups: s.backups,
    /** What the studio may run at once (ResourceQuota llmctl-quota; llmctlExecutorJobsMax). */
    quota: s.quota,
  }),
});
