/**
 * A suite is one folder plus one registry line. This test proves it by defining a tiny suite here (its own
 * slice, catalogue, demand, component and outputs) and handing the stack parser and deploySuites a registry
 * that includes it: its keys are accepted and validated, its claims are checked against llmctl's, its image is
 * resolved and pin-checked only while enabled, its pods are counted by the capacity check, and it deploys
 * with the platform context, all without an edit to any file of components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { clusterApis } from "../helpers/edge";
import type { PlatformConfig } from "../../components/config/platform";
import type { Reader } from "../../components/config/reader";
import type { KeySpec } from "../../components/config/schema";
import { deploySuites } from "../../components/deploy";
import { workloadDemand } from "../../components/lib/demand";
import type { ImageCatalogue } from "../../components/lib/images";
import { resources } from "../../components/lib/resources";
import { Namespace } from "../../components/platform/namespace";
import { ConfigError, parseStackConfig, stackSchema, type StackConfig } from "../../components/stack";
import { SUITES } from "../../components/suites/registry";
import { defineSuite, type PlatformContext } from "../../components/suites/types";
import { WebService } from "../../components/workloads/webService";
import { at, byName, containersOf, isSecretValue, podSpecOf, renderComponents, type JsonObject } from "../helpers/harness";
import { useModelGateway } from "../../components/platform/modelGateway";
import type { DeployedSuite } from "../../components/suites/types";

// ---- the fake suite: what a new suite's folder would hold

const FAKE_SCHEMA = {
  fakeNamespace: { type: "string", group: "Fake suite", default: "fake", description: "Namespace of the fake suite." },
  fakeReplicas: { type: "integer", group: "Fake suite", default: 2, description: "Replicas of fake-app (1-5)." },
  fakeNodePort: { type: "integer", group: "Fake suite", default: 30400, description: "NodePort of fake-app." },
} satisfies Record<string, KeySpec>;

type FakeImage = "fake-app" | "fake-db";
const FAKE_IMAGES: ImageCatalogue<FakeImage> = { built: ["fake-app"], thirdParty: { "fake-db": "docker.io/library/postgres:16.6" } };

interface FakeConfig {
  readonly namespace: string;
  readonly replicas: number;
  readonly nodePort: number;
}

function parseFake(r: Reader<typeof FAKE_SCHEMA>, _platform: PlatformConfig) {
  const config: FakeConfig = { namespace: r.dnsLabel("fakeNamespace"), replicas: r.intInRange("fakeReplicas", 1, 5), nodePort: r.nodePort("fakeNodePort") };
  return { config, claims: { nodePorts: [{ key: "fakeNodePort", port: config.nodePort }], namespaces: [{ key: "fakeNamespace", namespace: config.namespace }] } };
}

class FakeSuite extends pulumi.ComponentResource {
  readonly url: string;
  constructor(name: string, cfg: FakeConfig, platform: PlatformContext<FakeImage>, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:suites:Fake", name, {}, opts);
    const ns = new Namespace(`${name}-namespace`, { name: cfg.namespace, instance: name }, { parent: this });
    new WebService(
      "fake-app",
      {
        namespace: ns.name,
        instance: name,
        replicas: cfg.replicas,
        profile: platform.profile,
        container: { image: platform.images["fake-app"], size: "small" },
        port: { port: 8080 },
        imagePullSecrets: [...platform.imagePullSecrets],
      },
      { parent: this },
    );
    this.url = `http://fake-app.${cfg.namespace}.svc.cluster.local:8080`;
    this.registerOutputs({ url: this.url });
  }
}

const fake = defineSuite({
  name: "fake",
  schema: FAKE_SCHEMA,
  images: FAKE_IMAGES,
  parse: parseFake,
  demand: (cfg: FakeConfig, platform: PlatformConfig) => [
    workloadDemand({ namespace: cfg.namespace, workload: "fake-app", kind: "Deployment", containers: [resources(platform.resourceProfile, "small")], pods: cfg.replicas }),
  ],
  create: (cfg: FakeConfig, platform: PlatformContext<FakeImage>, opts) => new FakeSuite("fake", cfg, platform, opts),
  outputs: (s: FakeSuite) => ({ url: s.url }),
});

// ---- the test's registry: the real one plus the fake line

const REGISTRY = [...SUITES, fake];

function parse(values: Record<string, string>): StackConfig {
  return parseStackConfig({ values, secretKeys: new Set() }, REGISTRY);
}

function problemsOf(values: Record<string, string>): string[] {
  try {
    parse(values);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error(`accepted: ${JSON.stringify(values)}`);
}

describe("a suite registered only in this test", () => {
  test("its keys join the merged schema (Pulumi.yaml and docs/configuration.md are generated from it)", () => {
    expect(Object.keys(stackSchema(REGISTRY))).toEqual(expect.arrayContaining(["fakeNamespace", "fakeReplicas", "fakeNodePort"]));
    expect(Object.keys(stackSchema(SUITES))).not.toContain("fakeReplicas");
    expect(String(stackSchema(REGISTRY).suites.description)).toMatch(/fake/);
  });

  test("the suites key accepts it; without the registry line its keys and name are rejected", () => {
    expect(parse({ suites: '["llmctl","fake"]' }).suites.map((s) => s.name)).toEqual(["llmctl", "fake"]);
    expect(() => parseStackConfig({ values: { suites: '["fake"]', fakeReplicas: "3" }, secretKeys: new Set() })).toThrow(
      /llm-platform:fakeReplicas: unknown config key[\s\S]*llm-platform:suites: unknown suite "fake"; allowed: llmctl/,
    );
  });

  test("its slice is validated with the key named, also while the suite is disabled (typos never wait)", () => {
    expect(problemsOf({ fakeReplicas: "9" })).toEqual([expect.stringMatching(/^llm-platform:fakeReplicas: .*between 1 and 5/)]);
  });

  test("its claims are checked against llmctl's and the add-ons' when enabled", () => {
    const problems = problemsOf({ suites: '["llmctl","fake"]', exposure: "nodePort", fakeNodePort: "30155", fakeNamespace: "llmctl" });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^llm-platform:fakeNodePort: duplicates llmctlBackendNodePort \(30155\)/),
        expect.stringMatching(/^llm-platform:fakeNamespace: must differ from the other namespaces/),
      ]),
    );
    // Disabled, it claims nothing.
    expect(() => parse({ exposure: "nodePort", fakeNodePort: "30155", fakeNamespace: "llmctl" })).not.toThrow();
  });

  test("the pinned-image check covers its images only while it is enabled", () => {
    const pinned = { requirePinnedImages: "true", imageTag: "1.2.3", imageOverrides: '["fake-db=postgres:latest"]' };
    expect(() => parse(pinned)).not.toThrow();
    expect(problemsOf({ ...pinned, suites: '["llmctl","fake"]' })).toEqual([expect.stringMatching(/^llm-platform:imageOverrides: image fake-db resolves to "postgres:latest", which is not pinned/)]);
  });

  test("its declared pods count in the capacity check", () => {
    const base = parse({}).demand;
    const withFake = parse({ suites: '["llmctl","fake"]', fakeReplicas: "4" }).demand;
    expect(withFake.filter((d) => !base.some((b) => b.workload === d.workload))).toEqual([expect.objectContaining({ namespace: "fake", workload: "fake-app", pods: 4 })]);
    expect(problemsOf({ suites: '["fake"]', fakeReplicas: "5", clusterNodeCpu: "100m", harborEnabled: "false", pgadminEnabled: "false" })).toEqual([
      expect.stringMatching(/^llm-platform:clusterNodes: CPU requests total .* but the cluster has 0\.1 /),
    ]);
  });

  test("deploySuites creates it with the platform context: resolved image, pull secrets, outputs", async () => {
    const stack = parse({ suites: '["fake"]', imageRegistry: "registry.example.com/team", imageTag: "2.0.0", imagePullSecrets: '["team-pull"]', harborEnabled: "false", pgadminEnabled: "false" });
    let deployed: DeployedSuite[] = [];
    const res = await renderComponents(() => {
      deployed = deploySuites(stack, undefined, { exposure: stack.platform.exposure, source: { anywhere: true }, apis: clusterApis() }, {});
    });
    expect(deployed.map((d) => [d.name, d.outputs])).toEqual([["fake", { url: "http://fake-app.fake.svc.cluster.local:8080" }]]);
    const app = byName(res, "apps/v1:Deployment", "fake-app");
    expect(at(app.inputs, "metadata.namespace")).toBe("fake");
    expect(at(app.inputs, "spec.replicas")).toBe(2);
    expect(containersOf(app)[0].image).toBe("registry.example.com/team/fake-app:2.0.0");
    expect(podSpecOf(app).imagePullSecrets).toEqual([{ name: "team-pull" }]);
    expect(res.some((r) => r.type === "llm-platform:suites:Fake" && r.name === "fake")).toBe(true);
  });
});

// ---- a suite that uses the platform's model gateway (as the code-executor suite will)

class GatewayUser extends pulumi.ComponentResource {
  constructor(name: string, platform: PlatformContext<FakeImage>, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:suites:GatewayUser", name, {}, opts);
    const ns = new Namespace(`${name}-namespace`, { name: "gateway-user", instance: name }, { parent: this });
    if (!platform.modelGateway) throw new Error("no model gateway handed over");
    const callers = { name: "gateway-user-app", namespace: "gateway-user", own: ns.name, selector: { matchLabels: { app: "caller" } } };
    useModelGateway(name, { namespace: ns.name, instance: name, gateway: platform.modelGateway, callers }, { parent: this });
    this.registerOutputs({});
  }
}

const gatewayUser = defineSuite({
  name: "gateway-user",
  schema: {},
  images: { built: [], thirdParty: {} },
  parse: () => ({ config: {}, claims: { nodePorts: [], namespaces: [{ key: "suites", namespace: "gateway-user" }] } }),
  demand: () => [],
  create: (_c: object, platform: PlatformContext<FakeImage>, opts) => new GatewayUser("gateway-user", platform, opts),
  outputs: () => ({}),
  usesGateway: true,
});

test("the model gateway: a suite that uses it gets a Secret in its namespace with LiteLLM's URL and a key generated for it alone", async () => {
  // Listed before the provider: the provider is deployed first anyway.
  const stack = parseStackConfig({ values: { suites: '["gateway-user","llm-stack"]', harborEnabled: "false", pgadminEnabled: "false" }, secretKeys: new Set() }, [...SUITES, gatewayUser]);
  let deployed: DeployedSuite[] = [];
  const res = await renderComponents(() => {
    deployed = deploySuites(stack, undefined, { exposure: stack.platform.exposure, source: { anywhere: true }, apis: clusterApis() }, {});
  });
  expect(deployed.map((d) => d.name)).toEqual(["gateway-user", "llm-stack"]);
  const secret = byName(res, "core/v1:Secret", "model-gateway");
  expect(at(secret.inputs, "metadata.namespace")).toBe("gateway-user");
  expect(secret.inputs.stringData).toEqual({ OPENAI_API_BASE_URL: "http://litellm.llm-stack.svc.cluster.local:4000/v1", OPENAI_API_KEY: "sk-generated-gateway-gateway-user-api-key" });
  // The provider registers that key under the suite's name: it is in the Job's spec.
  const spec = JSON.parse((byName(res, "core/v1:ConfigMap", "litellm-keys").inputs.data as JsonObject)["keys.json"] as string) as Array<{ settings: { key_alias: string } }>;
  expect(spec.map((c) => c.settings.key_alias)).toEqual(["openwebui", "r2r", "gateway-user"]);
  expect(isSecretValue(secret.raw.stringData)).toBe(true);
  // The flow to LiteLLM, both sides: the user's egress, LiteLLM's ingress in the provider's namespace.
  const flow = (suffix: string) => res.find((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && at(r.inputs, "metadata.name") === `gateway-user-app-to-model-gateway-${suffix}`);
  expect(at(flow("egress")?.inputs ?? {}, "metadata.namespace")).toBe("gateway-user");
  expect(at(flow("ingress")?.inputs ?? {}, "metadata.namespace")).toBe("llm-stack");
  expect(at(flow("ingress")?.inputs ?? {}, "spec.ingress.0")).toEqual({
    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway-user" } }, podSelector: { matchLabels: { app: "caller" } } }],
    ports: [{ port: 4000, protocol: "TCP" }],
  });
});

