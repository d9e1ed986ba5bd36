/**
 * MinIO for real (tests/software/minio.ts): its root keys follow minio-credentials also on kept data. MinIO reads
 * MINIO_ROOT_USER / MINIO_ROOT_PASSWORD at every start and, without a KMS, does not encrypt its config and IAM
 * with them, so data written with one pair of generated keys opens with the next pair: what a stack whose Secret
 * was deleted (dataProtection kept the claim) or rotated gets at its next `up`. So MinIO needs no sync step.
 */
import { renderStack, type Recorded } from "../helpers/harness";
import { runShell } from "../helpers/s3server";
import { S3_SHELL_FUNCTION } from "../../components/lib/s3Shell";
import { type LocalMinio, localMinio } from "./minio";

let res: Recorded[];
let minio: LocalMinio;

const s3 = (keys: { accessKey: string; secretKey: string }, script: string) =>
  runShell(`set -eu\n${S3_SHELL_FUNCTION}\n${script}`, { S3_ENDPOINT_URL: minio.endpoint, AWS_ACCESS_KEY_ID: keys.accessKey, AWS_SECRET_ACCESS_KEY: keys.secretKey, AWS_REGION: "us-east-1" });

beforeAll(async () => {
  ({ resources: res } = await renderStack("dev"));
  minio = localMinio(res);
}, 120_000);

afterAll(async () => {
  await minio?.stop();
});

test("kept data, new generated root keys: the next start opens the buckets with the new keys and refuses the old ones", async () => {
  const first = { accessKey: minio.c.env.MINIO_ROOT_USER, secretKey: minio.c.env.MINIO_ROOT_PASSWORD };
  expect(first.accessKey).toMatch(/^generated-/);
  await minio.start();
  const wrote = await s3(first, `echo kept > /tmp/minio-kept.txt\nprintf '%s ' "$(s3 PUT mlflow-artifacts)" "$(s3 PUT mlflow-artifacts/run/model.txt -T /tmp/minio-kept.txt)"`);
  expect(wrote.output.trim()).toBe("200 200");
  await minio.stop();

  // What the next `up` writes into minio-credentials after the old values were deleted: other keys, same data.
  const next = { accessKey: `${first.accessKey}-next`, secretKey: `${first.secretKey}-rotated` };
  await minio.start(next);
  const read = await s3(next, `S3_OUT=/tmp/minio-read.txt; printf '%s ' "$(s3 GET mlflow-artifacts/run/model.txt)"; cat "$S3_OUT"`);
  expect(read.output.trim()).toBe("200 kept");
  const old = await s3(first, `printf '%s' "$(s3 GET mlflow-artifacts/run/model.txt)"`);
  expect(old.output.trim()).toBe("403");
}, 120_000);
