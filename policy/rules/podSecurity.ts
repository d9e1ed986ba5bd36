/**
 * Rule 1: every pod meets Pod Security `restricted`, unless its namespace declares a written exception (label
 * `pod-security.kubernetes.io/enforce` weaker than restricted AND annotation `llm-platform/pod-security-reason`);
 * then the pod is held to the level that namespace declares instead. A stack policy: it needs the namespaces
 * and the workloads together.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import {
  checkEach,
  containersOf,
  describeObject,
  namespaceOf,
  ownedNamespaces,
  podSpecOf,
  PSA_ENFORCE,
  PSA_REASON,
  type K8sResourceLike,
  type OwnedNamespace,
  type PodSpec,
  type SecurityContext,
} from "../lib/k8s";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

const LEVELS: readonly PodSecurityLevel[] = ["privileged", "baseline", "restricted"];

/** Capabilities a baseline pod may add (Pod Security Standards). */
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);
/** Volume types a restricted pod may use. */
const RESTRICTED_VOLUME_TYPES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

/** The level a namespace holds its pods to, and why (for messages). */
export function requiredLevel(ns: OwnedNamespace | undefined): { level: PodSecurityLevel; why: string } {
  if (!ns) return { level: "restricted", why: "restricted (no exception: the namespace is not one this stack creates)" };
  const enforce = ns.labels[PSA_ENFORCE];
  const reason = ns.annotations[PSA_REASON];
  if (enforce !== "restricted" && LEVELS.includes(enforce as PodSecurityLevel) && typeof reason === "string" && reason.trim() !== "") {
    return { level: enforce as PodSecurityLevel, why: `${enforce} (the exception namespace ${ns.name} declares)` };
  }
  return { level: "restricted", why: "restricted" };
}

function capitalsOf(list: readonly string[] | undefined): string[] {
  return (list ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ""));
}

/** Every way `pod` falls short of `level`, as short phrases naming the container or field. */
export function podSecurityProblems(pod: PodSpec, level: PodSecurityLevel): string[] {
  if (level === "privileged") return [];
  const problems: string[] = [];
  const podSc: SecurityContext = pod.securityContext ?? {};

  // Baseline.
  if (pod.hostNetwork === true) problems.push("hostNetwork is true");
  if (pod.hostPID === true) problems.push("hostPID is true");
  if (pod.hostIPC === true) problems.push("hostIPC is true");
  for (const v of pod.volumes ?? []) {
    if (v.hostPath !== undefined) problems.push(`volume "${v.name ?? "?"}" is a hostPath`);
  }
  if (podSc.seccompProfile?.type === "Unconfined") problems.push("pod seccompProfile is Unconfined");
  for (const { container, label } of containersOf(pod)) {
    const sc = container.securityContext ?? {};
    if (sc.privileged === true) problems.push(`${label} is privileged`);
    if (sc.seccompProfile?.type === "Unconfined") problems.push(`${label}: seccompProfile is Unconfined`);
    if (sc.procMount !== undefined && sc.procMount !== "Default") problems.push(`${label}: procMount is ${sc.procMount}`);
    for (const p of container.ports ?? []) {
      if (p.hostPort !== undefined && p.hostPort !== 0) problems.push(`${label} uses hostPort ${p.hostPort}`);
    }
    const added = capitalsOf(sc.capabilities?.add);
    const beyondBaseline = added.filter((c) => !BASELINE_CAPABILITIES.has(c));
    if (beyondBaseline.length > 0) problems.push(`${label} adds capabilities ${beyondBaseline.join(", ")}`);
    if (level === "restricted") {
      const beyondRestricted = added.filter((c) => c !== "NET_BIND_SERVICE" && BASELINE_CAPABILITIES.has(c));
      if (beyondRestricted.length > 0) problems.push(`${label} adds capabilities ${beyondRestricted.join(", ")} (only NET_BIND_SERVICE may be added)`);
    }
  }
  if (level === "baseline") return problems;

  // Restricted.
  for (const v of pod.volumes ?? []) {
    const types = Object.keys(v).filter((k) => k !== "name" && k !== "hostPath" && v[k] !== undefined);
    const banned = types.filter((t) => !RESTRICTED_VOLUME_TYPES.has(t));
    if (banned.length > 0) problems.push(`volume "${v.name ?? "?"}" is of type ${banned.join(", ")}`);
  }
  if (podSc.runAsUser === 0) problems.push("pod runAsUser is 0 (root)");
  const podSeccompOk = podSc.seccompProfile?.type === "RuntimeDefault" || podSc.seccompProfile?.type === "Localhost";
  for (const { container, label } of containersOf(pod)) {
    const sc = container.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${label}: allowPrivilegeEscalation must be false`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problems.push(`${label}: runAsNonRoot must be true (pod or container)`);
    if (sc.runAsUser === 0) problems.push(`${label}: runAsUser is 0 (root)`);
    if (!capitalsOf(sc.capabilities?.drop).includes("ALL")) problems.push(`${label}: capabilities must drop ALL`);
    const seccomp = sc.seccompProfile?.type;
    const seccompOk = seccomp === undefined ? podSeccompOk : seccomp === "RuntimeDefault" || seccomp === "Localhost";
    if (!seccompOk) problems.push(`${label}: seccompProfile must be RuntimeDefault or Localhost (pod or container)`);
  }
  return problems;
}

export const podSecurityRestricted: StackValidationPolicy = {
  name: "pod-security-restricted",
  description:
    "Every pod (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) meets Pod Security `restricted`: runAsNonRoot, " +
    "allowPrivilegeEscalation false, capabilities drop ALL, seccomp RuntimeDefault or Localhost, no hostPath, hostNetwork, hostPID, " +
    `hostIPC, hostPort or privileged containers. A namespace that labels ${PSA_ENFORCE} weaker than restricted and explains why ` +
    `in the annotation ${PSA_REASON} holds its pods to that level instead.`,
  remediationSteps:
    "Set the pod securityContext (runAsNonRoot: true, seccompProfile.type: RuntimeDefault) and every container's securityContext " +
    "(allowPrivilegeEscalation: false, capabilities.drop: [ALL]); replace hostPath volumes with PVCs or emptyDir. If a third-party " +
    "image cannot run that way, deploy it into its own Namespace with enforce: baseline and enforceReason (the " +
    `${PSA_REASON} annotation) saying why.`,
  severity: "high",
  validateStack: (args, reportViolation) => {
    const resources = args.resources as readonly K8sResourceLike[];
    const namespaces = ownedNamespaces(resources);
    // A namespace that weakens enforcement must say why.
    checkEach(namespaces.values(), (ns) => {
      const enforce = ns.labels[PSA_ENFORCE];
      const reason = ns.annotations[PSA_REASON];
      if (enforce !== undefined && enforce !== "restricted" && (typeof reason !== "string" || reason.trim() === "")) {
        reportViolation(`Namespace ${ns.name} enforces Pod Security ${enforce} without a written reason (annotation ${PSA_REASON}); its pods are held to restricted.`, ns.resource.urn);
      }
    });
    checkEach(resources, (r) => {
      const pod = podSpecOf(r);
      if (!pod) return;
      const ns = namespaceOf(r);
      const { level, why } = requiredLevel(ns === undefined ? undefined : namespaces.get(ns));
      const problems = podSecurityProblems(pod, level);
      if (problems.length > 0) reportViolation(`${describeObject(r)} does not meet Pod Security ${why}: ${problems.join("; ")}.`, r.urn);
    });
  },
};
