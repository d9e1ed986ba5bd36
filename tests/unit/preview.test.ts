/**
 * A first `pulumi preview` of a new stack (a pull request's review stack is always one) must show every object:
 * a chart whose values hold a value generated in the same run cannot be rendered at preview, and the engine then
 * lists none of its objects ("Preview is incomplete"). Under preview mocks, generated values are unknown, as they
 * are to the engine; every chart's inputs must still equal those of the `up` render.
 */
import * as pulumi from "@pulumi/pulumi";
import { harborDatabaseSecret } from "../../components/addons/harbor/database";
import { renderStack, type Recorded, type StackName } from "../helpers/harness";

const charts = (res: Recorded[]) => res.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");

/** Paths where `a` and `b` differ (an unknown value is absent from a preview's inputs, or a marker). */
function differences(a: unknown, b: unknown, at = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return [at || "."];
}

describe.each<StackName>(["dev", "prod"])("first preview of a new %s stack", (stack) => {
  test("every chart's inputs are known (the same as at `up`), so the preview lists all its objects", async () => {
    const up = charts((await renderStack(stack)).resources);
    const preview = charts((await renderStack(stack, { preview: true })).resources);
    expect(preview.map((c) => c.name)).toEqual(up.map((c) => c.name));
    expect(up.length).toBeGreaterThan(1);
    for (const c of up) expect({ chart: c.name, unknownAtPreview: differences(c.raw, preview.find((p) => p.name === c.name)?.raw) }).toEqual({ chart: c.name, unknownAtPreview: [] });
  });
});

test("the preview mocks make generated values unknown (or the test above could not fail)", async () => {
  const preview = (await renderStack("dev", { preview: true })).resources;
  const secret = preview.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "llmctl-harbor-database-password");
  expect(JSON.stringify(secret?.raw.stringData ?? "unknown")).not.toContain("generated-");
});

describe("harborDatabaseSecret: the generated password into the chart's database Secret", () => {
  const transform = harborDatabaseSecret(pulumi.output("pw-from-state"));
  const args = (type: string, name: string): pulumi.ResourceTransformArgs => ({
    custom: true,
    type,
    name: `harbor/${name}`,
    props: { metadata: { name, namespace: "llmctl-harbor" }, type: "Opaque", data: { POSTGRES_PASSWORD: "" } },
    opts: {},
  });

  test("harbor-database: stringData POSTGRES_PASSWORD replaces the chart's empty data", async () => {
    const out = await transform(args("kubernetes:core/v1:Secret", "harbor-database"));
    expect(out?.props.data).toBeUndefined();
    expect(out?.props.metadata).toEqual({ name: "harbor-database", namespace: "llmctl-harbor" });
    const value = await new Promise((resolve) => pulumi.output((out?.props.stringData as { POSTGRES_PASSWORD: pulumi.Input<string> }).POSTGRES_PASSWORD).apply(resolve));
    expect(value).toBe("pw-from-state");
  });

  test("every other object is left as the chart made it", async () => {
    expect(await transform(args("kubernetes:core/v1:Secret", "harbor-core"))).toBeUndefined();
    expect(await transform(args("kubernetes:core/v1:ConfigMap", "harbor-database"))).toBeUndefined();
  });
});

describe("harborDatabaseSecret: Harbor's database password follows its Secret on kept data", () => {
  const transform = harborDatabaseSecret(pulumi.output("pw-from-state"));
  // The chart's database StatefulSet as harbor-helm 1.18.2's templates/database/database-ss.yaml renders it (persistence on).
  const chartStatefulSet = (subPath?: string): pulumi.ResourceTransformArgs => ({
    custom: true,
    type: "kubernetes:apps/v1:StatefulSet",
    name: "harbor/harbor-database",
    props: {
      metadata: { name: "harbor-database", namespace: "llmctl-harbor" },
      spec: {
        template: {
          metadata: { annotations: { "checksum/secret": "chart-hash" } },
          spec: {
            initContainers: [{ name: "data-permissions-ensurer", image: "goharbor/harbor-db:v2.14.2" }],
            containers: [{ name: "database", image: "goharbor/harbor-db:v2.14.2", envFrom: [{ secretRef: { name: "harbor-database" } }], env: [{ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" }], volumeMounts: [{ name: "database-data", mountPath: "/var/lib/postgresql/data", ...(subPath ? { subPath } : {}) }] }],
          },
        },
      },
    },
    opts: {},
  });
  type Pod = { initContainers: Array<{ name: string; image: string; env: Array<{ name: string; value: string }>; volumeMounts: Array<{ name: string; mountPath: string; subPath?: string }> }>; volumes: Array<{ name: string; secret?: { secretName: string } }> };
  const podOf = (out: pulumi.ResourceTransformResult | undefined) => (out?.props.spec as { template: { spec: Pod } }).template.spec;

  test("an init container runs the platform's password sync after the chart's own, with the database's image, data and the password file", async () => {
    const pod = podOf(await transform(chartStatefulSet("pgdata-sub")));
    expect(pod.initContainers.map((c) => c.name)).toEqual(["data-permissions-ensurer", "sync-passwords"]);
    const sync = pod.initContainers[1];
    expect(sync.image).toBe("goharbor/harbor-db:v2.14.2");
    // The chart's PGDATA (database-ss.yaml), under which the image keeps pg15.
    expect(Object.fromEntries(sync.env.map((e) => [e.name, e.value]))).toEqual({ PGDATA: "/var/lib/postgresql/data/pgdata/pg15", POSTGRES_USER: "postgres", POSTGRES_PASSWORD_FILE: "/etc/harbor-database-password/password" });
    expect(sync.volumeMounts).toContainEqual({ name: "database-data", mountPath: "/var/lib/postgresql/data", subPath: "pgdata-sub" });
    const file = pod.volumes.find((v) => v.name === sync.volumeMounts[1].name);
    expect(file?.secret?.secretName).toBe("harbor-database-password");
  });

  test("a chart whose database container moved its data fails the render instead of syncing nothing", async () => {
    const args = chartStatefulSet();
    const spec = args.props.spec as { template: { spec: { containers: Array<{ volumeMounts: unknown[] }> } } };
    spec.template.spec.containers[0].volumeMounts = [];
    expect(() => transform(args)).toThrow(/\/var\/lib\/postgresql\/data mount/);
  });
});
