/**
 * Section: MinIO (the seed's Deployment, Service, claim and generated root credentials). Its buckets and users are
 * users.ts's.
 */
import * as k8s from "@pulumi/kubernetes";
import { standardLabels } from "../../lib/labels";
import { httpProbes } from "../../lib/probes";
import { serviceHost } from "../../platform/exposure";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { emptyDir } from "../../workloads/pod";
import { WebService } from "../../workloads/webService";
import { childOpts, dataVolume, type SuiteContext, workloadOpts } from "../context";
import type { MlopsConfig } from "./config";
import type { MlopsImage } from "./images";
import { KEYS, NAMES, PORTS, sized } from "./names";

type Ctx = SuiteContext<MlopsImage>;

/** MinIO's user: its own chart runs it as 1000 (fsGroup 1000); the image has no USER line. */
export const MINIO_UID = 1000;

export const minioEndpoint = (namespace: string): string => `http://${serviceHost(NAMES.minio, namespace)}:${PORTS.minioApi}`;


/** MinIO and its root keys (minio-credentials): the server's and the operator's, no consumer's (users.ts). */
export function minio(ctx: Ctx, cfg: MlopsConfig): GeneratedSecret {
  // The seed's key names; MinIO reads them as its root user (generated: no SecurePassword123! anywhere).
  const credentials = new GeneratedSecret(
    NAMES.minioCredentials,
    { namespace: ctx.namespace, secretName: NAMES.minioCredentials, instance: ctx.instance, generate: { [KEYS.accessKey]: { length: 20 }, [KEYS.secretKey]: { length: 40 } } },
    childOpts(ctx),
  );
  const storage = dataVolume(ctx, { claim: NAMES.minioStorage, size: cfg.storage.minio });
  const server = new WebService(
    NAMES.minio,
    {
      namespace: ctx.namespace,
      instance: ctx.instance,
      component: "object-store",
      profile: ctx.profile,
      imagePullSecrets: ctx.imagePullSecrets,
      // MinIO's own chart runs it as 1000 with fsGroup 1000; the image has no USER line.
      uid: MINIO_UID,
      // One server on a ReadWriteOnce claim: never two at once.
      strategy: "Recreate",
      port: { port: PORTS.minioApi, name: "api" },
      // In-cluster, the API and the console (port-forwards, the edge's route); the console's NodePort is a Service
      // of its own below, so the S3 API gets no NodePort (a NodePort Service opens one for every port it has).
      extraPorts: [{ port: PORTS.minioConsole, name: "console" }],
      volumes: [storage, emptyDir("home", "64Mi")],
      checksums: { credentials: credentials.checksum },
      container: {
        image: ctx.images.minio,
        size: "medium",
        resourcesOverride: sized(cfg.sizes.minio, ctx.profile),
        args: ["server", "/data", "--console-address", `:${PORTS.minioConsole}`],
        env: {
          MINIO_ROOT_USER: { secretKeyRef: { name: NAMES.minioCredentials, key: KEYS.accessKey } },
          MINIO_ROOT_PASSWORD: { secretKeyRef: { name: NAMES.minioCredentials, key: KEYS.secretKey } },
          // Prometheus scrapes without a token; only the flows this suite declares reach the port at all.
          MINIO_PROMETHEUS_AUTH_TYPE: "public",
          // Its config and certs directory under a writable home (the root filesystem is read-only).
          HOME: "/home/minio",
        },
        volumeMounts: [
          { name: NAMES.minioStorage, mountPath: "/data" },
          { name: "home", mountPath: "/home/minio" },
        ],
        probes: { readinessProbe: httpProbes("api", "/minio/health/ready").readinessProbe, livenessProbe: httpProbes("api", "/minio/health/live").livenessProbe },
      },
    },
    workloadOpts(ctx, [credentials]),
  );
  if (ctx.exposure.mode === "nodePort") consoleNodePort(ctx, cfg, server.selector);
  return credentials;
}


/** dev (exposure nodePort): the MinIO console on its planned NodePort, and nothing else of MinIO on the nodes. */
function consoleNodePort(ctx: Ctx, cfg: MlopsConfig, selector: Readonly<Record<string, string>>): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    NAMES.minioConsole,
    {
      metadata: { name: NAMES.minioConsole, namespace: ctx.namespace, labels: standardLabels(NAMES.minioConsole, ctx.instance, "object-store") },
      spec: { type: "NodePort", selector: { ...selector }, ports: [{ name: "console", port: PORTS.minioConsole, targetPort: "console", nodePort: cfg.nodePorts.console }] },
    },
    childOpts(ctx),
  );
}
