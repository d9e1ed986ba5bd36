/**
 * The LLM stack (seed llm-stack.md): Postgres, Redis, Qdrant, LiteLLM, R2R, OpenWebUI and a React client,
 * with generated credentials instead of the seed's literals, and LiteLLM exported as the platform's model
 * gateway for the other suites.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BackedUpStore } from "../../platform/backups/jobs";
import { workloadPods } from "../../platform/flows";
import { dashboard } from "../../platform/metrics";
import type { ModelGateway } from "../../platform/modelGateway";
import { childOpts, openSuite } from "../context";
import { defineSuite, type PlatformContext } from "../types";
import { apps } from "./apps";
import { stackBackups } from "./backups";
import { llmStackDemand } from "./capacity";
import { LLM_STACK_SCHEMA, type LlmStackConfig, parseLlmStack } from "./config";
import { portForwards, providerKeyHelp, stackUrls, url } from "./decisions";
import { LLM_STACK_CATALOGUE, type LlmStackImage } from "./images";
import { modelServers, weightGrants, weightsStore } from "./modelServers";
import { gatewayConsumers } from "./consumers";
import { gatewayDatabase } from "./gatewayDb";
import { CONSUMER_KEY, consumerKeys, registerKeys } from "./gatewayKeys";
import { consumerKeySecret, INSTANCE, NAMES, PORTS } from "./names";
import { stackNetwork } from "./network";
import { stackSecrets } from "./secrets";
import { SPEND_DASHBOARD, spendDashboard, spendHelp } from "./spend";
import { stores } from "./stores";

export interface LlmStackArgs {
  readonly config: LlmStackConfig;
  readonly platform: PlatformContext<LlmStackImage>;
}

export class LlmStackSuite extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly gateway: ModelGateway;
  /** LiteLLM's master key: the operator's (a secret output), in no consumer's namespace. */
  readonly masterKey: pulumi.Output<string>;
  /** The gateway's consumers, each with a key of its own. */
  readonly consumers: readonly string[];
  /** Where spend per consumer and model is seen. */
  readonly spend: Readonly<Record<string, string>>;
  readonly urls: { readonly openwebui: string; readonly reactClient: string; readonly litellm: string };
  readonly portForwards: Readonly<Record<string, string>>;
  readonly providerKeys: Readonly<Record<string, string>>;
  /** Where each consumer's key is (namespace/Secret and key), for the outputs. */
  readonly consumerKeys: Readonly<Record<string, string>>;
  readonly backups?: Readonly<Record<string, BackedUpStore>>;

  constructor(name: string, args: LlmStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:suites:LlmStack", name, {}, opts);
    const { config: cfg, platform } = args;
    const ctx = openSuite(this, name, platform, { namespaceName: cfg.namespace, instance: INSTANCE });
    this.namespace = ctx.namespace;
    for (const m of cfg.droppedModels) {
      pulumi.log.warn(`llm-stack: model ${m.name} (${m.provider}/${m.model}) is left out of LiteLLM's config: set llmStack${m.provider === "openai" ? "Openai" : "Anthropic"}ApiKey with --secret`, this);
    }
    const secrets = stackSecrets(ctx, cfg);
    stores(ctx, cfg, secrets);
    // Who calls the gateway: OpenWebUI, R2R, Prometheus (when it scrapes), and the suites that use it.
    const consumers = gatewayConsumers(platform.monitoring !== undefined, platform.gatewayConsumers ?? []);
    for (const unused of Object.keys(cfg.gatewayKeys).filter((c) => !consumers.includes(c))) {
      pulumi.log.warn(`llm-stack: llmStackGatewayKeys limits ${unused}, which does not call the gateway here (consumers: ${consumers.join(", ")}): unused`, this);
    }
    const keys = consumerKeys(ctx, cfg, consumers);
    gatewayDatabase(ctx, secrets);
    apps(ctx, cfg, secrets, keys, platform.monitoring !== undefined);
    registerKeys(ctx, cfg, keys, secrets);
    modelServers(ctx, cfg, secrets, weightsStore(ctx, cfg, platform.objectStore));
    stackNetwork(ctx, cfg, platform.monitoring);
    this.backups = stackBackups(ctx, platform.backupTarget);
    dashboard(SPEND_DASHBOARD.name, INSTANCE, spendDashboard(), platform.monitoring, childOpts(ctx));
    this.spend = spendHelp(cfg.namespace, platform.monitoring !== undefined);

    this.masterKey = secrets.masterKey;
    this.consumers = consumers;
    this.consumerKeys = Object.fromEntries(consumers.map((c) => [c, `${cfg.namespace}/${consumerKeySecret(c)} (key ${CONSUMER_KEY})`]));
    this.gateway = {
      baseUrl: url(NAMES.litellm, PORTS.litellm, cfg.namespace, "/v1"),
      keys: Object.fromEntries(consumers.map((c) => [c, keys[c].values[CONSUMER_KEY]])),
      provider: "llm-stack",
      pods: workloadPods(NAMES.litellm, INSTANCE, cfg.namespace, this.namespace),
      port: PORTS.litellm,
    };
    this.urls = stackUrls(cfg, platform.exposure);
    this.portForwards = portForwards(cfg.namespace);
    this.providerKeys = providerKeyHelp(cfg);
    this.registerOutputs({ namespace: this.namespace, urls: this.urls });
  }
}

export const llmStack = defineSuite({
  name: "llm-stack",
  schema: LLM_STACK_SCHEMA,
  images: LLM_STACK_CATALOGUE,
  parse: parseLlmStack,
  demand: llmStackDemand,
  create: (config: LlmStackConfig, platform: PlatformContext<LlmStackImage>, opts) => new LlmStackSuite(INSTANCE, { config, platform }, opts),
  outputs: (s: LlmStackSuite) => ({
    namespace: s.namespace,
    urls: s.urls,
    portForward: s.portForwards,
    gateway: {
      baseUrl: s.gateway.baseUrl,
      masterKey: s.masterKey,
      consumerKeys: s.consumerKeys,
    },
    providerKeys: s.providerKeys,
    spend: s.spend,
    backups: s.backups,
  }),
  gateway: (s: LlmStackSuite) => s.gateway,
  objectStoreGrants: weightGrants,
});
