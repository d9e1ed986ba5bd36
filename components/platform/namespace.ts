/**
 * Namespace with Pod Security Admission labels and a default-deny ingress NetworkPolicy that still lets
 * pods of the namespace talk to each other. Services that must be reachable from outside get their own
 * allow rule (see allowIngressFrom).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../lib/labels";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface NamespaceArgs {
  /** Kubernetes name of the namespace. */
  readonly name: string;
  /** Instance label (the suite). */
  readonly instance: string;
  /** Enforced Pod Security level. @default restricted */
  readonly enforce?: PodSecurityLevel;
  /** Why enforcement is weaker than restricted; required when it is. */
  readonly enforceReason?: string;
  /**
   * Default-deny ingress (pods of the namespace may still talk to each other). Turn off only for
   * namespaces whose pods come from a third-party chart with labels this program does not own.
   * @default true
   */
  readonly defaultDenyIngress?: boolean;
}

export class Namespace extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: NamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:platform:Namespace", name, {}, opts);
    const enforce = args.enforce ?? "restricted";
    if (enforce !== "restricted" && !args.enforceReason) {
      throw new Error(`Namespace ${name}: enforce=${enforce} needs an enforceReason`);
    }
    const ns = new k8s.core.v1.Namespace(
      name,
      {
        metadata: {
          name: args.name,
          labels: {
            ...standardLabels(args.name, args.instance, "namespace"),
            "pod-security.kubernetes.io/enforce": enforce,
            "pod-security.kubernetes.io/enforce-version": "latest",
            // Always warn and audit against restricted, so a weaker enforce level stays visible.
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          },
          annotations: args.enforceReason ? { "llm-platform/pod-security-reason": args.enforceReason } : undefined,
        },
      },
      { parent: this },
    );
    this.name = ns.metadata.name;

    if (args.defaultDenyIngress ?? true) new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny-ingress`,
      {
        metadata: { name: "default-deny-ingress", namespace: this.name, labels: standardLabels(args.name, args.instance) },
        spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
      },
      { parent: this },
    );
    this.registerOutputs({ name: this.name });
  }
}

/**
 * Allow ingress to the pods matching `selector` on `port` from anywhere (`from` undefined: NodePort and
 * ingress-controller traffic) or from the given namespaces.
 */
export function allowIngress(
  name: string,
  args: {
    readonly namespace: pulumi.Input<string>;
    readonly selector: Record<string, string>;
    readonly port: number | string;
    readonly fromNamespaces?: pulumi.Input<string>[];
    readonly labels: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    name,
    {
      metadata: { name, namespace: args.namespace, labels: args.labels },
      spec: {
        podSelector: { matchLabels: args.selector },
        policyTypes: ["Ingress"],
        ingress: [
          {
            ports: [{ port: args.port, protocol: "TCP" }],
            ...(args.fromNamespaces
              ? {
                  from: args.fromNamespaces.map((ns) => ({
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
                  })),
                }
              : {}),
          },
        ],
      },
    },
    opts,
  );
}
