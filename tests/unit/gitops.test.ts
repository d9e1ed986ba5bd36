/**
 * GitOps render mode: the provider renders to a directory instead of applying, and no Secret value reaches that
 * directory: every Secret (the program's and, through the engine, the charts') is written without its values,
 * and an ExternalSecret per Secret fills it from the team's store. Under mocks the engine does not run stack
 * transforms, so the test applies the transform the program registered to every Secret the render recorded,
 * as the engine would before the provider writes them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EXTERNAL_SECRETS_DIR, externalSecret, gitopsSecretTransform, SECRET_SOURCE_ANNOTATION, type GitopsConfig } from "../../components/platform/gitops";
import { configProblems, parsedStack, renderStack, type Recorded } from "../helpers/harness";

const RENDER = { gitopsRenderDirectory: "rendered/dev", gitopsSecretStore: "vault-backend", networkApiServerCidrs: ["192.168.49.2/32"] };
const CFG: GitopsConfig = { directory: "rendered/dev", store: { kind: "ClusterSecretStore", name: "vault-backend" }, keyPrefix: "llm-platform" };

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const resolved = <T>(v: pulumi.Input<T>) => new Promise<T>((resolve) => pulumi.output(v).apply((x) => resolve(x as T)));

describe("render mode on the dev stack", () => {
  let dir: string;
  let resources: Recorded[];
  let transform: pulumi.ResourceTransform | undefined;
  const cwd = process.cwd();
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-"));
    const spy = jest.spyOn(pulumi.runtime, "registerResourceTransform").mockImplementation((t) => {
      transform = t;
    });
    process.chdir(dir);
    try {
      ({ resources } = await renderStack("dev", { set: RENDER }));
    } finally {
      process.chdir(cwd);
      spy.mockRestore();
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the provider renders to <project>/gitopsRenderDirectory instead of applying", () => {
    const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs.renderYamlToDirectory).toBe(path.join(dir, "rendered/dev"));
    expect(transform).toBeDefined();
  });

  test("no Secret value reaches the directory; each Secret has its ExternalSecret", async () => {
    const secrets = resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
    expect(secrets.length).toBeGreaterThan(10);
    process.chdir(dir);
    try {
      for (const s of secrets) {
        const out = await transform!({ custom: true, type: s.type, name: s.name, props: s.inputs as pulumi.Inputs, opts: {} });
        expect(out?.props.data).toBeUndefined();
        expect(out?.props.stringData).toBeUndefined();
        const metadata = out?.props.metadata as { name: string; namespace: string; annotations: Record<string, pulumi.Input<string>> };
        expect(await resolved(metadata.annotations[SECRET_SOURCE_ANNOTATION])).toBe(`ClusterSecretStore/vault-backend: llm-platform/${metadata.namespace}/${metadata.name}`);
        expect(JSON.stringify(out?.props)).not.toContain("generated-");
      }
      await settle();
    } finally {
      process.chdir(cwd);
    }
    const written = fs.readdirSync(path.join(dir, "rendered/dev", EXTERNAL_SECRETS_DIR)).sort();
    const expected = secrets.map((s) => `${String((s.inputs.metadata as { namespace: string }).namespace)}-${String((s.inputs.metadata as { name: string }).name)}.json`).sort();
    expect(written).toEqual(expected);
    for (const f of written) expect(fs.readFileSync(path.join(dir, "rendered/dev", EXTERNAL_SECRETS_DIR, f), "utf8")).not.toMatch(/generated-|stringData|"data"/);
  });

  test("the default is apply: no render directory, no transform", async () => {
    const spy = jest.spyOn(pulumi.runtime, "registerResourceTransform");
    try {
      const { resources: applied } = await renderStack("dev");
      expect(applied.find((r) => r.type === "pulumi:providers:kubernetes")?.inputs.renderYamlToDirectory).toBeUndefined();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe("gitopsSecretTransform", () => {
  test("a Secret loses its values and gains the annotation; the ExternalSecret is written once names are known", async () => {
    const writes: string[] = [];
    const t = gitopsSecretTransform(CFG, (ns, n) => writes.push(`${ns}/${n}`));
    const out = await t({ custom: true, type: "kubernetes:core/v1:Secret", name: "x", props: { metadata: { name: "db", namespace: pulumi.output("team"), labels: { a: "b" } }, type: "Opaque", stringData: { password: pulumi.secret("s3cret") } }, opts: {} });
    expect(Object.keys(out?.props ?? {}).sort()).toEqual(["metadata", "type"]);
    expect((out?.props.metadata as { labels: unknown }).labels).toEqual({ a: "b" });
    await settle();
    expect(writes).toEqual(["team/db"]);
  });

  test("everything that is not a Secret passes unchanged", async () => {
    const t = gitopsSecretTransform(CFG, () => undefined);
    expect(await t({ custom: true, type: "kubernetes:core/v1:ConfigMap", name: "c", props: { data: { a: "1" } }, opts: {} })).toBeUndefined();
  });

  test("the ExternalSecret merges the store entry <prefix>/<namespace>/<name> into the rendered Secret", () => {
    expect(externalSecret(CFG, "mlops", "minio-credentials")).toEqual({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "minio-credentials", namespace: "mlops", labels: { "app.kubernetes.io/managed-by": "llm-platform-render" } },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { kind: "ClusterSecretStore", name: "vault-backend" },
        target: { name: "minio-credentials", creationPolicy: "Merge" },
        dataFrom: [{ extract: { key: "llm-platform/mlops/minio-credentials" } }],
      },
    });
  });
});

describe("render-mode config", () => {
  test("off by default; on with a directory and a store", () => {
    expect(parsedStack("dev").gitops).toBeUndefined();
    expect(parsedStack("prod", { set: { ...RENDER, gitopsSecretStoreKind: "SecretStore", gitopsSecretKeyPrefix: "teams/ml/" } }).gitops).toEqual({
      directory: "rendered/dev",
      store: { kind: "SecretStore", name: "vault-backend" },
      keyPrefix: "teams/ml",
    });
  });

  test.each<[string, Record<string, string | string[]>, string, RegExp]>([
    ["no store: refused, never plaintext", { gitopsRenderDirectory: "out" }, "gitopsSecretStore", /is required with gitopsRenderDirectory.*never writes a secret to disk/],
    ["no API server addresses: a render cannot read them from a cluster", { ...RENDER, networkApiServerCidrs: [] }, "networkApiServerCidrs", /is required with gitopsRenderDirectory: a render reads nothing from a cluster/],
    ["a directory outside the project", { ...RENDER, gitopsRenderDirectory: "../elsewhere" }, "gitopsRenderDirectory", /inside the project, relative and without '\.\.'/],
    ["an absolute directory", { ...RENDER, gitopsRenderDirectory: "/tmp/out" }, "gitopsRenderDirectory", /relative/],
    ["an unknown store kind", { ...RENDER, gitopsSecretStoreKind: "Vault" }, "gitopsSecretStoreKind", /one of ClusterSecretStore, SecretStore/],
    ["a store name that is not a Kubernetes name", { ...RENDER, gitopsSecretStore: "My Vault" }, "gitopsSecretStore", /store's Kubernetes name/],
    ["a key prefix with a space", { ...RENDER, gitopsSecretKeyPrefix: "llm platform" }, "gitopsSecretKeyPrefix", /key path/],
  ])("%s", (_what, set, key, allowed) => {
    expect(configProblems("dev", set).filter((p) => p.startsWith(`llm-platform:${key}:`) && allowed.test(p))).toHaveLength(1);
  });
});
