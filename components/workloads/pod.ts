/**
 * Pod spec building, the one place that uses @pulumi/kubernetesx.
 *
 * kx.PodBuilder gives env maps (`{NAME: "v" | {secretKeyRef}}`), port maps and volume-mount objects.
 * Its `asDeploymentSpec`/`asStatefulSetSpec` are NOT used: they hard-code `selector: {app: <container>}`
 * and `replicas ?? 1`, which breaks the standard-label selectors and fights an HPA under server-side
 * apply. The workload builders wrap `PodBuilder.podSpec` in their own specs instead. Dropping kx means
 * rewriting only this file.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as kx from "@pulumi/kubernetesx";
import type * as pulumi from "@pulumi/pulumi";
import { type ProbePair } from "../lib/probes";
import { resources, type ResourceProfile, type Size } from "../lib/resources";
import { containerSecurityContext, podSecurityContext } from "../lib/security";

type Input<T> = pulumi.Input<T>;
export type EnvMap = Record<string, Input<string | k8s.types.input.core.v1.EnvVarSource>>;
export type Volume = k8s.types.input.core.v1.Volume;
export type VolumeMount = k8s.types.input.core.v1.VolumeMount;

export interface ContainerArgs {
  /** Container name (explicit; never derived from the image). */
  readonly name: string;
  readonly image: Input<string>;
  readonly command?: Input<string>[];
  readonly args?: Input<string>[];
  /** Named container ports. */
  readonly ports?: Record<string, number>;
  readonly env?: EnvMap;
  readonly envFrom?: k8s.types.input.core.v1.EnvFromSource[];
  readonly volumeMounts?: VolumeMount[];
  /** Readiness and liveness; required for long-running containers, absent for init/Job containers. */
  readonly probes?: ProbePair;
  readonly size: Size;
  /** @default true. False needs a reason at the call site. */
  readonly readOnlyRootFilesystem?: boolean;
  readonly resourcesOverride?: k8s.types.input.core.v1.ResourceRequirements;
  /**
   * "Always" on an init container makes it a native sidecar (Kubernetes 1.29+): it starts before the main
   * containers, which wait for its startupProbe, and runs beside them.
   */
  readonly restartPolicy?: "Always";
  readonly startupProbe?: k8s.types.input.core.v1.Probe;
}

export interface PodArgs {
  readonly containers: ContainerArgs[];
  readonly initContainers?: ContainerArgs[];
  readonly volumes?: Volume[];
  readonly profile: ResourceProfile;
  /** Non-root UID/GID of the pod. */
  readonly uid?: number;
  readonly gid?: number;
  readonly serviceAccountName?: Input<string>;
  /** @default false: workloads that talk to the API server opt in. */
  readonly automountServiceAccountToken?: boolean;
  readonly imagePullSecrets?: readonly string[];
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: k8s.types.input.core.v1.Toleration[];
  readonly runtimeClassName?: string;
  readonly restartPolicy?: "Always" | "OnFailure" | "Never";
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Spread the pods matching these labels across nodes (kubernetes.io/hostname, max skew 1): a node lost takes
   * one replica, not all. ScheduleAnyway, so a one-node cluster still runs every replica.
   */
  readonly spreadAcrossNodes?: Readonly<Record<string, string>>;
  /**
   * Schedule on the node of the pods matching these labels (required podAffinity on kubernetes.io/hostname): a
   * pod that mounts another workload's ReadWriteOnce claim must share its node.
   */
  readonly besidePods?: Readonly<Record<string, string>>;
}

function container(c: ContainerArgs, profile: ResourceProfile): kx.types.Container {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: "IfNotPresent",
    command: c.command,
    args: c.args,
    ports: c.ports ?? {},
    env: c.env ?? {},
    envFrom: c.envFrom,
    volumeMounts: c.volumeMounts ?? [],
    resources: c.resourcesOverride ?? resources(profile, c.size),
    securityContext: containerSecurityContext({ readOnlyRootFilesystem: c.readOnlyRootFilesystem }),
    ...(c.probes ?? {}),
    ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
    ...(c.startupProbe ? { startupProbe: c.startupProbe } : {}),
  };
}

/** A secure-by-default pod spec: non-root, seccomp, no token unless asked, requests and limits. */
export function buildPodSpec(args: PodArgs): pulumi.Output<k8s.types.input.core.v1.PodSpec> {
  return new kx.PodBuilder({
    containers: args.containers.map((c) => container(c, args.profile)),
    initContainers: (args.initContainers ?? []).map((c) => container(c, args.profile)),
    volumes: args.volumes ?? [],
    securityContext: podSecurityContext(args.uid, args.gid),
    serviceAccountName: args.serviceAccountName,
    automountServiceAccountToken: args.automountServiceAccountToken ?? false,
    enableServiceLinks: false,
    imagePullSecrets: (args.imagePullSecrets ?? []).map((name) => ({ name })),
    nodeSelector: args.nodeSelector,
    tolerations: args.tolerations,
    runtimeClassName: args.runtimeClassName,
    restartPolicy: args.restartPolicy,
    terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
    ...(args.spreadAcrossNodes
      ? {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...args.spreadAcrossNodes } } },
          ],
        }
      : {}),
    ...(args.besidePods
      ? { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { ...args.besidePods } } }] } } }
      : {}),
  }).podSpec;
}

/** An emptyDir volume (for /tmp and caches under a read-only root). */
export function emptyDir(name: string, sizeLimit = "256Mi"): Volume {
  return { name, emptyDir: { sizeLimit } };
}
