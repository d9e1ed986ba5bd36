import type * as k8s from "@pulumi/kubernetes";

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** A non-root user and group for images whose default user is root or unspecified. */
export const DEFAULT_UID = 10001;

/**
 * Pod-level defaults that satisfy the Pod Security "restricted" profile.
 * `fsGroup` makes mounted volumes writable by the non-root user.
 */
export function podSecurityContext(uid: number = DEFAULT_UID, gid: number = uid): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * Container-level defaults: no privilege escalation, all capabilities dropped, read-only root.
 * Pass `readOnlyRootFilesystem: false` only with a written reason (the image writes outside its volumes).
 */
export function containerSecurityContext(opts: { readOnlyRootFilesystem?: boolean } = {}): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * What Pod Security `restricted` asks of a pod and a container, as chart values state it. The charts' defaults meet it
 * today (each chart's values.yaml at its pinned version, read for tests/unit/chartSecurity.test.ts); stating them
 * keeps a chart upgrade that weakens a default from weakening the platform. Here, in a module without imports of its
 * own: the add-ons' values modules are loaded while components/addons/shared.ts is still loading, where these were
 * undefined (and the charts got no security values at all).
 */
export const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } as const;
export const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true } as const;
/** A pod's non-root user and group, and its volumes' group. */
export const runsAs = (uid: number, gid = uid) => ({ runAsUser: uid, runAsGroup: gid, fsGroup: gid });
