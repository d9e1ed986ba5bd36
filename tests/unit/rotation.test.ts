/**
 * Credential rotation (components/platform/rotation.ts): a credentialRotation entry gives one generated value new
 * keepers (the engine replaces that RandomPassword alone), bad entries fail preview naming the key, and a rotated
 * value reaches every reader: each Deployment, StatefulSet and Job that reads a generated value from a Secret
 * carries that value's checksum on its pod template, so it rolls (a Job is replaced) when the value changes. To see
 * *which* values an annotation covers, this file's renders use a checksum that spells its input out instead of
 * hashing it (jest.mock below); everything else is the real program.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as ChecksumModule from "../../components/lib/checksum";
import type * as RotateScript from "../../scripts/rotate";
import type * as Harness from "../helpers/harness";
import type { JsonObject, Recorded, StackName } from "../helpers/harness";

// Registered before the program loads: the harness (and with it the program) is required after this, below.
jest.mock("../../components/lib/checksum", () => {
  const actual = jest.requireActual<typeof ChecksumModule>("../../components/lib/checksum");
  return { ...actual, checksum: (data: pulumi.Input<Record<string, unknown>>) => pulumi.unsecret(pulumi.output(data).apply((d: unknown) => `spelled:${JSON.stringify(d)}`)) };
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { at, byName, configProblems, containersOf, k8sName, parsedStack, podSpecOf, renderStack } = require("../helpers/harness") as typeof Harness;

/** Readers that need not roll, by workload and Secret, with the reason. */
const EXEMPT: Record<string, string> = {
  "harbor-create-project/harbor-credentials": "reads only the admin password, which Harbor keeps from its first start (not rotatable by config)",
  "minio-create-buckets/minio-credentials": "signs in with the root keys to create the buckets and users once; they stay whatever root keys come later (it is replaced when a bucket, a policy or a user's key changes)",
  "litellm-database/llm-stack-secrets": "logs in as the superuser only to set LiteLLM's role; it runs again whenever that role's password changes",
};

const READERS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:batch/v1:Job"];

/** The generated values (the mock's `generated-<resource>`) in a Secret's keys. */
function generatedIn(secret: Recorded, keys?: readonly string[]): string[] {
  const data = { ...((secret.inputs.stringData ?? {}) as Record<string, string>) };
  return Object.entries(data)
    .filter(([k]) => !keys || keys.includes(k))
    .flatMap(([, v]) => String(v).match(/generated-[A-Za-z0-9-]+/g) ?? []);
}

/** Every (Secret, keys) a workload's pods read: env references, envFrom, secret and projected volumes; keys undefined = all. */
function secretsRead(w: Recorded): Array<{ name: string; keys?: string[] }> {
  const spec = podSpecOf(w);
  const out: Array<{ name: string; keys?: string[] }> = [];
  for (const c of [...containersOf(w), ...containersOf(w, true)]) {
    for (const e of (c.env ?? []) as JsonObject[]) {
      const ref = at(e, "valueFrom.secretKeyRef") as JsonObject | undefined;
      if (ref) out.push({ name: String(ref.name), keys: [String(ref.key)] });
    }
    for (const f of (c.envFrom ?? []) as JsonObject[]) if (f.secretRef) out.push({ name: String(at(f, "secretRef.name")) });
  }
  for (const v of (spec.volumes ?? []) as JsonObject[]) {
    const sources = v.projected ? ((at(v, "projected.sources") ?? []) as JsonObject[]) : [v];
    for (const s of sources) {
      const secret = s.secret as JsonObject | undefined;
      if (!secret) continue;
      const items = secret.items as JsonObject[] | undefined;
      out.push({ name: String(secret.secretName ?? secret.name), keys: items?.map((i) => String(i.key)) });
    }
  }
  return out;
}

/** This file's render of a stack file, once. Fresh: its checksum is not the program's, so it is not shared with other files. */
const fresh = new Map<StackName, ReturnType<typeof renderStack>>();
const freshRender = (stack: StackName) => fresh.get(stack) ?? fresh.set(stack, renderStack(stack, {}, true)).get(stack)!;

