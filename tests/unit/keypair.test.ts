import { execFileSync } from "child_process";
import { generateKeyPairSync, randomBytes, X509Certificate, createPrivateKey } from "crypto";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { selfSignedCertificate } from "../../components/lib/x509";
import { keyPairProvider } from "../../components/platform/selfSignedKeyPair";

describe("self-signed certificate (hand-built DER)", () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const notBefore = new Date("2026-01-01T00:00:00Z");

  test("parses as an X.509 v3 CA, verifies its own signature and matches its key", () => {
    const pem = selfSignedCertificate(crypto, { commonName: "harbor-token-ca", privateKey, notBefore, notAfter: new Date("2036-01-01T00:00:00Z"), serial: randomBytes(16) });
    const cert = new X509Certificate(pem);
    expect(cert.subject).toBe("CN=harbor-token-ca");
    expect(cert.issuer).toBe("CN=harbor-token-ca");
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(privateKey)).toBe(true);
    expect(new Date(cert.validTo).toISOString()).toBe("2036-01-01T00:00:00.000Z");
  });

  test("is deterministic for the same key and inputs (RSA PKCS#1 v1.5 signatures are)", () => {
    const args = { commonName: "x", privateKey, notBefore, notAfter: new Date("2027-01-01T00:00:00Z"), serial: Buffer.from([1, 2, 3]) };
    expect(selfSignedCertificate(crypto, args)).toBe(selfSignedCertificate(crypto, args));
  });

  test("uses GeneralizedTime from 2050 and rejects bad input", () => {
    const pem = selfSignedCertificate(crypto, { commonName: "x", privateKey, notBefore, notAfter: new Date("2051-06-01T00:00:00Z"), serial: Buffer.from([9]) });
    expect(new Date(new X509Certificate(pem).validTo).getUTCFullYear()).toBe(2051);
    const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    expect(() => selfSignedCertificate(crypto, { commonName: "x", privateKey: ec, notBefore, notAfter: new Date("2027-01-01T00:00:00Z"), serial: Buffer.from([1]) })).toThrow(/RSA private key/);
  });
});

describe("SelfSignedKeyPair dynamic provider", () => {
  test("create makes a key and a matching CA certificate; diff replaces only on input change", async () => {
    const res = await keyPairProvider.create({ commonName: "harbor-token-ca", validityDays: 30, rsaBits: 2048 });
    const outs = res.outs!;
    const cert = new X509Certificate(outs.certificatePem);
    expect(cert.checkPrivateKey(createPrivateKey(outs.privateKeyPem))).toBe(true);
    expect(outs.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const same = await keyPairProvider.diff!(res.id, outs, { commonName: "harbor-token-ca", validityDays: 30, rsaBits: 2048 });
    expect(same.changes).toBe(false);
    const changed = await keyPairProvider.diff!(res.id, outs, { commonName: "other", validityDays: 30, rsaBits: 2048 });
    expect(changed).toMatchObject({ changes: true, replaces: ["commonName"] });
  });

  test("survives closure serialization: the serialized provider runs in a fresh Node process", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => keyPairProvider, { allowSecrets: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kp-"));
    const file = path.join(dir, "provider.js");
    fs.writeFileSync(file, serialized.text);
    const script = `const p = require(${JSON.stringify(file)}).${serialized.exportName}();
      p.create({ commonName: "serialized-ca", validityDays: 1, rsaBits: 2048 }).then((r) => process.stdout.write(JSON.stringify(r.outs)));`;
    const outs = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" })) as { certificatePem: string; privateKeyPem: string };
    const cert = new X509Certificate(outs.certificatePem);
    expect(cert.subject).toBe("CN=serialized-ca");
    expect(cert.checkPrivateKey(createPrivateKey(outs.privateKeyPem))).toBe(true);
  });
});
