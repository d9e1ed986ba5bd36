/**
 * Image digests from their registries (the OCI distribution API): HEAD /v2/<repository>/manifests/<tag> with the
 * manifest types a multi-platform image can have, the registry's anonymous (or basic-auth) bearer token when it asks
 * for one (WWW-Authenticate: Bearer realm=...,service=...,scope=...), and the Docker-Content-Digest the answer
 * carries. Docker Hub's short names map to registry-1.docker.io/library/<name>. Plain HTTP only for localhost.
 */
import { parseImage } from "../../components/lib/images";

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface RegistryOptions {
  /** Basic-auth credentials per registry host (`user:token`), for private registries. */
  readonly credentials?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
}

/** Where a reference's manifests are: the API host and the repository path on it. */
export function manifestLocation(reference: string): { host: string; repository: string; tag: string } {
  const ref = parseImage(reference);
  if (!ref) throw new Error(`${JSON.stringify(reference)} is not an image reference`);
  if (ref.digest) throw new Error(`${reference} is pinned by digest already`);
  if (!ref.tag) throw new Error(`${reference} has no tag to resolve`);
  if (!ref.registry) {
    if (!ref.repository.includes("/") && !/^[a-z0-9]/.test(ref.repository)) throw new Error(`${reference}: no registry`);
    return { host: "registry-1.docker.io", repository: ref.repository.includes("/") ? ref.repository : `library/${ref.repository}`, tag: ref.tag };
  }
  const [host, ...path] = ref.registry.split("/");
  return { host: host === "docker.io" ? "registry-1.docker.io" : host, repository: [...path, ref.repository].join("/"), tag: ref.tag };
}

/** The challenge's parameters: Bearer realm="...",service="...",scope="...". */
function challenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^Bearer\s/i.test(header)) return undefined;
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** The digest `reference` (repository:tag) points at now. */
export async function resolveDigest(reference: string, opts: RegistryOptions = {}): Promise<string> {
  const get = opts.fetch ?? fetch;
  const { host, repository, tag } = manifestLocation(reference);
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host) ? "http" : "https";
  const url = `${scheme}://${host}/v2/${repository}/manifests/${tag}`;
  const basic = opts.credentials?.[host] ? `Basic ${Buffer.from(opts.credentials[host]).toString("base64")}` : undefined;
  const head = (authorization?: string) => get(url, { method: "HEAD", headers: { accept: MANIFEST_TYPES, ...(authorization ? { authorization } : {}) } });
  let res = await head(basic);
  const asked = res.status === 401 ? challenge(res.headers.get("www-authenticate")) : undefined;
  if (asked?.realm) {
    const tokenUrl = new URL(asked.realm);
    if (asked.service) tokenUrl.searchParams.set("service", asked.service);
    tokenUrl.searchParams.set("scope", asked.scope ?? `repository:${repository}:pull`);
    const tokenRes = await get(tokenUrl.toString(), { headers: basic ? { authorization: basic } : {} });
    if (!tokenRes.ok) throw new Error(`${reference}: the registry's token service answered ${tokenRes.status}${basic ? "" : " (private? pass --user <host>=<user>:<token>)"}`);
    const body = (await tokenRes.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`${reference}: the registry's token service gave no token`);
    res = await head(`Bearer ${token}`);
  }
  if (!res.ok) throw new Error(`${reference}: ${url} answered ${res.status}${res.status === 404 ? " (no such tag)" : ""}`);
  const digest = res.headers.get("docker-content-digest") ?? "";
  if (!DIGEST.test(digest)) throw new Error(`${reference}: the registry gave no sha256 digest (Docker-Content-Digest: ${JSON.stringify(digest)})`);
  return digest;
}
