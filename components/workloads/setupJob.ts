/**
 * A one-shot setup Job under a stable name (a bucket list, a database role, keys registered with a service): its
 * pod template carries a checksum of what it applies, so a change to that replaces the Job (a Job's template is
 * immutable; deleted first, the name being fixed) and it runs again; unchanged, the next `up` finds the finished
 * Job as it was. No TTL: a finished Job stays, and its logs with it. It retries on failure for `deadlineSeconds`.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../lib/labels";
import type { ResourceProfile } from "../lib/resources";
import { buildPodSpec, type ContainerArgs, type Volume } from "./pod";

export interface SetupJobArgs {
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  /** The app.kubernetes.io/component label. */
  readonly component: string;
  readonly profile: ResourceProfile;
  readonly imagePullSecrets: readonly string[];
  /** Digest of everything the Job applies: a change runs it again. */
  readonly stamp: pulumi.Input<string>;
  readonly container: ContainerArgs;
  readonly volumes?: Volume[];
  /** @default 900 */
  readonly deadlineSeconds?: number;
}

export function setupJob(name: string, args: SetupJobArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
  const labels = standardLabels(name, args.instance, args.component);
  return new k8s.batch.v1.Job(
    name,
    {
      metadata: { name, namespace: args.namespace, labels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: args.deadlineSeconds ?? 900,
        template: {
          metadata: { labels, annotations: { "llm-platform/checksum": args.stamp } },
          spec: buildPodSpec({
            profile: args.profile,
            uid: 1000,
            restartPolicy: "OnFailure",
            imagePullSecrets: args.imagePullSecrets,
            volumes: args.volumes ?? [],
            containers: [args.container],
          }),
        },
      },
    },
    { ...opts, deleteBeforeReplace: true },
  );
}
