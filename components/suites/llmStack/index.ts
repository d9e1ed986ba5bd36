/**
 * The LLM stack (seed llm-stack.md): Postgres, Redis, Qdrant, LiteLLM, R2R, OpenWebUI and a React client,
 * with generated credentials instead of the seed's literals, and LiteLLM exported as the platform's model
 * gateway for the other suites.
 */
import * as pulumi from "@pulumi/pulumi";
import { type PodGroup, workloadPods } from "../../platform/flows";
import { useObjectStore } from "../../platform/objectStore";
import type { ModelGateway } from "../../platform/modelGateway";
import { childOpts, openSuite, type SuiteContext } from "../context";
import { defineSuite, type PlatformContext } from "../types";
import { apps } from "./apps";
import { llmStackDemand } from "./capacity";
import { LLM_STACK_SCHEMA, type LlmStackConfig, parseLlmStack } from "./config";
import { portForwards, providerKeyHelp, stackUrls, url } from "./decisions";
import { LLM_STACK_CATALOGUE, type LlmStackImage } from "./images";
import { modelWorkload } from "./models";
import { modelServers } from "./modelServers";
import { INSTANCE, NAMES, PORTS } from "./names";
import { stackNetwork } from "./network";
import { stackSecrets } from "./secrets";
import { stores } from "./stores";

export interface LlmStackArgs {
  readonly config: LlmStackConfig;
  readonly platform: PlatformContext<LlmStackImage>;
}

export class LlmStackSuite extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly gateway: ModelGateway;
  readonly urls: { readonly openwebui: string; readonly reactClient: string; readonly litellm: string };
  readonly portForwards: Readonly<Record<string, string>>;
  readonly providerKeys: Readonly<Record<string, string>>;

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
    apps(ctx, cfg, secrets, platform.monitoring !== undefined);
    modelServers(ctx, cfg, secrets, this.weightsStore(ctx, cfg, platform));
    stackNetwork(ctx, cfg, platform.monitoring);

    this.gateway = {
      baseUrl: url(NAMES.litellm, PORTS.litellm, cfg.namespace, "/v1"),
      key: secrets.masterKey,
      provider: "llm-stack",
      pods: workloadPods(NAMES.litellm, INSTANCE, cfg.namespace, this.namespace),
      port: PORTS.litellm,
    };
    this.urls = stackUrls(cfg, platform.exposure);
    this.portForwards = portForwards(cfg.namespace);
    this.providerKeys = providerKeyHelp(cfg);
    this.registerOutputs({ namespace: this.namespace, urls: this.urls });
  }

  /** The object store's keys and the flow to it, for the vLLM models that copy their weights from it. */
  private weightsStore(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig, platform: PlatformContext<LlmStackImage>): pulumi.Resource | undefined {
    const buckets = weightBuckets(cfg);
    if (buckets.length === 0 || !platform.objectStore) return undefined;
    const copiers: PodGroup = {
      name: "model-weights",
      namespace: cfg.namespace,
      own: this.namespace,
      selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: cfg.localModels.filter((m) => m.weights).map(modelWorkload) }] },
    };
    return useObjectStore(INSTANCE, { namespace: this.namespace, instance: INSTANCE, store: platform.objectStore, bucket: buckets[0], callers: copiers }, childOpts(ctx));
  }
}

/** The buckets the vLLM models' weights are in. */
export const weightBuckets = (cfg: LlmStackConfig): string[] => [...new Set(cfg.localModels.flatMap((m) => (m.weights ? [m.weights.bucket] : [])))];

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
    gateway: { baseUrl: s.gateway.baseUrl, key: s.gateway.key },
    providerKeys: s.providerKeys,
  }),
  gateway: (s: LlmStackSuite) => s.gateway,
  objectStoreBuckets: weightBuckets,
});
