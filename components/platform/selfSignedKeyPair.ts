/**
 * SelfSignedKeyPair: an RSA key and a self-signed CA certificate generated ONCE (at create) and kept in
 * Pulumi state, the private key as a secret. Later previews and updates read them from state, so charts
 * that would otherwise mint a new certificate on every render (Harbor's token CA) get a stable one.
 *
 * A dynamic provider keeps this within @pulumi/pulumi (no extra provider plugin); it replaces the pair
 * only when its inputs change.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Crypto from "crypto";
import { selfSignedCertificate } from "../lib/x509";

export interface SelfSignedKeyPairArgs {
  readonly commonName: string;
  /** @default 3650 */
  readonly validityDays?: number;
  /** @default 4096 */
  readonly rsaBits?: number;
}

interface Inputs {
  commonName: string;
  validityDays: number;
  rsaBits: number;
}

interface Outputs extends Inputs {
  privateKeyPem: string;
  certificatePem: string;
  notAfter: string;
}

/** Exported for tests: the provider's create runs here without a Pulumi engine. */
export const keyPairProvider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
  async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult<Outputs>> {
    // A built-in module required at run time: this function runs serialized in the provider process.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("crypto") as typeof Crypto;
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: inputs.rsaBits });
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const notAfter = new Date(notBefore.getTime() + inputs.validityDays * 86_400_000);
    const serial = crypto.randomBytes(16);
    serial[0] &= 0x7f;
    const certificatePem = selfSignedCertificate(crypto, { commonName: inputs.commonName, privateKey, notBefore, notAfter, serial });
    return {
      id: serial.toString("hex"),
      outs: {
        ...inputs,
        privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        certificatePem,
        notAfter: notAfter.toISOString(),
      },
    };
  },
  async diff(_id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = (["commonName", "validityDays", "rsaBits"] as const).filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
};

export class SelfSignedKeyPair extends pulumi.dynamic.Resource {
  declare readonly privateKeyPem: pulumi.Output<string>;
  declare readonly certificatePem: pulumi.Output<string>;
  declare readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: SelfSignedKeyPairArgs, opts?: pulumi.CustomResourceOptions) {
    const validityDays = args.validityDays ?? 3650;
    const rsaBits = args.rsaBits ?? 4096;
    if (!Number.isInteger(validityDays) || validityDays < 1) throw new Error(`SelfSignedKeyPair ${name}: validityDays must be a positive integer`);
    if (![2048, 3072, 4096].includes(rsaBits)) throw new Error(`SelfSignedKeyPair ${name}: rsaBits must be 2048, 3072 or 4096`);
    super(
      keyPairProvider,
      name,
      { commonName: args.commonName, validityDays, rsaBits, privateKeyPem: undefined, certificatePem: undefined, notAfter: undefined },
      { ...opts, additionalSecretOutputs: ["privateKeyPem"] },
      "llm-platform:SelfSignedKeyPair",
    );
  }
}
