/**
 * Section: what the code executor takes from other parts of the platform besides the model gateway: the
 * platform's object store (the mlops suite's MinIO) for the seed's S3 keys, and the monitoring add-on's
 * Prometheus for the services' /metrics.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { selectorLabels } from "../../lib/labels";
import { type PodGroup, workloadPods } from "../../platform/flows";
import { type MonitoringAccess, scrape } from "../../platform/metrics";
import { OBJECT_STORE_SECRET, type ObjectStore, useObjectStore } from "../../platform/objectStore";
import { childOpts, type SuiteContext } from "../context";
import type { CodeExecutorConfig } from "./config";
import { EXECUTOR_STORE_USER, s3Source } from "./decisions";
import type { CodeExecutorImage } from "./images";
import { BUCKET, INSTANCE, METRICS_PATH, NAMES, PORTS } from "./names";

type Ctx = SuiteContext<CodeExecutorImage>;

/** What the services need to read the object store: its Secret (envFrom), and what to wait for and roll on. */
export interface ObjectStoreUse {
  readonly envFrom: k8s.types.input.core.v1.EnvFromSource;
  readonly secret: k8s.core.v1.Secret;
  readonly checksum: pulumi.Output<string>;
}

/**
 * The platform's object store, when it was handed over and the operator brought no S3 keys of their own
 * (theirs win: they stay in llm-executor-secrets, as the seed has them). `callers` are the pods whose env
 * carries the keys: llm-service and executor-service. The heavy Jobs are not among them: they run untrusted
 * code, so they get neither the Secret nor the flow (the suite's user could still overwrite the services' objects).
 */
export function useExecutorObjectStore(ctx: Ctx, cfg: CodeExecutorConfig, store: ObjectStore | undefined, callers: PodGroup): ObjectStoreUse | undefined {
  if (s3Source(cfg, store !== undefined) !== "object-store" || !store) return undefined;
  const { secret, checksum } = useObjectStore(INSTANCE, { namespace: ctx.namespace, instance: INSTANCE, store, user: EXECUTOR_STORE_USER, bucket: BUCKET, callers }, childOpts(ctx));
  // New keys or another endpoint roll the services.
  return { envFrom: { secretRef: { name: OBJECT_STORE_SECRET } }, secret, checksum };
}

/** Both services' /metrics (the seed: "Both services expose Prometheus metrics") on their "http" ports; nothing when monitoring is off. */
export function executorMetrics(ctx: Ctx, cfg: CodeExecutorConfig, monitoring: MonitoringAccess | undefined): void {
  for (const [name, port] of [
    [NAMES.llm, PORTS.llm],
    [NAMES.executor, PORTS.executor],
  ] as const) {
    scrape(
      {
        name,
        namespace: ctx.namespace,
        instance: INSTANCE,
        serviceLabels: selectorLabels(name, INSTANCE),
        // WebService names the Service port (and the container port behind it) "http".
        portName: "http",
        port,
        path: METRICS_PATH,
        pods: workloadPods(name, INSTANCE, cfg.namespace, ctx.namespace),
        why: `${name}'s request metrics`,
      },
      monitoring,
      childOpts(ctx),
    );
  }
}
