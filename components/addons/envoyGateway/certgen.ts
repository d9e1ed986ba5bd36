/**
 * Envoy Gateway's control-plane certificates. The chart makes them with its certgen Job, a Helm hook
 * (templates/certgen.yaml: `helm.sh/hook: pre-install, pre-upgrade`), and helm.v4.Chart drops every hook:
 * without this Job nothing creates the Secrets `envoy-gateway`, `envoy`, `envoy-rate-limit` and
 * `envoy-oidc-hmac`, the controller's pod never mounts its certificate, and the first `up` times out.
 * The same program (`envoy-gateway certgen`, the controller image at the chart's version) runs here as an
 * ordinary Job with the chart's RBAC; it creates only Secrets that are missing (internal/cmd/certgen.go
 * `--overwrite` defaults to false), so a re-run on a chart upgrade keeps the certificates. The topology
 * injector is off (envoyGatewayValues), as certgen would otherwise patch its dropped webhook.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import type { ResourceProfile } from "../../lib/resources";
import { buildPodSpec } from "../../workloads/pod";
import { ENVOY_GATEWAY } from "./values";

export interface CertgenArgs {
  readonly namespace: pulumi.Input<string>;
  /** The chart's version: the controller image certgen runs is the same release. */
  readonly version: string;
  readonly profile: ResourceProfile;
}

/** The Secrets certgen writes (internal/provider/kubernetes/secrets.go CertsToSecret). */
export const CERTGEN_SECRETS = ["envoy-gateway", "envoy", "envoy-rate-limit", "envoy-oidc-hmac"] as const;

/** The controller image of a gateway-helm release (the chart's appVersion equals its version). */
export function envoyGatewayImage(version: string): string {
  return `docker.io/envoyproxy/gateway:${version}`;
}

/** The Job the chart waits for; its ServiceAccount may get, create and update Secrets in the namespace only. */
export function envoyGatewayCertgen(name: string, args: CertgenArgs, parent: pulumi.Resource): k8s.batch.v1.Job {
  const jobName = ENVOY_GATEWAY.certgen;
  const labels = standardLabels(jobName, name, "certgen");
  const metadata = { name: jobName, namespace: args.namespace, labels };
  const account = new k8s.core.v1.ServiceAccount(`${name}-certgen`, { metadata, automountServiceAccountToken: false }, { parent });
  // Create cannot be limited by name (the object does not exist when it is authorized); reading and updating can.
  const rules = [
    { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
    { apiGroups: [""], resources: ["secrets"], resourceNames: [...CERTGEN_SECRETS], verbs: ["get", "update"] },
  ];
  const role = new k8s.rbac.v1.Role(`${name}-certgen`, { metadata, rules }, { parent });
  const binding = new k8s.rbac.v1.RoleBinding(
    `${name}-certgen`,
    { metadata, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: jobName }, subjects: [{ kind: "ServiceAccount", name: jobName, namespace: args.namespace }] },
    { parent },
  );
  return new k8s.batch.v1.Job(
    `${name}-certgen`,
    {
      metadata,
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels },
          spec: buildPodSpec({
            profile: args.profile,
            restartPolicy: "Never",
            serviceAccountName: jobName,
            automountServiceAccountToken: true,
            uid: 65532,
            gid: 65532,
            containers: [
              {
                name: "envoy-gateway-certgen",
                image: envoyGatewayImage(args.version),
                command: ["envoy-gateway", "certgen", "--disable-topology-injector"],
                env: {
                  ENVOY_GATEWAY_NAMESPACE: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } },
                  KUBERNETES_CLUSTER_DOMAIN: "cluster.local",
                },
                size: "tiny",
              },
            ],
          }),
        },
      },
    },
    // A chart upgrade changes the image: the Job is replaced (its template is immutable) and certgen runs again.
    { parent, dependsOn: [account, role, binding], deleteBeforeReplace: true },
  );
}
