/**
 * The edge, wired: the add-ons an empty cluster needs for exposure=gateway (Envoy Gateway with the Gateway
 * API CRDs, cert-manager and the platform ClusterIssuer), the platform Gateway, and the EdgeAccess every
 * suite and add-on publishes its routes with. Under ingress, only the issuer (when tlsMode makes one).
 */
import type * as pulumi from "@pulumi/pulumi";
import { CertManager } from "./addons/certManager";
import { EnvoyGateway } from "./addons/envoyGateway";
import { PlatformGateway } from "./platform/edge/gateway";
import type { EdgeAccess } from "./platform/edge/edgeRoutes";
import type { Peer } from "./platform/flows";
import { hostOrigin } from "./platform/exposure";
import type { StackConfig } from "./stack";

export interface Edge {
  readonly access: EdgeAccess;
  /** The `edge` stack output: how to reach the platform from outside (undefined without public hosts). */
  readonly outputs?: Record<string, unknown>;
}

export function deployEdge(stack: StackConfig, opts: pulumi.ComponentResourceOptions): Edge {
  const exposure = stack.platform.exposure;
  const profile = stack.platform.resourceProfile;
  const network = stack.platform.network;
  const envoy = exposure.mode === "gateway" && stack.envoyGateway.install ? new EnvoyGateway("envoy-gateway", { config: stack.envoyGateway, profile, network }, opts) : undefined;
  const prerequisites = envoy?.ready ?? [];
  const certManager = stack.certManager.issuer ? new CertManager("cert-manager", { config: stack.certManager, exposure, profile, after: prerequisites, network }, opts) : undefined;
  // Public traffic reaches routed pods from Envoy Gateway's proxies, from the namespace the operator names
  // (their ingress controller or Gateway implementation), or, when neither is known, from anywhere.
  const source: Peer = network.edgeProxyNamespace
    ? { pods: { name: "edge-proxy", namespace: network.edgeProxyNamespace, selector: {} } }
    : envoy
      ? { pods: envoy.proxies }
      : { anywhere: true };
  if (exposure.mode !== "gateway") {
    const outputs =
      exposure.mode === "ingress"
        ? { mode: exposure.mode, urls: stack.hosts.map((h) => `${hostOrigin(exposure, h.host)}/`), tls: { mode: exposure.tls.mode, clusterIssuer: exposure.tls.clusterIssuer ?? certManager?.clusterIssuer } }
        : undefined;
    return { access: { exposure, source, prerequisites: [] }, outputs };
  }
  const gateway = new PlatformGateway(
    "platform-gateway",
    { exposure, gatewayClassName: stack.envoyGateway.gatewayClassName, hosts: stack.hosts, source, prerequisites },
    opts,
  );
  const auth = exposure.auth;
  return {
    access: { exposure, source, basicAuthPassword: gateway.basicAuthPassword, prerequisites },
    outputs: {
      mode: exposure.mode,
      gateway: `${exposure.gatewayNamespace}/llm-platform`,
      gatewayClass: stack.envoyGateway.gatewayClassName,
      // Point each host's DNS at this address.
      addressCommand: gateway.addressCommand,
      urls: stack.hosts.map((h) => `${hostOrigin(exposure, h.host)}/`),
      tls: { mode: exposure.tls.mode, clusterIssuer: exposure.tls.clusterIssuer },
      auth: {
        mode: auth.mode,
        ...(auth.mode === "basic" ? { username: auth.basicUser, password: gateway.basicAuthPassword } : {}),
        ...(auth.mode === "ipAllowList" ? { allowedCidrs: auth.allowedCidrs } : {}),
        ...(auth.mode === "oidc" ? { issuer: auth.oidc?.issuer, clientId: auth.oidc?.clientId } : {}),
      },
    },
  };
}
