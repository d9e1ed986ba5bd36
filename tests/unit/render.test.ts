/**
 * The renderer's own machinery (scripts/lib): the deterministic settle, the registration record (URNs,
 * parents, aliases, dependencies), the render comparison with engine-style alias resolution, and the
 * longest create-time chain. Comparison and chain run on crafted inputs; settle and the record on tiny
 * programs under the real mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { longestChain, type ChainNode } from "../../scripts/lib/chain";
import { compareObjects, formatPath, maskGenerated } from "../../scripts/lib/compare";
import { installMocks, settle, type Json, type JsonObject } from "../../scripts/lib/render";
import { compareUrns, createUrn, parseUrn, resolveAliases, type UrnRecord } from "../../scripts/lib/urns";

class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}

class Box extends pulumi.ComponentResource {
  constructor(type: string, name: string, build: (self: Box) => void, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    build(this);
  }
  /** registerOutputs is protected; the builder calls it through here. */
  finish(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}

const delay = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("settle", () => {
  test("waits for resources registered inside applies and after a delayed promise", async () => {
    const recorder = await installMocks("unit");
    new Box("test:index:Delayed", "box", (self) => {
      // 150 ms is far beyond the 25 ms of quiet the old timer-based settle took as "done".
      const later = pulumi.output(delay(150, "ready"));
      const first = new Thing("box-first", {}, { parent: self });
      // Registered once another resource's output resolves (how a chart's objects appear), then once more.
      first.id.apply(() => new Thing("box-second", {}, { parent: self }).id.apply(() => new Thing("box-third", {}, { parent: self })));
      later.apply((v) => new Thing("box-late", { v }, { parent: self }));
      // registerOutputs holds an RPC token until `later` resolves; the apply above registers right after.
      self.finish({ later });
    });
    await settle();
    expect(recorder.resources.map((r) => r.name).sort()).toEqual(["box", "box-first", "box-late", "box-second", "box-third"]);
    expect(recorder.registered.map((r) => r.name).sort()).toEqual(["box", "box-first", "box-late", "box-second", "box-third"]);
  });

  test("a resource whose input is a delayed promise is waited for", async () => {
    const recorder = await installMocks("unit");
    new Thing("slow", { v: delay(120, 1) });
    await settle();
    expect(recorder.resources.map((r) => r.name)).toEqual(["slow"]);
  });
});

describe("registration record", () => {
  test("components and custom resources, with engine URNs, parents, aliases and dependencies", async () => {
    const recorder = await installMocks("unit");
    let dep: Thing | undefined;
    new Box("test:index:Outer", "outer", (outer) => {
      new Box(
        "test:index:Inner",
        "outer-inner",
        (inner) => {
          dep = new Thing("outer-dep", {}, { parent: inner });
          new Thing("outer-user", { ref: dep.id }, { parent: inner, aliases: [{ name: "old-user" }], deleteBeforeReplace: true });
        },
        { parent: outer },
      );
    });
    await settle();
    const byName = new Map(recorder.registered.map((r) => [r.name, r]));
    const inner = byName.get("outer-inner");
    const user = byName.get("outer-user");
    expect(byName.get("outer")).toMatchObject({ custom: false, urn: "urn:pulumi:unit::llm-platform::test:index:Outer::outer" });
    // The engine keeps the whole parent type chain; the SDK's MockMonitor keeps only the last parent type.
    expect(user?.urn).toBe("urn:pulumi:unit::llm-platform::test:index:Outer$test:index:Inner$test:index:Thing::outer-user");
    expect(user?.mockUrn).toBe("urn:pulumi:unit::llm-platform::test:index:Inner$test:index:Thing::outer-user");
    expect(user).toMatchObject({ parent: inner?.urn, custom: true, deleteBeforeReplace: true });
    expect(user?.dependencies).toEqual([byName.get("outer-dep")?.urn]);
    expect(user?.propertyDependencies).toEqual({ ref: [byName.get("outer-dep")?.urn] });
    expect(user?.aliases).toEqual([{ name: "old-user", parentUrn: inner?.urn }]);
    expect(resolveAliases(recorder.registered).get(user?.urn ?? "")?.map((a) => a.urn)).toEqual([
      "urn:pulumi:unit::llm-platform::test:index:Outer$test:index:Inner$test:index:Thing::old-user",
    ]);
  });
});

