/**
 * The README's security model: its credential table is what both stacks render (every Secret, the pods that read it,
 * what it opens), and a Secret nobody described fails the docs instead of slipping in unexplained.
 */
import * as fs from "fs";
import * as path from "path";
import { README, renderReadme } from "../../scripts/docs";
import { credentialRows, purposeOf } from "../../scripts/lib/credentialModel";
import { ROOT } from "../../scripts/lib/render";
import { renderStack, type Recorded } from "../helpers/harness";

let dev: Recorded[];
let prod: Recorded[];
beforeAll(async () => {
  ({ resources: dev } = await renderStack("dev"));
  ({ resources: prod } = await renderStack("prod"));
}, 120_000);

test("README's credential table is both stacks' render (run `npm run docs` to refresh)", () => {
  const readme = fs.readFileSync(path.join(ROOT, README), "utf8");
  expect(readme).toBe(renderReadme(readme, [["dev", credentialRows(dev)], ["prod", credentialRows(prod)]]));
});

test("holders are the pods that read a Secret: MinIO's root keys only MinIO and its setup Job; a consumer's keys its own pods", () => {
  const row = (ns: string, secret: string) => credentialRows(prod).find((r) => r.namespace === ns && r.secret === secret);
  expect(row("mlops", "minio-credentials")?.holders).toEqual(["minio", "minio-create-buckets"]);
  expect(row("llm-executor", "object-store")?.holders).toEqual(["executor-service", "llm-service"]);
  expect(row("llm-stack", "litellm-secret")?.holders).toEqual(["litellm", "litellm-keys"]);
});

test("a Secret with no stated purpose is an error that names it", () => {
  const stray: Recorded = { type: "kubernetes:core/v1:Secret", name: "x", raw: {}, inputs: { metadata: { name: "mystery-token", namespace: "llmctl" }, stringData: { token: "t" } } };
  expect(() => credentialRows([...dev, stray])).toThrow(/Secret llmctl\/mystery-token has no purpose in scripts\/lib\/credentialModel.ts/);
  expect(purposeOf("gateway-openwebui")?.opens).toMatch(/its own virtual key/);
});
