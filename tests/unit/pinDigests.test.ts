/**
 * Digests through config: `npm run pin-digests` resolves each image from its registry (the distribution API's HEAD of
 * the manifest, with the bearer-token dance registries ask for) into imageOverrides, and `requireImageDigests` refuses a
 * stack with any image left without one. The registry here is a local stand-in that insists on the token and the
 * manifest types, as Docker Hub, GHCR and Quay do.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { manifestLocation, resolveDigest } from "../../scripts/lib/registry";
import { pinnedOverrides, stackImages } from "../../scripts/pin-digests";
import { configProblems, parsedStack } from "../helpers/harness";

const DIGEST = `sha256:${"ab".repeat(32)}`;
let server: http.Server;
let host = "";
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push(`${req.method} ${url.pathname}`);
    if (url.pathname === "/token") {
      // team/private needs a login; everything else is anonymous.
      const scope = url.searchParams.get("scope") ?? "";
      if (scope.includes("team/private") && req.headers.authorization !== `Basic ${Buffer.from("bot:tok").toString("base64")}`) return void res.writeHead(401).end();
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `t-${scope}` }));
    }
    const m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
    if (!m || req.method !== "HEAD") return void res.writeHead(404).end();
    const scope = `repository:${m[1]}:pull`;
    if (req.headers.authorization !== `Bearer t-${scope}`) {
      return void res.writeHead(401, { "www-authenticate": `Bearer realm="http://${host}/token",service="stand-in",scope="${scope}"` }).end();
    }
    if (!String(req.headers.accept).includes("application/vnd.oci.image.index.v1+json")) return void res.writeHead(406).end();
    if (m[2] !== "1.2.3") return void res.writeHead(404).end();
    res.writeHead(200, { "docker-content-digest": m[1] === "team/nodigest" ? "" : DIGEST }).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

test("where a reference's manifests are: Docker Hub's short names, docker.io, other registries with paths", () => {
  expect(manifestLocation("postgres:16.6")).toEqual({ host: "registry-1.docker.io", repository: "library/postgres", tag: "16.6" });
  expect(manifestLocation("docker.io/kserve/sklearnserver:v0.20.0")).toEqual({ host: "registry-1.docker.io", repository: "kserve/sklearnserver", tag: "v0.20.0" });
  expect(manifestLocation("ghcr.io/mlflow/mlflow:v3.17.2-full")).toEqual({ host: "ghcr.io", repository: "mlflow/mlflow", tag: "v3.17.2-full" });
  expect(() => manifestLocation(`redis:7@${DIGEST}`)).toThrow(/pinned by digest already/);
});

test("a tag resolves through the token the registry asks for; a missing tag or digest is an error naming the image", async () => {
  expect(await resolveDigest(`${host}/team/app:1.2.3`)).toBe(DIGEST);
  expect(seen).toEqual(expect.arrayContaining(["HEAD /v2/team/app/manifests/1.2.3", "GET /token"]));
  await expect(resolveDigest(`${host}/team/app:9.9.9`)).rejects.toThrow(/team\/app:9\.9\.9: .* answered 404 \(no such tag\)/);
  await expect(resolveDigest(`${host}/team/nodigest:1.2.3`)).rejects.toThrow(/gave no sha256 digest/);
  await expect(resolveDigest(`${host}/team/private:1.2.3`)).rejects.toThrow(/token service answered 401 \(private\? pass --user/);
  expect(await resolveDigest(`${host}/team/private:1.2.3`, { credentials: { [host]: "bot:tok" } })).toBe(DIGEST);
});

test("pinnedOverrides: each image by digest, the operator's other entries kept, a failure named without stopping the rest", async () => {
  const images = { app: `${host}/team/app:1.2.3`, done: `${host}/team/app:1.2.3@${DIGEST}`, gone: `${host}/team/gone:4.5.6` };
  const result = await pinnedOverrides([`app=${host}/team/app:1.2.3`, "other=registry.example/x:1"], images, {});
  expect(result.overrides).toEqual([`app=${host}/team/app:1.2.3@${DIGEST}`, "other=registry.example/x:1"]);
  expect(result.failed).toEqual([expect.stringMatching(/^gone: .*team\/gone:4\.5\.6: .* answered 404/)]);
});

test("requireImageDigests: a stack with any image without a digest fails preview naming them; with all pinned it passes", () => {
  const problems = configProblems("prod", { requireImageDigests: true }).filter((p) => p.startsWith("llm-platform:requireImageDigests"));
  expect(problems).toEqual([expect.stringMatching(/image\(s\) have no digest: .*litellm.*`npm run pin-digests -- <stack>`/)]);
  const images = stackImages(parsedStack("prod"));
  const overrides = Object.entries(images).map(([name, ref]) => `${name}=${ref}@${DIGEST}`);
  expect(() => parsedStack("prod", { set: { requireImageDigests: true, imageOverrides: overrides } })).not.toThrow();
  // A typo is refused naming the key.
  expect(configProblems("prod", { requireImageDigests: "yes please" })).toEqual([expect.stringMatching(/^llm-platform:requireImageDigests: must be true or false/)]);
});