// ---- crafted renders

const deployment = (image: string, checksum: string): Json => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", namespace: "team" },
  spec: {
    template: {
      metadata: { annotations: { "checksum/config": checksum } },
      spec: { containers: [{ name: "api", image, envFrom: [{ configMapRef: { name: "api-config" } }] }] },
    },
  },
});
const configMap = (value: string): JsonObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "api-config", namespace: "team" }, data: { KEY: value } });

describe("compareObjects", () => {
  test("a changed field is reported with its path", () => {
    const result = compareObjects([deployment("api:1", "abc"), configMap("a")], [deployment("api:2", "abc"), configMap("a")]);
    expect(result.changed).toHaveLength(1);
    expect(result.changed[0].key).toBe("apps/v1/Deployment/team/api");
    expect(result.changed[0].changes.map((c) => [formatPath(c.path), c.before, c.after])).toEqual([["spec.template.spec.containers[0].image", "api:1", "api:2"]]);
  });

  test("a checksum-only change is ignored when the ConfigMap it digests is unchanged", () => {
    const result = compareObjects([deployment("api:1", "abc"), configMap("a")], [deployment("api:1", "def"), configMap("a")]);
    expect(result.changed).toEqual([]);
    expect(result.checksumOnly.map((c) => formatPath(c.ignored[0].path))).toEqual(['spec.template.metadata.annotations["checksum/config"]']);
  });

  test("a checksum change is reported when the ConfigMap it digests changed too", () => {
    const result = compareObjects([deployment("api:1", "abc"), configMap("a")], [deployment("api:1", "def"), configMap("b")]);
    expect(result.changed.map((c) => c.key)).toEqual(["apps/v1/Deployment/team/api", "v1/ConfigMap/team/api-config"]);
    expect(result.changed[0].notes).toEqual(["checksummed input v1/ConfigMap/team/api-config changed"]);
  });

  test("added and removed objects; key order does not matter", () => {
    const reordered: Json = { kind: "ConfigMap", data: { KEY: "a" }, metadata: { namespace: "team", name: "api-config" }, apiVersion: "v1" };
    const result = compareObjects([configMap("a"), deployment("api:1", "abc")], [reordered, { ...configMap("x"), metadata: { name: "other" } }]);
    expect(result).toMatchObject({ added: ["v1/ConfigMap//other"], removed: ["apps/v1/Deployment/team/api"], changed: [] });
  });

  test("values the mocks generate are masked, so a new key pair per render is no difference", () => {
    const secret = (pem: string): Json => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "tls" }, stringData: { "tls.key": pem } });
    const before = maskGenerated(secret("KEY-1"), [{ value: "KEY-1", placeholder: "<key>" }]);
    const after = maskGenerated(secret("KEY-2"), [{ value: "KEY-2", placeholder: "<key>" }]);
    expect(compareObjects([before], [after]).changed).toEqual([]);
  });
});

const U = (path: string) => `urn:pulumi:dev::proj::${path}`;
const rec = (urn: string, parent?: string, aliases: UrnRecord["aliases"] = []): UrnRecord => ({ ...parseUrn(urn), urn, parent, aliases });

