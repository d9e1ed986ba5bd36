/**
 * The gateway's consumers and their virtual keys, as pure data: who calls LiteLLM (OpenWebUI, R2R and the metrics
 * scraper in this suite; every enabled suite that uses the gateway), the limits config gives each
 * (llmStackGatewayKeys), and the body of LiteLLM's /key/generate and /key/update for each (field names from
 * litellm 1.110.2's GenerateKeyRequest and UpdateKeyRequest, types/proxy/management_endpoints/key_requests.py).
 */

/** Consumers inside this suite; other consumers are the suites that use the gateway (by suite name). */
export const STACK_CONSUMERS = ["openwebui", "r2r", "metrics"] as const;

/** Every consumer of the gateway: the stack's own (Prometheus only when it scrapes), then the suites that use it. */
export function gatewayConsumers(scraped: boolean, suites: readonly string[]): string[] {
  return [...STACK_CONSUMERS.filter((c) => c !== "metrics" || scraped), ...suites];
}

export interface ConsumerLimits {
  /** USD per period; undefined: no budget. */
  readonly budget?: number;
  /** LiteLLM's duration ("30d", "1mo"): the budget resets each period. */
  readonly period?: string;
  readonly rpm?: number;
  readonly tpm?: number;
  /** Model names the key may call; undefined: every model the gateway serves. */
  readonly models?: readonly string[];
  /** Changing it generates a new key for this consumer only (and revokes the old one). */
  readonly rotate?: string;
}

export const GATEWAY_KEYS_FORMAT =
  "<consumer>[,budget=<USD>][,period=<n>s|m|h|d|w|mo][,rpm=<n>][,tpm=<n>][,models=<model>|<model>...][,rotate=<token>], <consumer> one of openwebui, r2r, metrics or an enabled suite that uses the gateway";

const CONSUMER = /^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/;
const PERIOD = /^[1-9][0-9]{0,3}(s|m|h|d|w|mo)$/;
const COUNT = /^[1-9][0-9]{0,8}$/;
const USD = /^(0|[1-9][0-9]{0,6})(\.[0-9]{1,2})?$/;

/** One entry: its consumer and limits, or a message saying what is wrong (the caller names the key). */
export function parseConsumerLimits(entry: string, served: readonly string[]): { consumer: string; limits: ConsumerLimits } | string {
  const [consumer, ...options] = entry.split(",");
  if (!CONSUMER.test(consumer)) return `entries must be ${GATEWAY_KEYS_FORMAT} (got ${JSON.stringify(entry)})`;
  const limits: { -readonly [K in keyof ConsumerLimits]: ConsumerLimits[K] } = {};
  for (const o of options) {
    const [k, v = ""] = o.split("=", 2);
    if (k === "budget" && USD.test(v)) limits.budget = Number(v);
    else if (k === "period" && PERIOD.test(v)) limits.period = v;
    else if (k === "rpm" && COUNT.test(v)) limits.rpm = Number(v);
    else if (k === "tpm" && COUNT.test(v)) limits.tpm = Number(v);
    else if (k === "rotate" && /^[A-Za-z0-9._-]{1,64}$/.test(v)) limits.rotate = v;
    else if (k === "models" && v !== "") {
      const models = v.split("|");
      const unknown = models.filter((m) => !served.includes(m));
      if (unknown.length > 0) return `${consumer}: models ${unknown.join(", ")} are not served by the gateway (served: ${served.join(", ")})`;
      limits.models = models;
    } else return `${consumer}: option ${JSON.stringify(o)} is not one of budget=<USD such as 50 or 12.5>, period=<such as 30d or 1mo>, rpm=<n>, tpm=<n>, models=<a>|<b>, rotate=<token>`;
  }
  if (limits.period && limits.budget === undefined) return `${consumer}: period=${limits.period} needs a budget= to reset`;
  return { consumer, limits };
}

/** The body LiteLLM's /key/generate and /key/update take for a consumer (the key itself is added by the Job). */
export interface KeySettings {
  readonly key_alias: string;
  readonly models: readonly string[];
  readonly max_budget: number | null;
  readonly budget_duration: string | null;
  readonly rpm_limit: number | null;
  readonly tpm_limit: number | null;
  readonly metadata: { readonly "managed-by": "llm-platform"; readonly consumer: string };
}

/**
 * A consumer's key settings. The metrics scraper's key has a budget of 0: LiteLLM refuses every model call of a key
 * whose spend has reached its budget (auth_checks.py, virtual_key_max_budget_check, on LLM routes only), while its
 * /metrics/ accepts any valid key.
 */
export function keySettings(consumer: string, limits: ConsumerLimits = {}): KeySettings {
  const scraper = consumer === "metrics";
  return {
    key_alias: consumer,
    // [] is "every model" to LiteLLM.
    models: limits.models ?? [],
    max_budget: scraper ? 0 : (limits.budget ?? null),
    budget_duration: scraper ? null : (limits.period ?? null),
    rpm_limit: limits.rpm ?? null,
    tpm_limit: limits.tpm ?? null,
    metadata: { "managed-by": "llm-platform", consumer },
  };
}
