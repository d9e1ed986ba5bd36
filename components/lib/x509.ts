/**
 * A minimal DER encoder for one thing: a self-signed X.509 v3 CA certificate over an RSA key, signed with
 * sha256WithRSAEncryption. Node can parse and verify certificates but not build them; this avoids a TLS
 * provider plugin for the single self-signed token certificate Harbor needs.
 *
 * Self-contained on purpose (every helper is inside, `crypto` is a parameter): a dynamic provider
 * serializes this function's text into its plugin process, where nothing else of this module exists.
 */
import type * as Crypto from "crypto";

export interface SelfSignedArgs {
  readonly commonName: string;
  readonly privateKey: Crypto.KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Positive serial number bytes. */
  readonly serial: Buffer;
}

/** Returns the certificate as PEM. */
export function selfSignedCertificate(crypto: typeof Crypto, args: SelfSignedArgs): string {
  const length = (n: number): Buffer => {
    if (n < 0x80) return Buffer.from([n]);
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  };
  const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
  const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
  const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
  const integer = (value: Buffer): Buffer => {
    let v = value;
    while (v.length > 1 && v[0] === 0 && (v[1] & 0x80) === 0) v = v.subarray(1);
    return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
  };
  const oid = (dotted: string): Buffer => {
    const [a, b, ...rest] = dotted.split(".").map(Number);
    const out = [40 * a + b];
    for (const n of rest) {
      const chunk: number[] = [n & 0x7f];
      for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
      out.push(...chunk);
    }
    return tlv(0x06, Buffer.from(out));
  };
  const time = (d: Date): Buffer => {
    const digits = d.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
    // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
    return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
  };
  const critical = Buffer.from([0x01, 0x01, 0xff]);

  if (args.privateKey.asymmetricKeyType !== "rsa") throw new Error("selfSignedCertificate: an RSA private key is required");
  if (args.notAfter <= args.notBefore) throw new Error("selfSignedCertificate: notAfter must be after notBefore");
  const sha256WithRsa = sequence(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));
  const name = sequence(set(sequence(oid("2.5.4.3"), tlv(0x0c, Buffer.from(args.commonName, "utf8")))));
  const spki = crypto.createPublicKey(args.privateKey).export({ type: "spki", format: "der" });
  const extensions = tlv(
    0xa3,
    sequence(
      sequence(oid("2.5.29.19"), critical, tlv(0x04, sequence(critical))), // basicConstraints CA:TRUE
      sequence(oid("2.5.29.15"), critical, tlv(0x04, tlv(0x03, Buffer.from([0x02, 0x84])))), // digitalSignature, keyCertSign
    ),
  );
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(args.serial),
    sha256WithRsa,
    name,
    sequence(time(args.notBefore), time(args.notAfter)),
    name,
    spki,
    extensions,
  );
  const signature = crypto.sign("sha256", tbs, args.privateKey);
  const der = sequence(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = der.toString("base64").replace(/(.{64})/g, "$1\n").trim();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
