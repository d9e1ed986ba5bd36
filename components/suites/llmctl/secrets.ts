/** Section: the studio's generated Secret and the optional operator-supplied MCP Secret. */
import type * as pulumi from "@pulumi/pulumi";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { childOpts, type SuiteContext } from "../context";
import type { LlmctlConfig } from "./config";
import { mcpSecretValues, suppliedMcpKeys } from "./decisions";
import type { LlmctlImage } from "./images";
import { NAMES, POSTGRES } from "./names";

export interface StudioSecrets {
  readonly studio: GeneratedSecret;
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
      generate: { [POSTGRES.passwordKey]: { length: 32 } },
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
  return { studio, mcp, postgresPassword: studio.values[POSTGRES.passwordKey] };
}
