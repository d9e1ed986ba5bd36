/** Section: the generated credentials (stores, OpenWebUI, LiteLLM's master key) and the operator's provider keys. */
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecret, type GeneratedValue } from "../../platform/generatedSecret";
import { childOpts, type SuiteContext } from "../context";
import type { LlmStackConfig } from "./config";
import type { LlmStackImage } from "./images";
import { KEYS, NAMES, POSTGRES } from "./names";

export interface StackSecrets {
  /** Postgres, Redis, Qdrant and OpenWebUI's session key. */
  readonly stack: GeneratedSecret;
  /** The seed's litellm-secret: the generated master key and the provider keys that are set. */
  readonly litellm: GeneratedSecret;
  readonly redisConfig: GeneratedSecret;
  /** litellm-database: the password of LiteLLM's own database role. */
  readonly gatewayDb: GeneratedSecret;
  /** The key the local model servers ask for (model-servers: api-key), which only LiteLLM is given. */
  readonly modelServers: GeneratedSecret;
  readonly masterKey: pulumi.Output<string>;
}

export function stackSecrets(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig): StackSecrets {
  const secret = (name: string, generate: Record<string, GeneratedValue>, extra: Record<string, pulumi.Input<string> | undefined> = {}) =>
    new GeneratedSecret(name, { namespace: ctx.namespace, secretName: name, instance: ctx.instance, generate, extra }, childOpts(ctx));
  // Alphanumeric (GeneratedSecret's default): the Redis password goes into a URL without encoding.
  const stack = secret(NAMES.stackSecret, {
    [POSTGRES.passwordKey]: { length: 32 },
    [KEYS.redisPassword]: { length: 32 },
    [KEYS.qdrantApiKey]: { length: 40 },
    [KEYS.webuiSecret]: { length: 48 },
  });
  const litellm = secret(
    NAMES.litellmSecret,
    {
      [KEYS.masterKey]: { length: 48 },
      // LiteLLM encrypts the model credentials it keeps in its database with it (LITELLM_SALT_KEY).
      [KEYS.saltKey]: { length: 48, notRotatable: "LiteLLM encrypts the credentials it stores in its database with the salt key; a new one cannot read them" },
    },
    { [KEYS.openai]: cfg.keys.openai, [KEYS.anthropic]: cfg.keys.anthropic },
  );
  const redisConfig = secret(NAMES.redisConfig, {}, { "redis.conf": pulumi.interpolate`requirepass ${stack.values[KEYS.redisPassword]}\n` });
  const modelServers = secret(NAMES.modelServersSecret, { "api-key": { length: 40 } });
  const gatewayDb = secret(NAMES.gatewayDb, { password: { length: 32 } });
  return { stack, litellm, redisConfig, modelServers, gatewayDb, masterKey: litellm.values[KEYS.masterKey] };
}
