/**
 * The edge, wired: the add-ons an empty cluster needs for exposure=gateway (Envoy Gateway with the Gateway
 * API CRDs, cert-manager and the platform ClusterIssuer), the platform Gateway, and the EdgeAccess every
 * suite and add-on publishes its routes with. Under ingress, only the issuer (when tlsMode makes one).
 */
import type * as pulumi from "@pulumi/pulumi";
import { CERT_MANAGER_APIS, ENVOY_GATEWAY_APIS } from "./addons/apis";
import { CertManager } from "./addons/certManager";
import { EnvoyGateway } from "./addons/envoyGateway";
import { PlatformGateway } from "./platform/edge/gateway";
import type { ApiSupplier, PlatformApis } from "./platform/apis";
import type { EdgeAccess } from "./platform/edge/edgeRoutes";
import type { Peer } from "./platform/flows";
import { hostOrigin } from "./platform/exposure";
import type { StackConfig } from "./stack";

export interface Edge {
  readonly access: EdgeAccess;
  /** The `edge` stack output: how to reach the platform from outside (undefined without public hosts). */
  readonly outputs?: Record<string, unknown>;
}

/**
 * What the stack assumes the cluster already runs (its switch off): the Gateway API implementation named by
 * envoyGatewayClassName under exposure gateway, and cert-manager when the platform issuer is on without the
 * chart or an existing issuer is named. Pure, for the ordering invariant.
 */
export function assumedApis(stack: StackConfig): ApiSupplier[] {
  const exposure = stack.platform.exposure;
  return [
    ...(exposure.mode === "gateway" && !stack.envoyGateway.install ? [ENVOY_GATEWAY_APIS] : []),
    ...((stack.certManager.issuer && !stack.certManager.install) || exposure.tls.mode === "existingIssuer" ? [CERT_MANAGER_APIS] : []),
  ];
}

export function deployEdge(stack: StackConfig, apis: PlatformApis, opts: pulumi.ComponentResourceOptions): Edge {
  const exposure = stack.platform.exposure;
  const profile = stack.platform.resourceProfile;
  const network = stack.platform.network;
  const envoy = exposure.mode === "gateway" && stack.envoyGateway.install ? new EnvoyGateway("envoy-gateway", { config: stack.envoyGateway, profile, network, apis }, opts) : undefined;
  for (const s of assumedApis(stack)) apis.assume(s);
  const certManager = stack.certManager.issuer ? new CertManager("cert-manager", { config: stack.certManager, exposure, profile, apis, network }, opts) : undefined;
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
    return { access: { exposure, source, apis }, outputs };
  }
  const gateway = new PlatformGateway(
    "platform-gateway",
    { exposure, gatewayClassName: stack.envoyGateway.gatewayClassName, hosts: stack.hosts, source, apis },
    opts,
  );
  const auth = exposure.auth;
  return {
    access: { exposure, source, basicAuthPassword: gateway.basicAuthPassword, apis },
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
