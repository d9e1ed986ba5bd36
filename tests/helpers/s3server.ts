/**
 * A local S3 API for running the platform's S3 shell scripts for real: s3rver (npm devDependency) keeps buckets as
 * directories under a temporary folder and answers S3's status codes; it checks the access key id but not a SigV4
 * signature ("unimplemented" in 3.7), so every request first passes `verifySigV4` below, which recomputes the
 * signature from AWS's published algorithm and answers 403 SignatureDoesNotMatch as S3 does.
 * The scripts run under /bin/sh with the machine's curl, as they do in the curl image.
 */
import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import S3rver from "s3rver";
// s3rver's only account; a test adds the key pair the script under test signs with.
import { DUMMY_ACCOUNT } from "s3rver/lib/models/account";

export interface LocalS3 {
  readonly endpoint: string;
  /** The folder holding one sub-folder per bucket. */
  readonly directory: string;
  /** Buckets that exist now. */
  buckets(): string[];
  /** Object keys in a bucket (s3rver's metadata files left out). */
  objects(bucket: string): string[];
  close(): Promise<void>;
}

export const S3_KEYS = { accessKey: "platformtestaccess01", secretKey: "platform-test-secret-key-0123456789abcdef" } as const;

/** `port` 0 (the default): any free port. */
export async function startLocalS3(keys: { accessKey: string; secretKey: string } = S3_KEYS, port = 0): Promise<LocalS3> {
  DUMMY_ACCOUNT.createKeyPair(keys.accessKey, keys.secretKey);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "llm-platform-s3-"));
  const s3rver = new S3rver({ silent: true, directory });
  const handle = s3rver.callback();
  const server = http.createServer((req, res) => {
    if (verifySigV4(req, keys)) return void handle(req, res);
    res.writeHead(403, { "content-type": "application/xml" }).end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    directory,
    buckets: () => fs.readdirSync(directory).filter((b) => fs.statSync(path.join(directory, b)).isDirectory()).sort(),
    objects: (bucket) => {
      const root = path.join(directory, bucket);
      if (!fs.existsSync(root)) return [];
      return (fs.readdirSync(root, { recursive: true }) as string[])
        .filter((f) => f.endsWith("._S3rver_object"))
        .map((f) => f.slice(0, -"._S3rver_object".length).split(path.sep).join("/"))
        .sort();
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac("sha256", key).update(data).digest();
const rfc3986 = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * True when `req` carries a header SigV4 signature (AWS4-HMAC-SHA256) made with `keys`: the canonical request
 * (method, path, sorted query, signed headers, declared payload hash), the string to sign over the credential
 * scope, and the HMAC chain from the secret key, as AWS documents them.
 */
export function verifySigV4(req: http.IncomingMessage, keys: { accessKey: string; secretKey: string }): boolean {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? "");
  if (!auth) return false;
  const [, accessKey, date, region, service, signedHeaders, signature] = auth;
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  if (accessKey !== keys.accessKey || !amzDate.startsWith(date)) return false;
  const url = new URL(req.url ?? "/", "http://local");
  const query = [...url.searchParams.entries()].map(([k, v]) => [rfc3986(k), rfc3986(v)]).sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  const headers = signedHeaders.split(";").map((h) => `${h}:${String(req.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`);
  const canonical = [req.method, url.pathname, query.map(([k, v]) => `${k}=${v}`).join("&"), headers.join(""), signedHeaders, String(req.headers["x-amz-content-sha256"] ?? "")].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, crypto.createHash("sha256").update(canonical).digest("hex")].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${keys.secretKey}`, date), region), service), "aws4_request");
  return crypto.timingSafeEqual(hmac(signingKey, toSign), Buffer.from(signature, "hex"));
}

export interface ScriptRun {
  readonly code: number;
  readonly output: string;
}

/** Run a shell script with `env` (and PATH) under /bin/sh; never throws on a non-zero exit. */
export function runShell(script: string, env: Record<string, string>, timeoutMs = 30000): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}
