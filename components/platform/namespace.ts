/**
 * Namespace with Pod Security Admission labels, a default deny of all traffic both ways, and DNS egress.
 * Every other allowed flow is declared by the component that wires it (platform/flows.ts).
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
   * Let the namespace's pods talk to each other both ways: for a third-party chart, whose internal wiring
   * (many components, labels we do not own) is the chart's business; the namespace boundary still holds.
   * @default false
   */
  readonly allowWithin?: boolean;
  /**
   * The namespace holds data (PVCs): leave it in the cluster when the engine deletes it (destroy, or the
   * module turned off), because deleting a namespace deletes its PVCs and, with them, dynamically provisioned
   * volumes. Turning this off (and `pulumi up`) is how the data is released. @default false
   */
  readonly keepOnDelete?: boolean;
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
      { parent: this, retainOnDelete: args.keepOnDelete ?? false },
    );
    this.name = ns.metadata.name;

    // Deny everything both ways; what is allowed is declared flow by flow (platform/flows.ts).
    const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${suffix}`,
        { metadata: { name: suffix, namespace: this.name, labels: standardLabels(args.name, args.instance, "network") }, spec },
        { parent: this },
      );
    policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    // Name resolution for every pod: the cluster DNS in kube-system, on 53 over UDP and TCP.
    policy("allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
        },
      ],
    });
    if (args.allowWithin) {
      policy("allow-within-namespace", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
    }
    this.registerOutputs({ name: this.name });
  }
}
