/**
 * StatefulService: a StatefulSet with a headless governing Service, a ClusterIP Service under the
 * stable name clients use, and a PVC template (or an emptyDir when persistence is off).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHECKSUM_ANNOTATION_PREFIX } from "../lib/checksum";
import { HEADLESS_SERVICE_LABEL, type Labels, selectorLabels, standardLabels } from "../lib/labels";
import { buildPodSpec, type ContainerArgs, emptyDir, type PodArgs } from "./pod";

export interface StorageArgs {
  /** false: an emptyDir (data is lost when the pod goes). */
  readonly persistence: boolean;
  /** e.g. 10Gi */
  readonly size: string;
  /** undefined: the cluster default StorageClass. */
  readonly storageClass?: string;
  /** Where the data volume is mounted in the main container. */
  readonly mountPath: string;
  /** Mount a sub-directory (e.g. postgres wants a non-root-owned PGDATA below the mount). */
  readonly subPath?: string;
  /** The data volume's (and claim template's) name, where a seed names it. @default data */
  readonly volumeName?: string;
  /** Mount this existing claim (created by the caller, where a seed names the PVC itself) instead of a claim template. */
  readonly claimName?: pulumi.Input<string>;
}

export interface StatefulServiceArgs extends Omit<PodArgs, "containers"> {
  readonly namespace: pulumi.Input<string>;
  readonly container: Omit<ContainerArgs, "name" | "ports"> & { readonly name?: string };
  /** The Service port; `nodePort` exposes the client Service on a node port (exposure=nodePort). */
  readonly port: { readonly port: number; readonly name?: string; readonly nodePort?: number };
  /**
   * Containers beside the main one. A sidecar may serve the Service's port (an authenticating proxy); the main
   * container then declares `mainPort` instead, or none (`loopback`: it listens on 127.0.0.1 only, for the sidecar).
   */
  readonly sidecars?: ContainerArgs[];
  readonly mainPort?: { readonly port: number; readonly name: string } | "loopback";
  readonly storage: StorageArgs;
  readonly instance: string;
  readonly component?: string;
  readonly checksums?: Record<string, pulumi.Input<string>>;
  /** Where a seed names the Services: the headless one (the StatefulSet's) and the client one. @default <name>-headless, <name> */
  readonly serviceNames?: { readonly headless: string; readonly client: string };
}

export const DATA_VOLUME = "data";

export class StatefulService extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  /** In-cluster DNS name of the ClusterIP Service. */
  readonly dnsName: pulumi.Output<string>;
  readonly port: number;
  readonly selector: Labels;

  constructor(name: string, args: StatefulServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:workloads:StatefulService", name, {}, opts);
    if (!/^\//.test(args.storage.mountPath)) {
      throw new Error(`StatefulService ${name}: storage.mountPath must be absolute (got ${args.storage.mountPath})`);
    }
    this.selector = selectorLabels(name, args.instance);
    this.port = args.port.port;
    const labels = standardLabels(name, args.instance, args.component);
    const portName = args.port.name ?? "tcp";
    const headlessName = args.serviceNames?.headless ?? `${name}-headless`;

    new k8s.core.v1.Service(
      `${name}-headless`,
      {
        metadata: { name: headlessName, namespace: args.namespace, labels: { ...labels, [HEADLESS_SERVICE_LABEL]: "true" } },
        spec: {
          clusterIP: "None",
          publishNotReadyAddresses: true,
          selector: this.selector,
          ports: [{ name: portName, port: args.port.port, targetPort: portName, protocol: "TCP" }],
        },
      },
      { parent: this },
    );

    const dataVolume = args.storage.volumeName ?? DATA_VOLUME;
    const dataMount = { name: dataVolume, mountPath: args.storage.mountPath, subPath: args.storage.subPath };
    const podSpec = buildPodSpec({
      ...args,
      containers: [
        {
          ...args.container,
          name: args.container.name ?? name,
          ports: args.mainPort === "loopback" ? {} : args.mainPort ? { [args.mainPort.name]: args.mainPort.port } : { [portName]: args.port.port },
          volumeMounts: [dataMount, ...(args.container.volumeMounts ?? [])],
        },
        ...(args.sidecars ?? []),
      ],
      volumes: [
        ...(!args.storage.persistence ? [emptyDir(dataVolume, args.storage.size)] : args.storage.claimName ? [{ name: dataVolume, persistentVolumeClaim: { claimName: args.storage.claimName } }] : []),
        ...(args.volumes ?? []),
      ],
    });
    const annotations = Object.fromEntries(
      Object.entries(args.checksums ?? {}).map(([k, v]) => [`${CHECKSUM_ANNOTATION_PREFIX}${k}`, v]),
    );

    new k8s.apps.v1.StatefulSet(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          replicas: 1,
          // The name, not the Service's output: the StatefulSet need not wait for the Service's endpoints.
          serviceName: headlessName,
          selector: { matchLabels: this.selector },
          podManagementPolicy: "OrderedReady",
          updateStrategy: { type: "RollingUpdate" },
          template: { metadata: { labels, annotations }, spec: podSpec },
          volumeClaimTemplates:
            args.storage.persistence && !args.storage.claimName
            ? [
                {
                  metadata: { name: dataVolume, labels },
                  spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: args.storage.storageClass,
                    resources: { requests: { storage: args.storage.size } },
                  },
                },
              ]
            : undefined,
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        },
      },
      { parent: this },
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: args.serviceNames?.client ?? name, namespace: args.namespace, labels },
        spec: {
          type: args.port.nodePort ? "NodePort" : "ClusterIP",
          selector: this.selector,
          ports: [{ name: portName, port: args.port.port, targetPort: portName, protocol: "TCP", ...(args.port.nodePort ? { nodePort: args.port.nodePort } : {}) }],
        },
      },
      { parent: this },
    );
    this.serviceName = service.metadata.name;
    this.dnsName = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    this.registerOutputs({ serviceName: this.serviceName, dnsName: this.dnsName });
  }
}
