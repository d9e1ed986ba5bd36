/**
 * Admission for the Jobs a controller creates at run time (the studio's executors, the code executor's heavy Jobs),
 * with the API server's built-in ValidatingAdmissionPolicy (CEL, no webhook): a Job created by one of `creators`
 * in `namespace` must
 * - run as the executor's ServiceAccount, and not ask for an API token;
 * - carry no label a platform workload is selected by (its NetworkPolicy flows would become the Job's: a Job
 *   labelled as the backend reaches Postgres), nor any `llm-platform/` label;
 * - take Secrets (volumes, projected volumes, env, envFrom) only from `secrets`;
 * - with `restricted`, meet Pod Security restricted in the Job itself (the namespace's Pod Security admission
 *   checks pods, after the Job is accepted; this refuses the Job).
 * Jobs the platform itself creates (Pulumi, as the operator) are not matched.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../lib/labels";

export interface JobAdmissionArgs {
  readonly namespace: string;
  readonly instance: string;
  /** ServiceAccounts (names in `namespace`) whose Jobs are checked. */
  readonly creators: readonly string[];
  /** The ServiceAccount executor pods run as ("default" also admits a pod that names none). */
  readonly executorServiceAccount: string;
  /** The names the namespace's workloads are selected by (app.kubernetes.io/name, or a seed's app label). */
  readonly workloadNames: readonly string[];
  /** The Secrets an executor pod may read; the config key that lists them, for the message. */
  readonly secrets: readonly string[];
  readonly secretsKey?: string;
  readonly restricted: boolean;
  /** hostPath volumes allowed (live code on a laptop), else none. */
  readonly hostPaths?: readonly string[];
}

const list = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(", ")}]`;
/** Every container of the pod, init containers included. */
const CONTAINERS = "(has(variables.pod.initContainers) ? variables.pod.initContainers : []) + variables.pod.containers";

/** The CEL validations, in the order their messages read. */
export function jobValidations(a: JobAdmissionArgs): { expression: string; message: string }[] {
  const sa = a.executorServiceAccount;
  const saOk = sa === "default" ? "!has(variables.pod.serviceAccountName) || variables.pod.serviceAccountName == 'default'" : `has(variables.pod.serviceAccountName) && variables.pod.serviceAccountName == '${sa}'`;
  const secretOk = (ref: string) => `${ref} in ${list(a.secrets)}`;
  const allowed = a.secrets.length ? a.secrets.join(", ") : "none";
  return [
    { expression: saOk, message: `executor Jobs run as the ServiceAccount ${sa}` },
    // Absent: the ServiceAccount's own setting decides (llmctl-executor: false); an explicit true is refused.
    { expression: "!has(variables.pod.automountServiceAccountToken) || variables.pod.automountServiceAccountToken == false", message: "executor Jobs do not mount an API token (automountServiceAccountToken: true is refused)" },
    {
      expression: `!['app.kubernetes.io/name', 'app'].exists(k, k in variables.labels && variables.labels[k] in ${list(a.workloadNames)})`,
      message: `executor Jobs may not carry a platform workload's name as app.kubernetes.io/name or app (${a.workloadNames.join(", ")}): its NetworkPolicy flows would become theirs`,
    },
    { expression: "!variables.labels.exists(k, k.startsWith('llm-platform/'))", message: "executor Jobs may not carry llm-platform/ labels (the platform's own pods are selected by them)" },
    {
      expression: `!has(variables.pod.volumes) || variables.pod.volumes.all(v, (!has(v.secret) || ${secretOk("v.secret.secretName")}) && (!has(v.projected) || !has(v.projected.sources) || v.projected.sources.all(s, !has(s.secret) || ${secretOk("s.secret.name")})))`,
      message: `executor Jobs mount only these Secrets: ${allowed}${a.secretsKey ? ` (${a.secretsKey})` : ""}`,
    },
    {
      expression: `(${CONTAINERS}).all(c, (!has(c.envFrom) || c.envFrom.all(f, !has(f.secretRef) || ${secretOk("f.secretRef.name")})) && (!has(c.env) || c.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef) || ${secretOk("e.valueFrom.secretKeyRef.name")})))`,
      message: `executor Jobs read only these Secrets in env: ${allowed}${a.secretsKey ? ` (${a.secretsKey})` : ""}`,
    },
    {
      expression: `!has(variables.pod.volumes) || variables.pod.volumes.all(v, !has(v.hostPath)${a.hostPaths?.length ? ` || v.hostPath.path in ${list(a.hostPaths)}` : ""})`,
      message: a.hostPaths?.length ? `executor Jobs mount no node path but the live code (${a.hostPaths.join(", ")})` : "executor Jobs mount no node path (hostPath)",
    },
    ...(a.restricted
      ? [
          {
            expression:
              "has(variables.pod.securityContext) && has(variables.pod.securityContext.runAsNonRoot) && variables.pod.securityContext.runAsNonRoot == true && has(variables.pod.securityContext.seccompProfile) && variables.pod.securityContext.seccompProfile.type == 'RuntimeDefault'",
            message: "executor Jobs run as non-root with the RuntimeDefault seccomp profile (Pod Security restricted)",
          },
          {
            expression: `(${CONTAINERS}).all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) && 'ALL' in c.securityContext.capabilities.drop && (!has(c.securityContext.privileged) || c.securityContext.privileged == false) && (!has(c.securityContext.runAsUser) || c.securityContext.runAsUser != 0))`,
            message: "every container of an executor Job drops ALL capabilities, disallows privilege escalation and is not privileged or root (Pod Security restricted)",
          },
          { expression: "!has(variables.pod.hostNetwork) || variables.pod.hostNetwork == false", message: "executor Jobs do not use the node's network" },
        ]
      : []),
  ];
}

/** The policy and its binding (both cluster-scoped objects, named after the namespace). */
export function jobAdmission(a: JobAdmissionArgs, opts: pulumi.CustomResourceOptions): { policy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy } {
  const name = `${a.namespace}-executor-jobs`;
  const labels = standardLabels(name, a.instance, "admission");
  const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
    name,
    {
      metadata: { name, labels },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: [{ apiGroups: ["batch"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["jobs"] }] },
        matchConditions: [{ name: "created-by-an-executor-controller", expression: `request.userInfo.username in ${list(a.creators.map((c) => `system:serviceaccount:${a.namespace}:${c}`))}` }],
        variables: [
          { name: "pod", expression: "object.spec.template.spec" },
          { name: "labels", expression: "has(object.spec.template.metadata) && has(object.spec.template.metadata.labels) ? object.spec.template.metadata.labels : {}" },
        ],
        validations: jobValidations(a),
      },
    },
    opts,
  );
  new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
    name,
    {
      metadata: { name, labels },
      spec: { policyName: name, validationActions: ["Deny"], matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": a.namespace } } } },
    },
    { ...opts, dependsOn: [policy] },
  );
  return { policy };
}
