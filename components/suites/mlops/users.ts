/**
 * Section: the object store's users. Every consumer of MinIO (MLflow, the bucket mirror, and the grants the other
 * suites, the backups and KServe asked for) gets a user of its own: its access key is the user's name, its secret key
 * generated in `minio-user-<user>` (the seed's key names, accesskey and secretkey), its policy (`minio-policies`,
 * llm-platform-<user>) opens its buckets and nothing else, read-only where it only reads. minio-create-buckets makes
 * the buckets and the users with MinIO's client (mc) and the root keys, which no consumer holds.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checksum } from "../../lib/checksum";
import { standardLabels } from "../../lib/labels";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { bucketPolicy, type ObjectStoreGrant, type ObjectStoreKeys } from "../../platform/objectStore";
import { buildPodSpec, emptyDir } from "../../workloads/pod";
import { childOpts, type SuiteContext, workloadOpts } from "../context";
import type { MlopsConfig } from "./config";
import type { MlopsImage } from "./images";
import { MINIO_UID, minioEndpoint } from "./minio";
import { KEYS, NAMES, SEED_BUCKETS } from "./names";
import { STORE_SETUP_SCRIPT } from "./scripts";

type Ctx = SuiteContext<MlopsImage>;

/** Every policy this suite manages is named so: the setup step removes the ones whose consumer is gone. */
export const POLICY_PREFIX = "llm-platform-";
export const userSecretName = (user: string): string => `minio-user-${user}`;

/** MLflow's user: its artifacts bucket, read-write (it serves the artifacts: clients never hold MinIO keys). */
export const MLFLOW_GRANT: ObjectStoreGrant = { user: "mlflow", buckets: [SEED_BUCKETS[0]], access: "readwrite", holder: "MLflow's tracking server (Secret minio-user-mlflow)" };

/** The bucket mirror's user (only with an external backup target): every bucket, read-write (its restore writes back). */
export const mirrorGrant = (buckets: readonly string[]): ObjectStoreGrant => ({
  user: "minio-mirror",
  buckets,
  access: "readwrite",
  holder: "the backup, drill and restore pods of MinIO's buckets in mlops (Secret minio-user-minio-mirror)",
});

export interface StoreUsers {
  readonly secrets: Readonly<Record<string, GeneratedSecret>>;
  /** A user's keys; throws for a user no grant named. */
  keys(user: string): ObjectStoreKeys;
  /** The Job that made the buckets and the users: their consumers' first use waits for it. */
  readonly setup: k8s.batch.v1.Job;
}

const USERS_DIR = "/etc/minio-users";
const ROOT_DIR = "/etc/minio-root";

export function storeUsers(ctx: Ctx, cfg: MlopsConfig, buckets: readonly string[], grants: readonly ObjectStoreGrant[], root: GeneratedSecret): StoreUsers {
  const secrets = Object.fromEntries(
    grants.map((g) => [
      g.user,
      new GeneratedSecret(
        userSecretName(g.user),
        { namespace: ctx.namespace, secretName: userSecretName(g.user), instance: ctx.instance, generate: { [KEYS.secretKey]: { length: 40 } }, extra: { [KEYS.accessKey]: g.user } },
        childOpts(ctx),
      ),
    ]),
  );
  const policies = new k8s.core.v1.ConfigMap(
    NAMES.minioPolicies,
    {
      metadata: { name: NAMES.minioPolicies, namespace: ctx.namespace, labels: standardLabels(NAMES.minioPolicies, ctx.instance, "object-store-setup") },
      data: Object.fromEntries(grants.map((g) => [`${g.user}.json`, `${JSON.stringify(bucketPolicy(g), null, 2)}\n`])),
    },
    childOpts(ctx),
  );
  const setup = setupJob(ctx, cfg, buckets, grants, { root, secrets, policies });
  return {
    secrets,
    setup,
    keys(user) {
      const s = secrets[user];
      if (!s) throw new Error(`object store: no grant for user ${user} (granted: ${Object.keys(secrets).join(", ")})`);
      return { accessKey: user, secretKey: s.values[KEYS.secretKey] };
    },
  };
}

/**
 * minio-create-buckets (the seed's name). Its template carries the buckets, the policies and a digest of every
 * user's keys, so a new bucket, grant or rotated key replaces it (deleted first: the name is the seed's, the
 * template immutable) and the next `up` runs it again; unchanged, the finished Job stays as it is.
 */
function setupJob(
  ctx: Ctx,
  cfg: MlopsConfig,
  buckets: readonly string[],
  grants: readonly ObjectStoreGrant[],
  from: { root: GeneratedSecret; secrets: Readonly<Record<string, GeneratedSecret>>; policies: k8s.core.v1.ConfigMap },
): k8s.batch.v1.Job {
  const labels = standardLabels(NAMES.buckets, ctx.instance, "object-store-setup");
  const keys = [KEYS.accessKey, KEYS.secretKey].map((key) => ({ key, path: key }));
  // One directory per user: its keys from its Secret, its policy from the ConfigMap.
  const users = {
    name: "users",
    projected: {
      defaultMode: 0o440,
      sources: grants.flatMap((g) => [
        { secret: { name: userSecretName(g.user), items: keys.map((k) => ({ key: k.key, path: `${g.user}/${k.path}` })) } },
        { configMap: { name: NAMES.minioPolicies, items: [{ key: `${g.user}.json`, path: `${g.user}/policy.json` }] } },
      ]),
    },
  };
  const rootKeys = { name: "root", secret: { secretName: NAMES.minioCredentials, items: keys, defaultMode: 0o440 } };
  const digest = checksum(pulumi.all(Object.values(from.secrets).map((s) => s.checksum)));
  return new k8s.batch.v1.Job(
    NAMES.buckets,
    {
      metadata: { name: NAMES.buckets, namespace: ctx.namespace, labels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels, annotations: { "llm-platform/buckets": checksum(buckets), "llm-platform/policies": checksum(grants.map(bucketPolicy)), "llm-platform/users": digest } },
          spec: buildPodSpec({
            profile: ctx.profile,
            uid: MINIO_UID,
            restartPolicy: "OnFailure",
            automountServiceAccountToken: false,
            imagePullSecrets: ctx.imagePullSecrets,
            volumes: [users, rootKeys, emptyDir("tmp", "64Mi")],
            containers: [
              {
                name: "create-buckets",
                image: ctx.images.mc,
                size: "tiny",
                command: ["/bin/sh", "-c", STORE_SETUP_SCRIPT],
                env: { S3_ENDPOINT_URL: minioEndpoint(cfg.namespace), BUCKETS: buckets.join(" "), ROOT_DIR, USERS_DIR, POLICY_PREFIX, HOME: "/tmp" },
                volumeMounts: [
                  { name: "users", mountPath: USERS_DIR, readOnly: true },
                  { name: "root", mountPath: ROOT_DIR, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
          }),
        },
      },
    },
    { ...workloadOpts(ctx, [from.root, from.policies, ...Object.values(from.secrets)]), deleteBeforeReplace: true },
  );
}