describe("compareUrns (engine alias resolution)", () => {
  test("a type-token rename covered by an alias passes and names the alias", () => {
    const after = [rec(U("acme:platform:Namespace::team"), undefined, [{ type: "acme:legacy:Namespace" }])];
    const result = compareUrns([U("acme:legacy:Namespace::team")], after);
    expect(result.uncovered).toEqual([]);
    expect(result.renamed).toEqual([{ before: U("acme:legacy:Namespace::team"), after: U("acme:platform:Namespace::team"), via: 'own alias {"type":"acme:legacy:Namespace"}' }]);
  });

  test("a child renamed with its parent is covered through the parent's alias (name prefix replaced)", () => {
    const parent = rec(U("acme:suite:App::newapp"), undefined, [{ name: "app" }]);
    const child = rec(U("acme:suite:App$k8s:Service::newapp-svc"), parent.urn);
    // Two levels down: the grandchild inherits the child's inherited alias.
    const grandchild = rec(U("acme:suite:App$k8s:Service$k8s:Endpoint::newapp-svc-ep"), child.urn);
    const before = [U("acme:suite:App::app"), U("acme:suite:App$k8s:Service::app-svc"), U("acme:suite:App$k8s:Service$k8s:Endpoint::app-svc-ep")];
    const result = compareUrns(before, [parent, child, grandchild]);
    expect(result.uncovered).toEqual([]);
    const renamed = new Map(result.renamed.map((r) => [r.before, r]));
    expect(before.map((b) => renamed.get(b)?.after)).toEqual([parent.urn, child.urn, grandchild.urn]);
    expect(renamed.get(before[1])?.via).toBe(`inherited from parent alias ${before[0]}`);
  });

  test("a child's own alias is multiplied by the parent's aliases", () => {
    const parent = rec(U("acme:v2:App::app"), undefined, [{ type: "acme:v1:App" }]);
    const child = rec(U("acme:v2:App$k8s:Secret::app-creds"), parent.urn, [{ name: "app-credentials", parentUrn: parent.urn }]);
    const aliases = resolveAliases([parent, child]).get(child.urn)?.map((a) => a.urn);
    expect(aliases).toContain(U("acme:v1:App$k8s:Secret::app-credentials"));
    expect(compareUrns([U("acme:v1:App$k8s:Secret::app-credentials")], [parent, child]).uncovered).toEqual([]);
  });

  test("a renamed resource without an alias is not covered", () => {
    const result = compareUrns([U("k8s:Secret::old")], [rec(U("k8s:Secret::new"))]);
    expect(result.uncovered).toEqual([U("k8s:Secret::old")]);
    expect(result.added).toEqual([U("k8s:Secret::new")]);
  });

  test("createUrn drops the root stack type like the engine", () => {
    expect(createUrn("x", "k8s:Secret", U("pulumi:pulumi:Stack::proj-dev"), "proj", "dev")).toBe(U("k8s:Secret::x"));
  });
});

describe("longestChain", () => {
  const node = (name: string, dependencies: string[] = [], extra: Partial<ChainNode> = {}): ChainNode => ({
    urn: name,
    type: "t",
    name,
    custom: true,
    remote: false,
    dependencies,
    ...extra,
  });

  test("follows the longest path of waits; a component dependency stands for its created children", () => {
    const nodes = [
      node("ns"),
      node("comp", [], { custom: false }),
      node("policy", ["ns"], { parent: "comp" }),
      node("secret", ["ns"]),
      node("pvc", ["comp"]),
      node("deploy", ["pvc", "secret"]),
      node("hpa", ["deploy"]),
    ];
    const chain = longestChain(nodes);
    expect(chain.nodes.map((n) => n.name)).toEqual(["ns", "policy", "pvc", "deploy", "hpa"]);
    expect(chain.created).toBe(6);
  });

  test("ties resolve the same way every time, and a cycle is an error", () => {
    expect(longestChain([node("b", ["a"]), node("a"), node("c", ["a"])]).nodes.map((n) => n.name)).toEqual(["a", "b"]);
    expect(() => longestChain([node("a", ["b"]), node("b", ["a"])])).toThrow(/cycle/);
  });
});
