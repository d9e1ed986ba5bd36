/**
 * The platform's object store: S3-compatible storage one suite provides (MinIO in the mlops suite) and other
 * suites use. A user suite declares the buckets it needs (`objectStoreBuckets`); the provider creates them
 * with its own; the user gets the endpoint and the provider's generated keys, and keeps them in a Secret of
 * its own namespace (`object-store`), never typed or copied.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { checksum } from "../lib/checksum";
import { standardLabels } from "../lib/labels";
import { allowFlow, type PodGroup } from "./flows";

export interface ObjectStore {
  /** In-cluster S3 endpoint, e.g. http://minio.mlops.svc.cluster.local:9000. */
  readonly endpoint: string;
  readonly region: string;
  /** The keys the store accepts (Pulumi secrets). */
  readonly accessKey: pulumi.Output<string>;
  readonly secretKey: pulumi.Output<string>;
  /** Who provides it (a suite name). */
  readonly provider: string;
  /** The store's pods and port, for the flow each user declares. */
  readonly pods: PodGroup;
  readonly port: number;
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
 * AWS_SECRET_ACCESS_KEY, AWS_REGION, S3_ENDPOINT_URL, S3_BUCKET) and the flow from its pods to the store.
 */
export function useObjectStore(
  name: string,
  args: { namespace: pulumi.Input<string>; instance: string; store: ObjectStore; bucket: string; callers: PodGroup },
  opts: pulumi.CustomResourceOptions,
): StoreSecret {
  allowFlow(
    { name: `${args.callers.name}-to-object-store`, from: { pods: args.callers }, to: { pods: args.store.pods }, ports: [{ port: args.store.port }], why: `${args.instance} stores objects in ${args.bucket} (${args.store.provider})` },
    args.instance,
    opts,
  );
  const stringData = {
    AWS_ACCESS_KEY_ID: args.store.accessKey,
    AWS_SECRET_ACCESS_KEY: args.store.secretKey,
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
