/**
 * PlatformGateway: the one Gateway every public host is served on (exposure=gateway), in a namespace of its
 * own. One HTTPS listener per host, each with its own TLS Secret that cert-manager's gateway-shim issues
 * from the platform ClusterIssuer (one Certificate, one owner, per Secret); one HTTP listener that
 * redirects to HTTPS and carries ACME HTTP-01 challenges. Routes are admitted only from the namespaces
 * that declared a host, and from the Gateway's own (where the ACME solver's route lives).
 */
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { rotationKeepers } from "../rotation";
import * as pulumi from "@pulumi/pulumi";
import type { HostClaim } from "../../config/claims";
import { standardLabels } from "../../lib/labels";
import { type ExposureConfig, HTTP_LISTENER, httpsListener, PLATFORM_GATEWAY, tlsSecretName } from "../exposure";
import type { PlatformApis } from "../apis";
import { allowFlow, type Peer } from "../flows";
import { Namespace } from "../namespace";
import { GATEWAY_API } from "./routes";

export interface PlatformGatewayArgs {
  readonly exposure: ExposureConfig;
  readonly gatewayClassName: string;
  /** The public hosts the modules claimed, with the namespaces of their routes. */
  readonly hosts: readonly HostClaim[];
  /** Where public traffic comes from (the Gateway implementation's proxies). */
  readonly source: Peer;
  /** The stack's API suppliers: the Gateway and its redirect route wait for what installs their kinds. */
  readonly apis: PlatformApis;
}

/** Listeners of the platform Gateway: HTTP plus one HTTPS listener per host. Pure, for tests. */
export function gatewayListeners(hosts: readonly string[], routeNamespaces: readonly string[]): Record<string, unknown>[] {
  const allowedRoutes = {
    namespaces: { from: "Selector", selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...routeNamespaces] }] } },
  };
  return [
    { name: HTTP_LISTENER, protocol: "HTTP", port: 80, allowedRoutes },
    ...hosts.map((host) => ({
      name: httpsListener(host),
      protocol: "HTTPS",
      port: 443,
      hostname: host,
      tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: tlsSecretName(host) }] },
      allowedRoutes,
    })),
  ];
}

/** The HTTP -> HTTPS redirect on the HTTP listener (ACME HTTP-01 routes match a longer path and win). */
export function redirectRouteSpec(exposure: ExposureConfig, hosts: readonly string[]): Record<string, unknown> {
  return {
    parentRefs: [{ group: GATEWAY_API, kind: "Gateway", name: PLATFORM_GATEWAY, namespace: exposure.gatewayNamespace, sectionName: HTTP_LISTENER }],
    hostnames: [...hosts],
    rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
  };
}

export class PlatformGateway extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /**
   * How to read the address to point DNS at: the implementation publishes it in the Gateway's status once its
   * LoadBalancer Service has one (no await logic in the provider waits for that).
   */
  readonly addressCommand: string;
  /** edgeAuth basic: the generated password (a Pulumi secret). */
  readonly basicAuthPassword?: pulumi.Output<string>;

  constructor(name: string, args: PlatformGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:platform:PlatformGateway", name, {}, opts);
    const exposure = args.exposure;
    const gwNamespace = exposure.gatewayNamespace;
    const ns = new Namespace(`${name}-namespace`, { name: gwNamespace, instance: name }, { parent: this });
    this.namespace = ns.name;
    const hosts = args.hosts.map((h) => h.host);
    const routeNamespaces = [...new Set([gwNamespace, ...args.hosts.map((h) => h.namespace)])].sort();
    const labels = standardLabels(PLATFORM_GATEWAY, name, "edge");
    const after = { parent: this, dependsOn: args.apis.after([`${GATEWAY_API}/Gateway`, `${GATEWAY_API}/HTTPRoute`], "the platform Gateway") };

    new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: `${GATEWAY_API}/v1`,
        kind: "Gateway",
        metadata: {
          name: PLATFORM_GATEWAY,
          namespace: this.namespace,
          labels,
          // cert-manager's gateway-shim: one Certificate per HTTPS listener, into the listener's Secret.
          ...(exposure.tls.clusterIssuer ? { annotations: { "cert-manager.io/cluster-issuer": exposure.tls.clusterIssuer } } : {}),
        },
        spec: { gatewayClassName: args.gatewayClassName, listeners: gatewayListeners(hosts, routeNamespaces) },
      },
      after,
    );
    this.addressCommand = `kubectl -n ${gwNamespace} get gateway ${PLATFORM_GATEWAY} -o jsonpath='{.status.addresses[*].value}'`;

    new k8s.apiextensions.CustomResource(
      `${name}-https-redirect`,
      { apiVersion: `${GATEWAY_API}/v1`, kind: "HTTPRoute", metadata: { name: `${PLATFORM_GATEWAY}-https-redirect`, namespace: this.namespace, labels }, spec: redirectRouteSpec(exposure, hosts) },
      after,
    );

    // ACME HTTP-01: cert-manager runs the solver pod in the Gateway's namespace (where the gateway-shim puts
    // the Certificates); the proxies must reach it through our default deny.
    if (exposure.tls.mode === "acmeHttp01") {
      allowFlow(
        {
          name: "edge-to-acme-solver",
          from: args.source,
          to: { pods: { name: "acme-solver", namespace: gwNamespace, own: this.namespace, selector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } } } },
          ports: [{ port: 8089 }],
          why: "ACME HTTP-01: the CA fetches the challenge through the Gateway's HTTP listener from cert-manager's solver pod",
        },
        name,
        { parent: this },
      );
    }

    if (exposure.auth.mode === "basic") {
      // Rotated as `edge/basic-auth` in credentialRotation; Envoy Gateway reads the htpasswd Secrets as they change.
      const keepers = rotationKeepers("edge", "basic-auth");
      this.basicAuthPassword = pulumi.secret(new random.RandomPassword(`${name}-basic-auth`, { length: 32, special: false, ...(keepers ? { keepers } : {}) }, { parent: this }).result);
    }
    this.registerOutputs({ namespace: this.namespace, addressCommand: this.addressCommand });
  }
}
