/**
 * The platform's object store: S3-compatible storage one suite provides (MinIO in the mlops suite) and other
 * suites use. Each consumer declares a grant (its user, its buckets, read-write or read-only); the provider creates
 * the buckets, a user per grant with a policy that opens those buckets and nothing else, and hands the consumer that
 * user's keys, which it keeps in a Secret of its own namespace (`object-store`). The store's root keys stay with
 * the store and the operator: no consumer holds them.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { checksum } from "../lib/checksum";
import { standardLabels } from "../lib/labels";
import { allowFlow, type PodGroup } from "./flows";

/** What a consumer may do in its buckets: list, read, write and delete objects, or list and read them. */
export type BucketAccess = "readwrite" | "readonly";

/** One consumer of the store: its user (also its access key), the buckets that user opens, and how. */
export interface ObjectStoreGrant {
  readonly user: string;
  readonly buckets: readonly string[];
  readonly access: BucketAccess;
  /** Who holds the keys and why, for the docs and the policy's review. */
  readonly holder: string;
}

/** A consumer's keys: the access key is the user's name (not secret), the secret key is generated. */
export interface ObjectStoreKeys {
  readonly accessKey: pulumi.Input<string>;
  readonly secretKey: pulumi.Output<string>;
}

export interface ObjectStore {
  /** In-cluster S3 endpoint, e.g. http://minio.mlops.svc.cluster.local:9000. */
  readonly endpoint: string;
  readonly region: string;
  /** Who provides it (a suite name). */
  readonly provider: string;
  /** The store's pods and port, for the flow each user declares. */
  readonly pods: PodGroup;
  readonly port: number;
  /** The keys of a user the store was given a grant for; any other name is a programming error and throws. */
  keys(user: string): ObjectStoreKeys;
}

/** A user name MinIO accepts as an access key and a Secret accepts as a name part: lowercase, digits, dashes. */
export const OBJECT_STORE_USER = /^[a-z][a-z0-9-]{2,30}[a-z0-9]$/;

/** The grants of all consumers as one list: each user once (same user, same grant), buckets in first-seen order. */
export function mergeGrants(grants: readonly ObjectStoreGrant[]): ObjectStoreGrant[] {
  const byUser = new Map<string, ObjectStoreGrant>();
  for (const g of grants) {
    if (!OBJECT_STORE_USER.test(g.user)) throw new Error(`object store: user ${JSON.stringify(g.user)} must match ${OBJECT_STORE_USER} (it is the access key and part of a Secret's name)`);
    const seen = byUser.get(g.user);
    if (seen && (seen.access !== g.access || seen.buckets.join() !== g.buckets.join())) {
      throw new Error(`object store: user ${g.user} is granted twice, differently (${seen.holder}; ${g.holder})`);
    }
    byUser.set(g.user, g);
  }
  return [...byUser.values()];
}

/** Every bucket a grant names, each once. */
export const grantedBuckets = (grants: readonly ObjectStoreGrant[]): string[] => [...new Set(grants.flatMap((g) => g.buckets))];

const BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"];
const READ_ACTIONS = ["s3:GetObject"];
const WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** The IAM policy a grant becomes: its buckets listed and read (and written, for readwrite), no other bucket, no admin. */
export function bucketPolicy(grant: ObjectStoreGrant): { Version: string; Statement: { Effect: "Allow"; Action: string[]; Resource: string[] }[] } {
  const arn = (resource: string) => `arn:aws:s3:::${resource}`;
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: BUCKET_ACTIONS, Resource: grant.buckets.map(arn) },
      { Effect: "Allow", Action: grant.access === "readwrite" ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS, Resource: grant.buckets.map((b) => arn(`${b}/*`)) },
    ],
  };
}

/** The Secret a user's pods read the store from: the AWS SDK's names, plus the endpoint and bucket. */
export const OBJECT_STORE_SECRET = "object-store";

/** The object-store Secret of a user's namespace, and the checksum its readers carry (new keys roll them). */
export interface StoreSecret {
  readonly secret: k8s.core.v1.Secret;
  readonly checksum: pulumi.Output<string>;
}

/**
 * What a user suite does with the store it was handed: the Secret in its namespace (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_REGION, S3_ENDPOINT_URL, S3_BUCKET) with its own user's keys, and the flow from its
 * pods to the store.
 */
export function useObjectStore(
  name: string,
  args: { namespace: pulumi.Input<string>; instance: string; store: ObjectStore; user: string; bucket: string; callers: PodGroup },
  opts: pulumi.CustomResourceOptions,
): StoreSecret {
  allowFlow(
    { name: `${args.callers.name}-to-object-store`, from: { pods: args.callers }, to: { pods: args.store.pods }, ports: [{ port: args.store.port }], why: `${args.instance} stores objects in ${args.bucket} (${args.store.provider})` },
    args.instance,
    opts,
  );
  const keys = args.store.keys(args.user);
  const stringData = {
    AWS_ACCESS_KEY_ID: keys.accessKey,
    AWS_SECRET_ACCESS_KEY: keys.secretKey,
    AWS_REGION: args.store.region,
    S3_ENDPOINT_URL: args.store.endpoint,
    S3_BUCKET: args.bucket,
  };
  const secret = new k8s.core.v1.Secret(
    `${name}-object-store`,
    { metadata: { name: OBJECT_STORE_SECRET, namespace: args.namespace, labels: standardLabels(OBJECT_STORE_SECRET, args.instance, "config") }, type: "Opaque", stringData },
    opts,
  );
  return { secret, checksum: checksum(stringData) };
}
