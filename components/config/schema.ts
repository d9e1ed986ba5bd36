/**
 * Schema slices: each module (the platform, an add-on, a suite) declares its own config keys. The merged
 * schema is what `Pulumi.yaml` and the configuration reference (docs/configuration.md) are generated from (scripts/docs.ts) and what the
 * unknown-key check compares against; a key declared twice is a programming error and fails at load.
 */

export type KeyType = "string" | "integer" | "boolean" | "array";

export interface KeySpec {
  readonly type: KeyType;
  readonly description: string;
  /** The value used when the stack does not set the key. */
  readonly default: string | number | boolean | readonly string[];
  /** The value is a credential: it must be set with `pulumi config set --secret`. */
  readonly secret?: boolean;
  /** Grouping in docs/configuration.md. */
  readonly group: string;
}

export type Schema = Readonly<Record<string, KeySpec>>;

/** The TypeScript type a key of `spec`'s declared type reads as. */
export type ValueOf<T extends KeySpec> = T["type"] extends "integer"
  ? number
  : T["type"] extends "boolean"
    ? boolean
    : T["type"] extends "array"
      ? string[]
      : string;

/** The keys of `S` declared with type `T`: a read of the wrong type does not compile. */
export type KeysOfType<S extends Schema, T extends KeyType> = {
  [K in keyof S & string]: S[K]["type"] extends T ? K : never;
}[keyof S & string];

export interface SchemaSlice {
  /** Who declares the keys (platform, harbor, llmctl, ...), for error messages. */
  readonly owner: string;
  readonly schema: Schema;
}

/** All slices as one schema, in slice order. A key declared by two slices throws, naming both. */
export function mergeSchemas(slices: readonly SchemaSlice[]): Schema {
  const merged: Record<string, KeySpec> = {};
  const owners = new Map<string, string>();
  for (const slice of slices) {
    for (const [key, spec] of Object.entries(slice.schema)) {
      const other = owners.get(key);
      if (other !== undefined) throw new Error(`config key ${key} is declared by both ${other} and ${slice.owner}`);
      owners.set(key, slice.owner);
      merged[key] = spec;
    }
  }
  return merged;
}

type StringKey<D extends string> = { readonly type: "string"; readonly group: string; readonly default: D; readonly description: string };

/**
 * The keys every chart add-on has: `<prefix>Enabled`, `<prefix>ChartRepo`, `<prefix>ChartVersion` and
 * `<prefix>Namespace`, typed as literals so a slice's Reader still checks its reads.
 */
export function chartAddonKeys<P extends string>(
  prefix: P,
  group: string,
  d: { readonly enabled: string; readonly chart: string; readonly repo: string; readonly version: string; readonly namespace: string; readonly namespaceWhat: string },
): { readonly [K in `${P}Enabled`]: { readonly type: "boolean"; readonly group: string; readonly default: true; readonly description: string } } & {
  readonly [K in `${P}ChartRepo` | `${P}ChartVersion` | `${P}Namespace`]: StringKey<string>;
} {
  const keys: Record<string, KeySpec> = {
    [`${prefix}Enabled`]: { type: "boolean", group, default: true, description: d.enabled },
    [`${prefix}ChartRepo`]: { type: "string", group, default: d.repo, description: `Repository of the ${d.chart} chart (https://, or oci:// for a registry).` },
    [`${prefix}ChartVersion`]: { type: "string", group, default: d.version, description: `${d.chart} chart version (exact).` },
    [`${prefix}Namespace`]: { type: "string", group, default: d.namespace, description: d.namespaceWhat },
  };
  // The mapped type above is exactly the four keys built here.
  return keys as ReturnType<typeof chartAddonKeys<P>>;
}
