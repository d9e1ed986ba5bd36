/** Section: the studio's generated Secret and the optional operator-supplied MCP Secret. */
import * as pulumi from "@pulumi/pulumi";
import { serviceHost } from "../../platform/exposure";
import { chromaProxyConfig, REDIS_PORT } from "../../workloads/datastores";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { childOpts, type SuiteContext } from "../context";
import type { LlmctlConfig } from "./config";
import { mcpSecretValues, suppliedMcpKeys } from "./decisions";
import type { LlmctlImage } from "./images";
import { CHROMA_AUTH, NAMES, POSTGRES, REDIS_AUTH } from "./names";

export interface StudioSecrets {
  readonly studio: GeneratedSecret;
  /** redis.conf for the Redis server (requirepass). */
  readonly redisConfig: GeneratedSecret;
  /** CELERY_BROKER_URL and CELERY_RESULT_BACKEND, which carry the Redis password. */
  readonly broker: GeneratedSecret;
  /** nginx.conf of ChromaDB's authenticating proxy (it holds the token). */
  readonly chromaProxy: GeneratedSecret;
  /** Present only when an operator supplied an MCP credential (every reference to it is optional). */
  readonly mcp?: GeneratedSecret;
  /** The generated Postgres password (a Pulumi secret). */
  readonly postgresPassword: pulumi.Output<string>;
}

export function studioSecrets(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig): StudioSecrets {
  const studio = new GeneratedSecret(
    NAMES.studioSecret,
    {
      namespace: ctx.namespace,
      secretName: NAMES.studioSecret,
      instance: ctx.instance,
      // Alphanumeric (no special characters): the Redis password goes into URLs without encoding.
      generate: { [POSTGRES.passwordKey]: { length: 32 }, [REDIS_AUTH.passwordKey]: { length: 32 }, [CHROMA_AUTH.tokenKey]: { length: 40 } },
      extra: { LLMCTL_MCP_PUBLIC_BASE_URL: cfg.mcpPublicBaseUrl },
    },
    childOpts(ctx),
  );
  const mcp =
    suppliedMcpKeys(cfg).length > 0
      ? new GeneratedSecret(
          NAMES.mcpSecret,
          { namespace: ctx.namespace, secretName: NAMES.mcpSecret, instance: ctx.instance, generate: {}, extra: mcpSecretValues(cfg) },
          childOpts(ctx),
        )
      : undefined;
  const redisPassword = studio.values[REDIS_AUTH.passwordKey];
  const redisConfig = new GeneratedSecret(
    REDIS_AUTH.configSecret,
    { namespace: ctx.namespace, secretName: REDIS_AUTH.configSecret, instance: ctx.instance, generate: {}, extra: { "redis.conf": pulumi.interpolate`requirepass ${redisPassword}\n` } },
    childOpts(ctx),
  );
  const url = pulumi.interpolate`redis://:${redisPassword}@${serviceHost(NAMES.redis, ctx.namespaceName)}:${REDIS_PORT}/0`;
  const broker = new GeneratedSecret(
    REDIS_AUTH.brokerSecret,
    { namespace: ctx.namespace, secretName: REDIS_AUTH.brokerSecret, instance: ctx.instance, generate: {}, extra: { CELERY_BROKER_URL: url, CELERY_RESULT_BACKEND: url } },
    childOpts(ctx),
  );
  const chromaProxy = new GeneratedSecret(
    CHROMA_AUTH.proxySecret,
    { namespace: ctx.namespace, secretName: CHROMA_AUTH.proxySecret, instance: ctx.instance, generate: {}, extra: { "nginx.conf": studio.values[CHROMA_AUTH.tokenKey].apply(chromaProxyConfig) } },
    childOpts(ctx),
  );
  return { studio, redisConfig, broker, chromaProxy, mcp, postgresPassword: studio.values[POSTGRES.passwordKey] };
}
