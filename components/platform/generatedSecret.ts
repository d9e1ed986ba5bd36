/**
 * GeneratedSecret: random values (random.RandomPassword, secret in state) stored once in a Kubernetes
 * Secret via stringData, plus optional operator-supplied or derived entries. Consumers reference the
 * Secret by name and key; the same generated value feeds every consumer.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { checksum } from "../lib/checksum";
import { standardLabels } from "../lib/labels";
import { rotationKeepers } from "./rotation";

export interface GeneratedValue {
  /** @default 32 */
  readonly length?: number;
  /** Include punctuation. Off by default so values are safe in URLs and connection strings. @default false */
  readonly special?: boolean;
  /** Put before the random part (e.g. LiteLLM's "sk-"); the length is the random part's. */
  readonly prefix?: string;
  /** A change to any of these generates a new value (a rotation); the others stay. */
  readonly keepers?: Readonly<Record<string, string>>;
  /**
   * Why `credentialRotation` must not rotate this value (its application keeps it only from its first start, so a
   * new one would lock it out); absent: rotatable (platform/rotation.ts).
   */
  readonly notRotatable?: string;
}

export interface GeneratedSecretArgs {
  readonly namespace: pulumi.Input<string>;
  /** Kubernetes Secret name. */
  readonly secretName: string;
  readonly instance: string;
  /** Keys whose values are generated. */
  readonly generate: Record<string, GeneratedValue>;
  /** Further entries (operator-supplied secrets, derived values); undefined values are left out. */
  readonly extra?: Record<string, pulumi.Input<string> | undefined>;
  /** Secret type. @default Opaque */
  readonly type?: string;
}

export class GeneratedSecret extends pulumi.ComponentResource {
  readonly secretName: pulumi.Output<string>;
  /** The generated values, as Pulumi secrets, for other resources (e.g. Helm values) to consume. */
  readonly values: Readonly<Record<string, pulumi.Output<string>>>;
  /** bcrypt hashes of the generated values (stable: computed once and kept in state), as secrets. */
  readonly bcrypt: Readonly<Record<string, pulumi.Output<string>>>;
  /** Digest of the Secret's data, for checksum annotations. */
  readonly checksum: pulumi.Output<string>;

  constructor(name: string, args: GeneratedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:platform:GeneratedSecret", name, {}, opts);
    const values: Record<string, pulumi.Output<string>> = {};
    const bcrypt: Record<string, pulumi.Output<string>> = {};
    for (const [key, spec] of Object.entries(args.generate)) {
      const length = spec.length ?? 32;
      if (length < 16) throw new Error(`GeneratedSecret ${name}: ${key} length must be at least 16 (got ${length})`);
      // The stack's credentialRotation token joins the keepers: a new token, a new value for this key alone.
      const keepers = { ...spec.keepers, ...rotationKeepers(args.secretName, key, spec.notRotatable) };
      const password = new random.RandomPassword(
        `${name}-${key.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
        { length, special: spec.special ?? false, minLower: 1, minUpper: 1, minNumeric: 1, ...(Object.keys(keepers).length > 0 ? { keepers } : {}) },
        { parent: this },
      );
      values[key] = pulumi.secret(spec.prefix ? pulumi.interpolate`${spec.prefix}${password.result}` : password.result);
      // A hash of the random part only would not match a prefixed value: none is offered for those.
      if (!spec.prefix) bcrypt[key] = pulumi.secret(password.bcryptHash);
    }
    const extra = Object.fromEntries(
      Object.entries(args.extra ?? {}).filter((e): e is [string, pulumi.Input<string>] => e[1] !== undefined),
    );
    for (const key of Object.keys(extra)) {
      if (key in values) throw new Error(`GeneratedSecret ${name}: ${key} is both generated and supplied`);
    }
    // The whole map is a secret, so operator-supplied entries stay encrypted in state too.
    const stringData = pulumi.secret(pulumi.output({ ...values, ...extra }));
    const secret = new k8s.core.v1.Secret(
      name,
      {
        metadata: { name: args.secretName, namespace: args.namespace, labels: standardLabels(args.secretName, args.instance), annotations: generatedAnnotations(args.generate) },
        type: args.type ?? "Opaque",
        stringData,
      },
      { parent: this },
    );
    this.secretName = secret.metadata.name;
    this.values = values;
    this.bcrypt = bcrypt;
    this.checksum = checksum(stringData);
    this.registerOutputs({ secretName: this.secretName });
  }
}

/** Which keys are generated, and which of those only their application can change: `npm run rotate` and the docs read these. */
export const GENERATED_KEYS_ANNOTATION = "llm-platform/keys-generated";
export const FIXED_KEYS_ANNOTATION = "llm-platform/keys-not-rotatable";

function generatedAnnotations(generate: Readonly<Record<string, GeneratedValue>>): Record<string, string> | undefined {
  const keys = Object.keys(generate).sort();
  if (keys.length === 0) return undefined;
  const fixed = keys.filter((k) => generate[k].notRotatable);
  return { [GENERATED_KEYS_ANNOTATION]: keys.join(","), ...(fixed.length > 0 ? { [FIXED_KEYS_ANNOTATION]: fixed.join(",") } : {}) };
}
