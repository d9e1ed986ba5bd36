/**
 * Zero changes on the second `up`, charts included. helm.v4.Chart renders every chart again at each preview
 * and up, answering Helm's `lookup` from the live cluster, so a chart converges only if every template value
 * that could differ (lookup, random values, generated certificates, checksums over them) is pinned by our
 * values or by the transforms the program attaches. For each chart request of each stack: render its
 * variant sites (tests/helpers/chartTemplates.ts) against an empty cluster, pass each object through the
 * chart's own registered transforms the way the engine does (scripts/lib/transforms.ts), apply the result to
 * the emulated cluster, render again, and demand identical objects. Also: a first preview of a new stack
 * sends every chart the same request as an `up` with state, and no chart waits for a Secret only a dropped
 * Helm hook would make.
 */
import { chartName } from "../../components/addons/apis";
import { dependencyClosure } from "../../scripts/lib/apiOrder";
import { applyTransforms } from "../../scripts/lib/transforms";
import { CHART_TEMPLATE_SITES, type Cluster, HOOK_ONLY_SECRETS, type SiteObject } from "../helpers/chartTemplates";
import { at, containersOf, renderStack, unwrapSecrets, type Json, type JsonObject, type Recorded, type RegisteredResource, type StackName } from "../helpers/harness";

const CHART = "kubernetes:helm.sh/v4:Chart";

interface ChartRequest {
  readonly chart: string;
  readonly recorded: Recorded;
  readonly registered: RegisteredResource;
}

function chartRequests(resources: readonly Recorded[], registered: readonly RegisteredResource[]): ChartRequest[] {
  return registered
    .filter((r) => r.type === CHART)
    .map((reg) => {
      const recorded = resources.find((x) => x.type === CHART && x.name === reg.name)!;
      return { chart: chartName(String(recorded.inputs.chart)), recorded, registered: reg };
    });
}

/** One Helm render of the chart's variant sites against `cluster`, each object as the engine would create it. */
async function render(req: ChartRequest, cluster: Cluster, transformsFor: (o: SiteObject) => readonly string[] = () => req.registered.transforms): Promise<Map<string, Json>> {
  const sites = CHART_TEMPLATE_SITES[req.chart];
  if (!sites) throw new Error(`chart ${req.chart} has no template model in tests/helpers/chartTemplates.ts`);
  const out = new Map<string, Json>();
  const values = (req.recorded.inputs.values ?? {}) as JsonObject;
  for (const site of sites) {
    for (const object of site.render(values, String(req.recorded.inputs.name), cluster)) {
      const created = await applyTransforms(transformsFor(object), object, req.registered.urn);
      out.set(`${object.type}/${object.name}`, unwrapSecrets(created.props));
    }
  }
  return out;
}

/** A first and a second render of the chart (the second against what the first applied). */
async function twice(req: ChartRequest, transformsFor?: (o: SiteObject) => readonly string[]): Promise<[Map<string, Json>, Map<string, Json>]> {
  const first = await render(req, new Map(), transformsFor);
  const second = await render(req, first as Map<string, JsonObject>, transformsFor);
  return [first, second];
}

/** The prod render of the last describe block below: the latest in this process, so its transforms are live. */
let prodRequests: ChartRequest[] = [];

