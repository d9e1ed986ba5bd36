/**
 * The object store's grants: one user per consumer, merged once across suites and add-ons, each becoming a policy that
 * opens its buckets alone (read-only where it only reads); a clash or a bad user name fails preview, naming who.
 */
import { kserveGrant } from "../../components/addons/kserve/config";
import { storeGrants } from "../../components/deploy";
import { bucketPolicy, grantedBuckets, mergeGrants, type ObjectStoreGrant } from "../../components/platform/objectStore";
import { parsedStack } from "../helpers/harness";

const rw = (user: string, ...buckets: string[]): ObjectStoreGrant => ({ user, buckets, access: "readwrite", holder: `${user}'s pods` });

test("the same grant twice is one user; the buckets are each named once", () => {
  const grants = mergeGrants([rw("backups", "platform-backups"), rw("code-executor", "code-executor-artifacts"), rw("backups", "platform-backups")]);
  expect(grants.map((g) => g.user)).toEqual(["backups", "code-executor"]);
  expect(grantedBuckets([...grants, rw("other", "platform-backups", "x-bucket")])).toEqual(["platform-backups", "code-executor-artifacts", "x-bucket"]);
});

test("one user granted two ways, or a name MinIO or a Secret would not take, fails naming it", () => {
  expect(() => mergeGrants([rw("backups", "platform-backups"), { ...rw("backups", "platform-backups"), access: "readonly", holder: "someone else" }])).toThrow(
    /user backups is granted twice, differently \(backups's pods; someone else\)/,
  );
  for (const bad of ["Backups", "a", "x_y", "-lead", `${"long".repeat(9)}`]) expect(() => mergeGrants([rw(bad, "b1b")])).toThrow(/must match/);
});

test("a policy: list and read its buckets, write only with readwrite, nothing else (no admin action, no other resource)", () => {
  const ro = bucketPolicy({ user: "kserve-models", buckets: ["models"], access: "readonly", holder: "KServe" });
  expect(ro.Statement).toEqual([
    { Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: ["arn:aws:s3:::models"] },
    { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::models/*"] },
  ]);
  const write = bucketPolicy(rw("backups", "platform-backups")).Statement[1].Action;
  expect(write).toEqual(expect.arrayContaining(["s3:PutObject", "s3:DeleteObject"]));
  expect(write.some((a) => /Bucket$|^admin:|\*/.test(a))).toBe(false);
});

test("the stack's grants: every enabled consumer's, the backups' only without an external bucket, KServe's example read-only on its model's bucket", () => {
  const dev = storeGrants(parsedStack("dev"));
  expect(dev.map((g) => g.user).sort()).toEqual(["backups", "code-executor", "context-engine"]);
  const external = storeGrants(parsedStack("dev", { set: { backupS3Endpoint: "https://s3.example.com", backupS3Bucket: "b-b-b" }, secrets: { backupS3AccessKeyId: "a", backupS3SecretAccessKey: "s" } }));
  expect(external.map((g) => g.user)).not.toContain("backups");
  const kserve = kserveGrant({ enabled: true, chart: { repo: "r", version: "v" }, namespace: "kserve", example: { namespace: "kserve-models", storageUri: "s3://team-models/sklearn/iris" } });
  expect(kserve).toMatchObject({ user: "kserve-models", buckets: ["team-models"], access: "readonly" });
  expect(kserveGrant({ enabled: true, chart: { repo: "r", version: "v" }, namespace: "kserve" })).toBeUndefined();
});