describe.each<StackName>(["dev", "prod"])("%s: a rotated value rolls everything that reads it", (stack) => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await freshRender(stack));
  }, 60_000);

  test("every workload that reads a generated value carries it in its pod template's checksums", () => {
    const missing: string[] = [];
    let checked = 0;
    for (const w of res.filter((r) => READERS.includes(r.type))) {
      const ns = String(at(w.inputs, "metadata.namespace"));
      const annotations = JSON.stringify(at(w.inputs, "spec.template.metadata.annotations") ?? {});
      for (const read of secretsRead(w)) {
        const secret = res.find((r) => r.type === "kubernetes:core/v1:Secret" && k8sName(r) === read.name && at(r.inputs, "metadata.namespace") === ns);
        if (!secret || EXEMPT[`${k8sName(w)}/${read.name}`]) continue;
        for (const value of generatedIn(secret, read.keys)) {
          checked++;
          if (!annotations.includes(value)) missing.push(`${k8sName(w)} (${w.type.split(":").pop()}) reads ${read.name} but does not roll when ${value} changes`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});

describe("credentialRotation", () => {
  test("an entry gives that one value new keepers, so the engine generates it again; the others keep theirs (edge/basic-auth too)", async () => {
    const base = await freshRender("prod");
    const rotated = await renderStack("prod", { set: { credentialRotation: ["llmctl-studio-secrets/LLMCTL_POSTGRES_PASSWORD=2026-12-04", "edge/basic-auth=2026-12-05"] } }, true);
    const passwords = (r: Recorded[]) => new Map(r.filter((x) => x.type === "random:index/randomPassword:RandomPassword").map((x) => [x.name, x]));
    const before = passwords(base.resources);
    const after = passwords(rotated.resources);
    const changed = [...after].filter(([name, p]) => JSON.stringify(p.inputs) !== JSON.stringify(before.get(name)?.inputs)).map(([name]) => name);
    expect(changed).toHaveLength(2);
    expect(after.get("llmctl-studio-secrets-llmctl-postgres-password")?.inputs.keepers).toEqual({ rotation: "2026-12-04" });
    // The edge's basic-auth password (edgeAuth: basic in prod).
    const edge = changed.find((n) => n.endsWith("-basic-auth"));
    expect(edge && after.get(edge)?.inputs.keepers).toEqual({ rotation: "2026-12-05" });
    const secret = (r: Recorded[]) => (byName(r, "core/v1:Secret", "llmctl-studio-secrets").inputs.stringData as Record<string, string>).LLMCTL_POSTGRES_PASSWORD;
    expect(secret(rotated.resources)).not.toBe(secret(base.resources));
  }, 60_000);

  test("bad entries, unknown credentials and values only their application can change fail preview naming the key", async () => {
    expect(configProblems("dev", { credentialRotation: ["llmctl-studio-secrets/LLMCTL_POSTGRES_PASSWORD"] })).toEqual([expect.stringMatching(/^llm-platform:credentialRotation: entries must be <secret>\/<KEY>=<token>/)]);
    expect(configProblems("dev", { credentialRotation: ["a/B=1", "a/B=2"] })).toEqual([expect.stringMatching(/^llm-platform:credentialRotation: a\/B is listed twice/)]);
    // One render, both problems in its one error.
    const failed = renderStack("dev", { set: { credentialRotation: ["llmctl-studio-secrets/NO_SUCH_KEY=1", "harbor-credentials/HARBOR_ADMIN_PASSWORD=1"] } }, true);
    await expect(failed).rejects.toThrow(/llm-platform:credentialRotation: llmctl-studio-secrets\/NO_SUCH_KEY is not a credential this stack generates; rotatable: .*llmctl-studio-secrets\/LLMCTL_POSTGRES_PASSWORD/);
    await expect(failed).rejects.toThrow(/cannot be rotated by config: Harbor sets the admin's password only when it creates its database/);
  }, 60_000);
});

describe("npm run rotate: the credentialRotation list it writes", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { rotationToken, withRotation } = require("../../scripts/rotate") as typeof RotateScript;

  test("adds an entry, replaces the same credential's older token, keeps the others", () => {
    const now = rotationToken(new Date("2026-12-04T13:15:00.123Z"));
    expect(now).toBe("20261204T131500Z");
    expect(withRotation(["a-b/KEY=1", "c/OTHER=2"], ["a-b/KEY"], now)).toEqual(["c/OTHER=2", `a-b/KEY=${now}`]);
    expect(withRotation([], ["minio-credentials/secretkey", "mlflow-auth/admin-password"], now)).toEqual([`minio-credentials/secretkey=${now}`, `mlflow-auth/admin-password=${now}`]);
  });

  test("the token it writes is one the stack accepts", () => {
    const token = rotationToken(new Date());
    const parsed = parsedStack("dev", { set: { credentialRotation: withRotation([], ["llmctl-studio-secrets/LLMCTL_POSTGRES_PASSWORD"], token) } });
    expect(parsed.platform.credentialRotation.get("llmctl-studio-secrets/LLMCTL_POSTGRES_PASSWORD")).toBe(token);
  });

  test("an id that is not <secret>/<KEY> is refused before the stack is touched", () => {
    expect(() => withRotation([], ["POSTGRES_PASSWORD"], "1")).toThrow(/not a credential id: "POSTGRES_PASSWORD"/);
  });
});

