/**
 * Envoy Gateway: the Gateway API implementation the platform installs for exposure=gateway (ingress-nginx
 * is retired upstream). Its chart brings the Gateway API CRDs (standard channel) and its own (SecurityPolicy
 * for edge auth, EnvoyProxy); the add-on adds the proxies' settings and the GatewayClass the platform
 * Gateway uses. Off (envoyGatewayEnabled: false) when the cluster already runs an implementation.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import type { ResourceProfile } from "../../lib/resources";
import { ENVOY_GATEWAY_API, GATEWAY_API } from "../../platform/edge/routes";
import { chartNamespace, chartRelease } from "../shared";
import type { EnvoyGatewayConfig } from "./config";
import { ENVOY_GATEWAY, envoyGatewayValues, envoyProxySpec } from "./values";

export interface EnvoyGatewayArgs {
  readonly config: EnvoyGatewayConfig;
  readonly profile: ResourceProfile;
}

export class EnvoyGateway extends pulumi.ComponentResource {
  /** What Gateway API objects wait for: the chart, whose CRDs they are instances of. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: EnvoyGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:addons:EnvoyGateway", name, {}, opts);
    const cfg = args.config;
    const reason = "the controller creates the proxy pods from its own templates; restricted is still warned and audited";
    const ns = chartNamespace(name, { namespace: cfg.namespace, instance: name, reason }, this);
    const chart = chartRelease(
      name,
      { release: ENVOY_GATEWAY.release, chart: ENVOY_GATEWAY.chart, source: cfg.chart, namespace: ns.name, values: envoyGatewayValues(args.profile) },
      this,
      [],
    );
    this.ready = [chart];
    const labels = standardLabels(ENVOY_GATEWAY.proxyConfig, name, "edge");
    const after = { parent: this, dependsOn: [chart] };
    new k8s.apiextensions.CustomResource(
      `${name}-proxy-config`,
      { apiVersion: `${ENVOY_GATEWAY_API}/v1alpha1`, kind: "EnvoyProxy", metadata: { name: ENVOY_GATEWAY.proxyConfig, namespace: ns.name, labels }, spec: envoyProxySpec(cfg, args.profile) },
      after,
    );
    new k8s.apiextensions.CustomResource(
      `${name}-class`,
      {
        apiVersion: `${GATEWAY_API}/v1`,
        kind: "GatewayClass",
        metadata: { name: cfg.gatewayClassName, labels: standardLabels(cfg.gatewayClassName, name, "edge") },
        spec: {
          controllerName: ENVOY_GATEWAY.controllerName,
          parametersRef: { group: ENVOY_GATEWAY_API, kind: "EnvoyProxy", name: ENVOY_GATEWAY.proxyConfig, namespace: cfg.namespace },
        },
      },
      after,
    );
    this.registerOutputs({});
  }
}
