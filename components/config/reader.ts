/**
 * Reader<S>: reads the keys of ONE schema slice by their declared type and records problems instead of
 * throwing, so a stack with several mistakes gets them all in one error. A parser holds a Reader of its own
 * slice only: reading another slice's key, or reading a key as the wrong type, does not compile.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseCpu, parseMemory } from "../lib/capacity";
import { CHART_REPO, CPU_QUANTITY, cronProblem, DNS_LABEL, LABEL_KEY, LABEL_VALUE, MEMORY_QUANTITY, QUANTITY_LIMITS, SEMVER, STORAGE_QUANTITY } from "./patterns";
import type { KeysOfType, Schema, ValueOf } from "./schema";

export const PROJECT = "llm-platform";

export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** Raw config as the Pulumi runtime holds it: keys without the project prefix, values as strings. */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  /** Keys (without prefix) whose values are stored encrypted. */
  readonly secretKeys: ReadonlySet<string>;
}

/** The fully qualified key, as the operator types it in `pulumi config set`. */
export function qualified(key: string): string {
  return `${PROJECT}:${key}`;
}

/** Every problem of one parse, each prefixed with the key it is about. */
export class Problems {
  readonly list: string[] = [];

  add(key: string, message: string): void {
    this.list.push(`${qualified(key)}: ${message}`);
  }
}

/** A Helm chart source: repository URL and exact version. */
export interface ChartConfig {
  /** Helm repository URL (https://, http:// or oci://). */
  readonly repo: string;
  readonly version: string;
}

type StringKey<S extends Schema> = KeysOfType<S, "string">;
type IntegerKey<S extends Schema> = KeysOfType<S, "integer">;

export class Reader<S extends Schema> {
  constructor(
    readonly schema: S,
    private readonly raw: RawConfig,
    readonly problems: Problems,
  ) {}

  problem(key: keyof S & string, message: string): void {
    this.problems.add(key, message);
  }

