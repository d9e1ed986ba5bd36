/**
 * Envoy Gateway: the Gateway API implementation the platform installs for exposure=gateway (ingress-nginx
 * is retired upstream). Its chart brings the Gateway API CRDs (the experimental channel of v1.6.1, charts/crds/crds/gatewayapi-crds.yaml) and its own (SecurityPolicy
 * for edge auth, EnvoyProxy); the add-on adds the proxies' settings and the GatewayClass the platform
 * Gateway uses. Off (envoyGatewayEnabled: false) when the cluster already runs an implementation.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import type { ResourceProfile } from "../../lib/resources";
import { ENVOY_GATEWAY_API, GATEWAY_API } from "../../platform/edge/routes";
import type { PlatformApis } from "../../platform/apis";
import { allowFlow, type Flow, type NetworkConfig, type PodGroup } from "../../platform/flows";
import { chartNamespace, chartRelease } from "../shared";
import { envoyGatewayCertgen } from "./certgen";
import type { EnvoyGatewayConfig } from "./config";
import { ENVOY_GATEWAY, envoyGatewayValues, envoyProxySpec } from "./values";

export interface EnvoyGatewayArgs {
  readonly config: EnvoyGatewayConfig;
  readonly profile: ResourceProfile;
  readonly network: NetworkConfig;
  readonly apis: PlatformApis;
}

/** The labels Envoy Gateway puts on every proxy pod (internal/infrastructure/kubernetes/proxy/resource.go, v1.9.1). */
export const ENVOY_PROXY_LABELS = { "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway" } as const;
/** Listener ports below 1024 are shifted by 10000 on the proxy container (the Service keeps 80/443). */
export const ENVOY_PROXY_PORTS = [10080, 10443] as const;

export class EnvoyGateway extends pulumi.ComponentResource {
  /** The proxies: where public traffic reaches the routed pods from. */
  readonly proxies: PodGroup;

  constructor(name: string, args: EnvoyGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:addons:EnvoyGateway", name, {}, opts);
    const cfg = args.config;
    const reason = "the controller creates the proxy pods from its own templates; restricted is still warned and audited";
    const ns = chartNamespace(name, { namespace: cfg.namespace, instance: name, reason }, this);
    // The controller mounts the certificates certgen makes: the chart waits for the Job.
    const certgen = envoyGatewayCertgen(name, { namespace: ns.name, version: cfg.chart.version, profile: args.profile }, this);
    chartRelease(
      name,
      { release: ENVOY_GATEWAY.release, chart: ENVOY_GATEWAY.chart, source: cfg.chart, namespace: ns.name, values: envoyGatewayValues(args.profile) },
      this,
      { apis: args.apis, after: [certgen] },
    );
    this.proxies = { name: "envoy-proxy", namespace: cfg.namespace, own: ns.name, selector: { matchLabels: ENVOY_PROXY_LABELS } };
    // Every pod but the proxies (the controller, certgen): the public proxies never talk to the API server.
    const controllers: PodGroup = { name, namespace: cfg.namespace, own: ns.name, selector: { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "NotIn", values: [ENVOY_PROXY_LABELS["app.kubernetes.io/component"]] }] } };
    const flows: Flow[] = [
      { name: "public-to-envoy-proxy", from: { anywhere: true }, to: { pods: this.proxies }, ports: ENVOY_PROXY_PORTS.map((port) => ({ port })), why: "public traffic through the LoadBalancer Service" },
      {
        name: "envoy-gateway-to-api-server",
        from: { pods: controllers },
        to: { external: args.network.apiServer },
        ports: args.network.apiServerPorts.map((port) => ({ port })),
        why: "the controller watches Gateway API objects and manages the proxies",
      },
    ];
    for (const f of flows) allowFlow(f, name, { parent: this });
    const labels = standardLabels(ENVOY_GATEWAY.proxyConfig, name, "edge");
    const after = (kind: string) => ({ parent: this, dependsOn: args.apis.after([kind], `envoy-gateway's ${kind}`) });
    new k8s.apiextensions.CustomResource(
      `${name}-proxy-config`,
      { apiVersion: `${ENVOY_GATEWAY_API}/v1alpha1`, kind: "EnvoyProxy", metadata: { name: ENVOY_GATEWAY.proxyConfig, namespace: ns.name, labels }, spec: envoyProxySpec(cfg, args.profile) },
      after(`${ENVOY_GATEWAY_API}/EnvoyProxy`),
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
      after(`${GATEWAY_API}/GatewayClass`),
    );
    this.registerOutputs({});
  }
}
