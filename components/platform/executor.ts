/**
 * Executor plumbing for workloads that launch Kubernetes Jobs (the llmctl studio's LLM executors):
 * a ServiceAccount for the controller with a namespaced Role to run Jobs (nothing cluster-wide), a
 * token-less ServiceAccount for the Job pods, and GPU placement (node selector, tolerations,
 * RuntimeClass) when GPUs are on.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type GpuConfig, type GpuPlacement, gpuPlacement } from "./gpu";
import { standardLabels } from "../lib/labels";

export interface ExecutorPlumbingArgs {
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  /** ServiceAccount the controller (e.g. the studio backend) runs as. */
  readonly controllerServiceAccount: string;
  /** ServiceAccount of the executor Job pods. */
  readonly executorServiceAccount: string;
  readonly gpu: GpuConfig;
  readonly imagePullSecrets: readonly string[];
}

/** What the controller needs: create/watch/delete Jobs, read and clean up their Pods and logs. */
export const EXECUTOR_MANAGER_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "get", "list", "watch", "delete"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "delete"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
  { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
];

export class ExecutorPlumbing extends pulumi.ComponentResource {
  readonly controllerServiceAccount: pulumi.Output<string>;
  readonly executorServiceAccount: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  readonly placement: GpuPlacement;

  constructor(name: string, args: ExecutorPlumbingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:platform:ExecutorPlumbing", name, {}, opts);
    const labels = standardLabels(name, args.instance, "executor");
    const meta = (n: string) => ({ name: n, namespace: args.namespace, labels });

    const controller = new k8s.core.v1.ServiceAccount(
      `${name}-controller`,
      { metadata: meta(args.controllerServiceAccount), automountServiceAccountToken: false },
      { parent: this },
    );
    const executor = new k8s.core.v1.ServiceAccount(
      `${name}-executor`,
      {
        metadata: meta(args.executorServiceAccount),
        // Executor pods run model code: no API credentials.
        automountServiceAccountToken: false,
        imagePullSecrets: args.imagePullSecrets.map((n) => ({ name: n })),
      },
      { parent: this },
    );
    const role = new k8s.rbac.v1.Role(`${name}-role`, { metadata: meta(`${name}-manager`), rules: EXECUTOR_MANAGER_RULES }, { parent: this });
    new k8s.rbac.v1.RoleBinding(
      `${name}-rolebinding`,
      {
        metadata: meta(`${name}-manager`),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: controller.metadata.name, namespace: args.namespace }],
      },
      { parent: this },
    );

    if (args.gpu.enabled && args.gpu.manageRuntimeClass && args.gpu.runtimeClassName) {
      new k8s.node.v1.RuntimeClass(
        `${name}-runtimeclass`,
        {
          metadata: { name: args.gpu.runtimeClassName, labels },
          handler: "nvidia",
          scheduling: {
            nodeSelector: Object.keys(args.gpu.nodeSelector).length > 0 ? { ...args.gpu.nodeSelector } : undefined,
            tolerations: args.gpu.tolerations.length > 0 ? args.gpu.tolerations.map((t) => ({ ...t })) : undefined,
          },
        },
        { parent: this },
      );
    }

    this.controllerServiceAccount = controller.metadata.name;
    this.executorServiceAccount = executor.metadata.name;
    this.roleName = role.metadata.name;
    this.placement = gpuPlacement(args.gpu);
    this.registerOutputs({
      controllerServiceAccount: this.controllerServiceAccount,
      executorServiceAccount: this.executorServiceAccount,
    });
  }
}