describe.each<StackName>(["dev", "prod"])("%s", (stack) => {
  let requests: ChartRequest[];
  let resources: Recorded[];
  let registered: RegisteredResource[];
  let preview: Recorded[];
  beforeAll(async () => {
    preview = (await renderStack(stack, { preview: true })).resources;
    // Fresh, and last: the engine-side transform calls need the callback server of this process's latest render.
    ({ resources, registered } = await renderStack(stack, {}, true));
    requests = chartRequests(resources, registered);
    if (stack === "prod") prodRequests = requests;
  });

  test("every chart renders the same objects against an empty cluster and against the cluster it made", async () => {
    expect(requests.length).toBeGreaterThan(0);
    for (const req of requests) {
      const [first, second] = await twice(req);
      expect([req.chart, Object.fromEntries(second)]).toEqual([req.chart, Object.fromEntries(first)]);
    }
  });

  test("a new stack's first preview sends every chart the same request as an `up` with state", () => {
    for (const req of requests) {
      const early = preview.find((r) => r.type === CHART && r.name === req.recorded.name);
      expect([req.chart, early?.inputs]).toEqual([req.chart, req.recorded.inputs]);
    }
  });

  test("no chart waits for a Secret that only a dropped Helm hook would make", () => {
    const closure = dependencyClosure(registered);
    const jobs = resources.filter((r) => r.type === "kubernetes:batch/v1:Job");
    for (const req of requests) {
      const needed = HOOK_ONLY_SECRETS[req.chart]?.((req.recorded.inputs.values ?? {}) as JsonObject) ?? [];
      if (needed.length === 0) continue;
      // Envoy Gateway's certgen is the one maker the program runs itself (components/addons/envoyGateway/certgen.ts).
      const maker = jobs.find((j) => JSON.stringify(at(containersOf(j)[0], "command")).startsWith('["envoy-gateway","certgen"') && at(j.inputs, "metadata.namespace") === req.recorded.inputs.namespace);
      const makerUrn = maker && registered.find((r) => r.type === maker.type && r.name === maker.name)?.urn;
      expect([req.chart, needed, makerUrn !== undefined && closure(req.registered.urn).has(makerUrn)]).toEqual([req.chart, needed, true]);
    }
  });
});

describe("the check fails where a chart does not converge", () => {
  let harbor: ChartRequest;
  beforeAll(() => {
    harbor = prodRequests.find((r) => r.chart === "harbor")!;
  });

  test("Harbor's database checksum without our pin differs at the second render (the reported second-`up` restart)", async () => {
    // The transforms on the Secret only, as before the fix: the StatefulSet keeps the chart's own checksum.
    const [first, second] = await twice(harbor, (o) => (o.type === "kubernetes:apps/v1:StatefulSet" ? [] : harbor.registered.transforms));
    const key = "kubernetes:apps/v1:StatefulSet/harbor-database";
    expect(at(second.get(key), "spec.template.metadata.annotations.checksum/secret")).not.toEqual(at(first.get(key), "spec.template.metadata.annotations.checksum/secret"));
  });

  test("an unpinned random value differs between renders", async () => {
    const values = { ...(harbor.recorded.inputs.values as JsonObject), core: { ...((harbor.recorded.inputs.values as JsonObject).core as JsonObject), existingSecret: "" } };
    const [first, second] = await twice({ ...harbor, recorded: { ...harbor.recorded, inputs: { ...harbor.recorded.inputs, values } } });
    expect(Object.fromEntries(second)).not.toEqual(Object.fromEntries(first));
  });

  test("with data protection the chart's own claims are kept: the engine gets retainOnDelete from the chart's transforms", async () => {
    const pvc = { type: "kubernetes:core/v1:PersistentVolumeClaim", name: "harbor-registry", props: { metadata: { name: "harbor-registry" } } };
    expect((await applyTransforms(harbor.registered.transforms, pvc, harbor.registered.urn)).retainOnDelete).toBe(true);
    const deployment = { type: "kubernetes:apps/v1:Deployment", name: "harbor-core", props: { metadata: { name: "harbor-core" } } };
    expect((await applyTransforms(harbor.registered.transforms, deployment, harbor.registered.urn)).retainOnDelete).toBe(false);
  });

  test("every chart's CRDs go in without descriptions and stay when the chart goes", async () => {
    const crd = {
      type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
      name: "things.example.com",
      props: { spec: { versions: [{ name: "v1", schema: { openAPIV3Schema: { description: "long prose", properties: { description: { type: "string", description: "a field named description" } } } } }] } },
    };
    const created = await applyTransforms(harbor.registered.transforms, crd, harbor.registered.urn);
    expect(created.retainOnDelete).toBe(true);
    expect(at(created.props, "spec.versions.0.schema.openAPIV3Schema")).toEqual({ properties: { description: { type: "string" } } });
  });
});