  get<K extends keyof S & string>(key: K): ValueOf<S[K]> {
    const spec = this.schema[key];
    const fallback = (Array.isArray(spec.default) ? [...spec.default] : spec.default) as ValueOf<S[K]>;
    const raw = this.raw.values[key];
    if (raw === undefined) return fallback;
    switch (spec.type) {
      case "string":
        return raw as ValueOf<S[K]>;
      case "integer":
        if (!/^-?[0-9]+$/.test(raw.trim())) {
          this.problem(key, `must be an integer (got ${JSON.stringify(raw)})`);
          return fallback;
        }
        return Number(raw) as ValueOf<S[K]>;
      case "boolean":
        if (raw !== "true" && raw !== "false") {
          this.problem(key, `must be true or false (got ${JSON.stringify(raw)})`);
          return fallback;
        }
        return (raw === "true") as ValueOf<S[K]>;
      case "array": {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = undefined;
        }
        if (!Array.isArray(parsed) || parsed.some((v) => typeof v !== "string")) {
          this.problem(key, `must be a list of strings (got ${JSON.stringify(raw)})`);
          return fallback;
        }
        return parsed as ValueOf<S[K]>;
      }
    }
  }

  /** The value, or undefined when empty. */
  optional(key: StringKey<S>): string | undefined {
    const value = this.get(key) as string;
    return value === "" ? undefined : value;
  }

  oneOf<T extends string>(key: StringKey<S>, allowed: readonly T[]): T {
    const value = this.get(key) as string;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problem(key, `must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`);
      return this.schema[key].default as T;
    }
    return value as T;
  }

  intInRange(key: IntegerKey<S>, min: number, max: number): number {
    const value = this.get(key) as number;
    if (value < min || value > max) this.problem(key, `must be between ${min} and ${max} (got ${value})`);
    return value;
  }

  /** The value when empty or matching `pattern`; a problem naming `what` otherwise. */
  matching(key: StringKey<S>, pattern: RegExp, what: string): string {
    const value = this.get(key) as string;
    if (value !== "" && !pattern.test(value)) this.problem(key, `must be ${what} (got ${JSON.stringify(value)})`);
    return value;
  }

  /**
   * A value that must match `pattern` (empty included): a problem naming `what` otherwise, and `fallback` returned so
   * the rest of the parse (sizes, capacity) still runs and reports everything at once instead of crashing.
   */
  requiredMatching(key: StringKey<S>, pattern: RegExp, what: string, fallback: string): string {
    const value = this.get(key) as string;
    if (pattern.test(value)) return value;
    this.problem(key, `must be ${what} (got ${JSON.stringify(value)})`);
    return fallback;
  }

  nodePort(key: IntegerKey<S>): number {
    return this.intInRange(key, NODE_PORT_RANGE.min, NODE_PORT_RANGE.max);
  }

  /** A claim size: required, above zero, below QUANTITY_LIMITS.storageBytes (1Pi). */
  quantity(key: StringKey<S>): string {
    const value = this.get(key) as string;
    if (!STORAGE_QUANTITY.test(value)) {
      this.problem(key, `must be a storage size such as 512Mi, 10Gi or 1Ti (got ${JSON.stringify(value)})`);
      return "1Gi";
    }
    return this.bounded(key, parseMemory(value), QUANTITY_LIMITS.storageBytes, "1Pi") ? value : "1Gi";
  }

  /** A CPU quantity: required, above zero, at most 1024 CPUs. `fallback` keeps the parse going after a problem. */
  cpu(key: StringKey<S>, example: string, fallback = "500m"): string {
    return this.amount(key, { pattern: CPU_QUANTITY, what: "a CPU quantity", parse: parseCpu, max: QUANTITY_LIMITS.cpuMilli, maxShown: "1024 CPUs" }, example, fallback);
  }

  /** A memory quantity: required, above zero, at most 64Ti. */
  memory(key: StringKey<S>, example: string, fallback = "1Gi"): string {
    return this.amount(key, { pattern: MEMORY_QUANTITY, what: "a memory quantity", parse: parseMemory, max: QUANTITY_LIMITS.memoryBytes, maxShown: "64Ti" }, example, fallback);
  }

  private amount(key: StringKey<S>, kind: { pattern: RegExp; what: string; parse: (q: string) => number; max: number; maxShown: string }, example: string, fallback: string): string {
    const value = this.get(key) as string;
    if (!kind.pattern.test(value)) {
      this.problem(key, `must be ${kind.what} such as ${example} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return this.bounded(key, kind.parse(value), kind.max, kind.maxShown) ? value : fallback;
  }

  /** A schedule for a CronJob: five cron fields in range, or a macro such as @daily (patterns.ts cronProblem). */
  cron(key: StringKey<S>, example: string): string {
    const value = this.get(key) as string;
    const problem = cronProblem(value);
    if (problem) this.problem(key, `must be a cron schedule such as ${example} or @daily: ${problem} (got ${JSON.stringify(value)})`);
    return value;
  }

  /** False (with a problem naming the key) when `amount` is zero or above `max`. */
  private bounded(key: StringKey<S>, amount: number, max: number, maxShown: string): boolean {
    if (amount <= 0) this.problem(key, `must be more than zero (got ${JSON.stringify(this.get(key))})`);
    else if (amount > max) this.problem(key, `must be at most ${maxShown}: ${JSON.stringify(this.get(key))} is not a size any cluster here has`);
    else return true;
    return false;
  }

  dnsLabel(key: StringKey<S>): string {
    const value = this.get(key) as string;
    if (!DNS_LABEL.test(value)) this.problem(key, `must be a DNS label (lower-case, digits, '-', max 63) (got ${JSON.stringify(value)})`);
    return value;
  }

  url(key: StringKey<S>, opts: { originOnly?: boolean } = {}): string | undefined {
    const value = this.get(key) as string;
    if (value === "") return undefined;
    let u: URL | undefined;
    try {
      u = new URL(value);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) {
      this.problem(key, `must be an http(s) URL (got ${JSON.stringify(value)})`);
      return undefined;
    }
    if (opts.originOnly && (u.pathname !== "/" || u.search || u.hash)) {
      this.problem(key, `must be an origin without a path, such as https://llm.example.com (got ${JSON.stringify(value)})`);
    }
    return opts.originOnly ? u.origin : value;
  }

  /**
   * A credential: a Pulumi secret when set. A plaintext value in the stack file is rejected, because it
   * would sit unencrypted in git.
   */
  secret(key: StringKey<S>): pulumi.Output<string> | undefined {
    const value = this.raw.values[key];
    if (value === undefined || value === "") return undefined;
    if (!this.raw.secretKeys.has(key)) {
      this.problem(key, `is a credential: set it with \`pulumi config set --secret ${key} ...\`, not in plaintext`);
      return undefined;
    }
    return pulumi.secret(value);
  }

  /** A list of `key=value` label pairs. */
  labels(key: KeysOfType<S, "array">): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of this.get(key) as string[]) {
      const eq = entry.indexOf("=");
      const k = eq > 0 ? entry.slice(0, eq) : "";
      const v = eq > 0 ? entry.slice(eq + 1) : "";
      if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) {
        this.problem(key, `entries must be key=value with a valid label key and value (got ${JSON.stringify(entry)})`);
        continue;
      }
      out[k] = v;
    }
    return out;
  }

  /** A Helm chart source from a repository key and an exact-version key. */
  chart(repoKey: StringKey<S>, versionKey: StringKey<S>): ChartConfig {
    const repo = this.get(repoKey) as string;
    if (!CHART_REPO.test(repo)) this.problem(repoKey, `must be an https://, http:// or oci:// repository URL (got ${JSON.stringify(repo)})`);
    const version = this.get(versionKey) as string;
    if (!SEMVER.test(version)) this.problem(versionKey, `must be an exact chart version such as 1.18.2 (got ${JSON.stringify(version)})`);
    return { repo, version };
  }
}
