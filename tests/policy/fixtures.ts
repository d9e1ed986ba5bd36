/**
 * Crafted resources: a small stack that every policy passes (one owned namespace with a default-deny, a
 * compliant Deployment, ConfigMap, ServiceAccount and RoleBinding), and builders to break one rule at a time.
 */
import type { ResourceInput } from "./adapter";

export const NS = "team";

const MANAGED = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "llm-platform" };

export function namespace(name: string, opts: { enforce?: string; reason?: string } = {}): ResourceInput {
  return {
    type: "kubernetes:core/v1:Namespace",
    name: `${name}-namespace`,
    inputs: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name,
        labels: { ...MANAGED, "pod-security.kubernetes.io/enforce": opts.enforce ?? "restricted" },
        ...(opts.reason ? { annotations: { "llm-platform/pod-security-reason": opts.reason } } : {}),
      },
    },
  };
}

export function networkPolicy(name: string, ns: string, spec: Record<string, unknown>): ResourceInput {
  return {
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    name: `${ns}-${name}`,
    inputs: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns, labels: MANAGED }, spec },
  };
}

export function defaultDeny(ns: string): ResourceInput {
  return networkPolicy("default-deny", ns, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
}

export interface ContainerSpec {
  name: string;
  image: string;
  env?: Array<Record<string, unknown>>;
  resources?: Record<string, unknown>;
  securityContext?: Record<string, unknown>;
  ports?: Array<Record<string, unknown>>;
}

export function container(name: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name,
    image: `registry.example.com/llmctl/${name}:2026.11.0`,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true },
    ...overrides,
  };
}

export function podSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
    containers: [container("app")],
    volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
    ...overrides,
  };
}

export function deployment(name: string, ns: string, pod: Record<string, unknown> = podSpec()): ResourceInput {
  return {
    type: "kubernetes:apps/v1:Deployment",
    name,
    inputs: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: ns, labels: MANAGED },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: pod } },
    },
  };
}

export function cronJob(name: string, ns: string, pod: Record<string, unknown>): ResourceInput {
  return {
    type: "kubernetes:batch/v1:CronJob",
    name,
    inputs: { apiVersion: "batch/v1", kind: "CronJob", metadata: { name, namespace: ns }, spec: { schedule: "@daily", jobTemplate: { spec: { template: { spec: pod } } } } },
  };
}

export function configMap(name: string, ns: string, data: Record<string, string>): ResourceInput {
  return { type: "kubernetes:core/v1:ConfigMap", name, inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels: MANAGED }, data } };
}

export function serviceAccount(name: string, ns: string): ResourceInput {
  return { type: "kubernetes:core/v1:ServiceAccount", name: `${ns}-${name}`, inputs: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns } } };
}

export function binding(kind: "RoleBinding" | "ClusterRoleBinding", name: string, roleRef: { kind: string; name: string }, subjects: Array<Record<string, string>>, ns?: string): ResourceInput {
  return {
    type: `kubernetes:rbac.authorization.k8s.io/v1:${kind}`,
    name,
    inputs: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind,
      metadata: { name, ...(ns ? { namespace: ns } : {}) },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
      subjects,
    },
  };
}

/** A stack every policy passes. */
export function compliantStack(): ResourceInput[] {
  return [
    namespace(NS),
    defaultDeny(NS),
    deployment("api", NS),
    configMap("api-config", NS, { LOG_LEVEL: "info", DATABASE_HOST: "postgres", PASSWORD_FILE: "/run/secrets/db", IMAGE_PULL_SECRETS_JSON: '["regcred"]' }),
    serviceAccount("api", NS),
    binding("RoleBinding", "api-jobs", { kind: "ClusterRole", name: "edit" }, [{ kind: "ServiceAccount", name: "api", namespace: NS }], NS),
  ];
}
