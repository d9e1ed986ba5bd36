/**
 * Rule 4: no secret-looking literal in ConfigMap data or in a container's env `value`: a key that names a
 * credential holding a non-empty literal, or any value in a known credential format. Credentials belong in a
 * Secret (env valueFrom.secretKeyRef, envFrom.secretRef, a mounted secret volume). Messages name the object and
 * the key, never the value.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkEach, containersOf, describeObject, isKind, podSpecOf, type K8sResourceLike } from "../lib/k8s";

/** Key words that name a credential. */
export const SECRET_KEY = /(password|passwd|secret|token|api[_-]?key|credential)/i;

/**
 * Keys that name where a credential is or how it is used, not the credential itself: the last word is a
 * directory, path, file, object name, reference, user name, address, or the header or provider that carries it
 * (`LLMCTL_CREDENTIALS_DIR`, `DB_PASSWORD_FILE`, `TOKEN_SERVICE_URL`, `REGISTRY_CREDENTIAL_USERNAME`,
 * `CHROMA_AUTH_TOKEN_TRANSPORT_HEADER`); and Kubernetes image pull secrets,
 * which are Secret names. A credential embedded in a URL is still found by its value (see TOKEN_FORMATS).
 */
const REFERENCE_WORDS = new Set(["dir", "directory", "path", "file", "name", "names", "ref", "refs", "user", "username", "url", "uri", "endpoint", "host", "port", "header", "provider"]);
const PULL_SECRETS = /image[_-]?pull[_-]?secrets?/gi;

/** Known credential formats, by the name messages use. */
export const TOKEN_FORMATS: ReadonlyArray<readonly [string, RegExp]> = [
  ["a GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/],
  ["an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/],
  ["a password in a URL", /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:[^\s/@]+@/i],
];

/** The words of a key, lower case: `DB_PASSWORD_FILE` -> db password file, `passwordFile` -> password file. */
function words(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(/[\s_.-]+/).filter((w) => w !== "").map((w) => w.toLowerCase());
}

/**
 * True when `key` names a credential (and not where one is): a reference word after the last credential word
 * makes it a reference (`DB_PASSWORD_FILE`, gcloud's `CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE`). The credential
 * words are found in the joined key, so two-word ones (`API_KEY`) count too: `USER_API_KEY` is a credential.
 */
export function isSecretKey(key: string): boolean {
  const joined = words(key.replace(PULL_SECRETS, "")).join("_");
  const matches = [...joined.matchAll(new RegExp(SECRET_KEY.source, "gi"))];
  if (matches.length === 0) return false;
  const last = matches[matches.length - 1];
  const after = joined.slice((last.index ?? 0) + last[0].length).split("_").filter((w) => w !== "");
  return !after.some((word) => REFERENCE_WORDS.has(word));
}

/** Why the literal `value` under `key` looks like a credential, or undefined. */
export function secretLooking(key: string, value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  for (const [format, re] of TOKEN_FORMATS) if (re.test(value)) return `holds ${format}`;
  if (isSecretKey(key)) return "names a credential and holds a literal value";
  return undefined;
}

export const noLiteralSecrets: ResourceValidationPolicy = {
  name: "no-literal-secrets",
  description:
    "No credential as a literal in ConfigMap data or a container env `value`: keys matching " +
    "/(password|passwd|secret|token|api[_-]?key|credential)/i with a non-empty value (except keys naming a dir, path, file, " +
    "name, ref, user, url or host), or values in a known credential format (GitHub token, AWS access key id, PEM private key, " +
    "password in a URL).",
  remediationSteps:
    "Move the value into a Secret (a generated one, or `pulumi config set --secret` for an operator's credential) and reference it " +
    "with env valueFrom.secretKeyRef, envFrom.secretRef or a secret volume. Rotate a credential that was ever written in plaintext.",
  severity: "critical",
  validateResource: (args, reportViolation) => {
    const r: K8sResourceLike = args;
    const problems: string[] = [];
    try {
      if (isKind(r.type, "ConfigMap", "core")) {
        const data = (r.props.data ?? {}) as Record<string, unknown>;
        checkEach(Object.keys(data), (key) => {
          const why = secretLooking(key, data[key]);
          if (why) problems.push(`data key "${key}" ${why}`);
        });
      }
      const pod = podSpecOf(r);
      if (pod) {
        checkEach(containersOf(pod), ({ container, label }) => {
          for (const e of container.env ?? []) {
            const why = secretLooking(e.name ?? "", e.value);
            if (why) problems.push(`${label}: env ${e.name ?? "?"} ${why}`);
          }
        });
      }
    } finally {
      if (problems.length > 0) reportViolation(`${describeObject(r)}: ${problems.join("; ")}; use a Secret.`);
    }
  },
};
