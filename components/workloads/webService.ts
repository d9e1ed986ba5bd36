/**
 * WebService: a Deployment, and when it listens, a Service (ClusterIP or NodePort), with an optional
 * HorizontalPodAutoscaler and PodDisruptionBudget. Without a port it is a plain worker Deployment.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHECKSUM_ANNOTATION_PREFIX } from "../lib/checksum";
import { type Labels, selectorLabels, standardLabels } from "../lib/labels";
import { buildPodSpec, type ContainerArgs, type PodArgs } from "./pod";

export interface ServicePortArgs {
  /** Service and container port. */
  readonly port: number;
  /** @default "http" */
  readonly name?: string;
  /** Expose on this NodePort (30000-32767); undefined keeps the Service ClusterIP. */
  readonly nodePort?: number;
}

export interface WebServiceArgs extends Omit<PodArgs, "containers"> {
  readonly namespace: pulumi.Input<string>;
  /** The main container; its name defaults to the component name. */
  readonly container: Omit<ContainerArgs, "name" | "ports"> & { readonly name?: string };
  /** Extra containers (sidecars). */
  readonly sidecars?: ContainerArgs[];
  /** The port to serve; undefined makes a worker with no Service. */
  readonly port?: ServicePortArgs;
  /** More ports of the main container, on the same Service (e.g. a gRPC port beside HTTP). */
  readonly extraPorts?: readonly ServicePortArgs[];
  /** Value of app.kubernetes.io/component. */
  readonly component?: string;
  /** More labels on the pods only (not the selector), e.g. a seed's `app=watcher` for its log commands. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Labels a seed's commands select by (e.g. `app=llm-service` for `kubectl get all -l ...`): on the Deployment,
   * Service, HPA, PDB and pods, never in the selector (immutable on a Deployment).
   */
  readonly seedLabels?: Readonly<Record<string, string>>;
  /** Instance label value (the suite). */
  readonly instance: string;
  /** Replicas, or the HPA minimum when maxReplicas > 0. @default 1 */
  readonly replicas?: number;
  /** HPA maximum; 0 or undefined means no HPA (then `replicas` is set on the Deployment). @default 0 */
  readonly maxReplicas?: number;
  /** HPA CPU utilisation target. @default 70 */
  readonly targetCpuUtilization?: number;
  /** HPA memory utilisation target; undefined scales on CPU only. */
  readonly targetMemoryUtilization?: number;
  /** The HPA's Kubernetes name, where a seed names it. @default the component name */
  readonly hpaName?: string;
  /** Create a PodDisruptionBudget (maxUnavailable 1) when 2+ replicas can run. @default false */
  readonly podDisruptionBudget?: boolean;
  /** Recreate for singletons that must never overlap (e.g. a scheduler). @default RollingUpdate */
  readonly strategy?: "RollingUpdate" | "Recreate";
  /**
   * How long `pulumi up` waits for the Deployment to be ready (the engine's default is 10m), for pods whose first
   * start is long: a model's weights downloaded or copied, then loaded. E.g. "45m".
   */
  readonly readyTimeout?: string;
  /**
   * `pulumi up` does not wait for the Deployment (pulumi.com/skipAwait): for a workload that waits on something
   * outside the stack (a model's weights an operator uploads), which must not fail the update meanwhile.
   */
  readonly skipAwait?: boolean;
  /** Checksums of consumed config, as pod-template annotations `checksum/<key>`: a change rolls the pods. */
  readonly checksums?: Record<string, pulumi.Input<string>>;
}

export class WebService extends pulumi.ComponentResource {
  /** In-cluster DNS name of the Service (undefined for workers). */
  readonly dnsName?: pulumi.Output<string>;
  /** Kubernetes Service name (undefined for workers). */
  readonly serviceName?: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  /** The pod selector, shared by the Deployment, Service, HPA and PDB. */
  readonly selector: Labels;

  constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:workloads:WebService", name, {}, opts);
    const replicas = args.replicas ?? 1;
    const maxReplicas = args.maxReplicas ?? 0;
    if (replicas < 0) throw new Error(`WebService ${name}: replicas must be >= 0 (got ${replicas})`);
    if (maxReplicas !== 0 && maxReplicas < Math.max(replicas, 1)) {
      throw new Error(`WebService ${name}: maxReplicas (${maxReplicas}) must be 0 or >= replicas (${replicas})`);
    }
    if (args.strategy === "Recreate" && maxReplicas > 0) {
      throw new Error(`WebService ${name}: a Recreate singleton cannot be autoscaled`);
    }
    const hpa = maxReplicas > 0;
    this.selector = selectorLabels(name, args.instance);
    const labels = { ...standardLabels(name, args.instance, args.component), ...(args.seedLabels ?? {}) };
    const metadata = { name, namespace: args.namespace, labels };
    const portName = args.port?.name ?? "http";

    const podSpec = buildPodSpec({
      ...args,
      // Several replicas (or an HPA that may add them): spread them over nodes.
      ...(replicas > 1 || hpa ? { spreadAcrossNodes: this.selector } : {}),
      containers: [
        {
          ...args.container,
          name: args.container.name ?? name,
          ports: args.port ? { [portName]: args.port.port, ...Object.fromEntries((args.extraPorts ?? []).map((p) => [p.name ?? `port-${p.port}`, p.port])) } : undefined,
        },
        ...(args.sidecars ?? []),
      ],
    });
    const annotations = Object.fromEntries(
      Object.entries(args.checksums ?? {}).map(([k, v]) => [`${CHECKSUM_ANNOTATION_PREFIX}${k}`, v]),
    );

    const deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: args.skipAwait ? { ...metadata, annotations: { "pulumi.com/skipAwait": "true" } } : metadata,
        spec: {
          // An HPA owns replicas: leaving the field out stops server-side apply from fighting it.
          ...(hpa ? {} : { replicas }),
          selector: { matchLabels: this.selector },
          strategy:
            args.strategy === "Recreate"
              ? { type: "Recreate" }
              : { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          revisionHistoryLimit: 5,
          template: { metadata: { labels: { ...labels, ...(args.podLabels ?? {}) }, annotations }, spec: podSpec },
        },
      },
      { parent: this, ...(args.readyTimeout ? { customTimeouts: { create: args.readyTimeout, update: args.readyTimeout } } : {}) },
    );
    this.deploymentName = deployment.metadata.name;

    if (args.port) {
      const service = new k8s.core.v1.Service(
        `${name}-service`,
        {
          metadata,
          spec: {
            type: [args.port, ...(args.extraPorts ?? [])].some((p) => p.nodePort) ? "NodePort" : "ClusterIP",
            selector: this.selector,
            ports: [args.port, ...(args.extraPorts ?? [])].map((p, i) => {
              const name = i === 0 ? portName : (p.name ?? `port-${p.port}`);
              return { name, port: p.port, targetPort: name, protocol: "TCP", ...(p.nodePort ? { nodePort: p.nodePort } : {}) };
            }),
          },
        },
        { parent: this },
      );
      this.serviceName = service.metadata.name;
      this.dnsName = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
    }

    if (hpa) {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        {
          metadata: { ...metadata, name: args.hpaName ?? name },
          spec: {
            // The name, not the Deployment's output: the HPA need not wait for the Deployment's rollout.
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
            minReplicas: Math.max(replicas, 1),
            maxReplicas,
            metrics: [
              { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.targetCpuUtilization ?? 70 } } },
              ...(args.targetMemoryUtilization
                ? [{ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: args.targetMemoryUtilization } } }]
                : []),
            ],
          },
        },
        { parent: this },
      );
    }

    if (args.podDisruptionBudget && Math.max(replicas, maxReplicas) >= 2) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: this.selector } } },
        { parent: this },
      );
    }

    this.registerOutputs({ dnsName: this.dnsName, serviceName: this.serviceName, deploymentName: this.deploymentName });
  }
}
