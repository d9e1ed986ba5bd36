/**
 * cert-manager and the platform's ClusterIssuer. The chart (CRDs included, Gateway API support on) is
 * installed unless the cluster already runs cert-manager; the issuer follows tlsMode:
 * - selfSigned: a platform CA (self-signed root in the cluster resource namespace) signs every host;
 * - acmeHttp01: ACME through the platform Gateway's HTTP listener (or the IngressClass under ingress);
 * - acmeDns01: ACME with Cloudflare DNS, the API token from `--secret` config.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import type { ResourceProfile } from "../../lib/resources";
import { GATEWAY_API } from "../../platform/edge/routes";
import { type ExposureConfig, HTTP_LISTENER, PLATFORM_GATEWAY, PLATFORM_ISSUER } from "../../platform/exposure";
import type { PlatformApis } from "../../platform/apis";
import { allowFlow, type Flow, INTERNET_PORTS, type NetworkConfig, type PodGroup } from "../../platform/flows";
import { chartNamespace, chartRelease } from "../shared";
import type { CertManagerConfig } from "./config";
import { CERT_MANAGER, certManagerValues } from "./values";

const CERT_MANAGER_GROUP = "cert-manager.io";
const CERT_MANAGER_API = `${CERT_MANAGER_GROUP}/v1`;

export interface CertManagerArgs {
  readonly config: CertManagerConfig;
  readonly exposure: ExposureConfig;
  readonly profile: ResourceProfile;
  /** The stack's API suppliers: the chart waits for the Gateway API CRDs it watches from its start (CHART_APIS). */
  readonly apis: PlatformApis;
  readonly network: NetworkConfig;
}

/** The platform ClusterIssuer's spec for the TLS mode (pure, for tests). */
export function clusterIssuerSpec(exposure: ExposureConfig, names: { caSecret: string; accountKey: string; cloudflareToken: string }): Record<string, unknown> {
  const tls = exposure.tls;
  if (tls.mode === "selfSigned") return { ca: { secretName: names.caSecret } };
  const acme = tls.acme;
  if (!acme) throw new Error(`tlsMode ${tls.mode} has no platform ClusterIssuer`);
  const solver =
    tls.mode === "acmeDns01"
      ? { dns01: { cloudflare: { apiTokenSecretRef: { name: names.cloudflareToken, key: "api-token" } } } }
      : exposure.mode === "gateway"
        ? {
            http01: {
              gatewayHTTPRoute: {
                parentRefs: [{ group: GATEWAY_API, kind: "Gateway", name: PLATFORM_GATEWAY, namespace: exposure.gatewayNamespace, sectionName: HTTP_LISTENER }],
                // The solver's Service defaults to NodePort; the Gateway reaches it inside the cluster.
                serviceType: "ClusterIP",
              },
            },
          }
        : { http01: { ingress: { ingressClassName: exposure.ingressClassName } } };
  return { acme: { email: acme.email, server: acme.server, privateKeySecretRef: { name: names.accountKey }, solvers: [solver] } };
}

export class CertManager extends pulumi.ComponentResource {
  /** The ClusterIssuer public certificates come from. */
  readonly clusterIssuer: string = PLATFORM_ISSUER;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:addons:CertManager", name, {}, opts);
    const cfg = args.config;
    if (cfg.install) {
      const ns = chartNamespace(name, { namespace: cfg.namespace, instance: name, reason: "a third-party chart; restricted is still warned and audited" }, this);
      const values = certManagerValues(args.profile, args.exposure.mode === "gateway");
      chartRelease(name, { release: CERT_MANAGER.release, chart: CERT_MANAGER.chart, source: cfg.chart, namespace: ns.name, values }, this, { apis: args.apis });
      const pods = (component: string | undefined): PodGroup => ({
        name: component ? `cert-manager-${component}` : "cert-manager",
        namespace: cfg.namespace,
        own: ns.name,
        selector: component
          ? { matchLabels: { "app.kubernetes.io/instance": CERT_MANAGER.release, "app.kubernetes.io/component": component } }
          : // The chart's three components (startupapicheck is off), each of which works through the API server (the ACME solver pods run in the edge's namespace).
            { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["controller", "cainjector", "webhook"] }] },
      });
      const flows: Flow[] = [
        { name: "cert-manager-to-api-server", from: { pods: pods(undefined) }, to: { external: args.network.apiServer }, ports: args.network.apiServerPorts.map((port) => ({ port })), why: "every cert-manager component works through the API server" },
        { name: "api-server-to-cert-manager-webhook", from: { external: args.network.apiServer }, to: { pods: pods("webhook") }, ports: [{ port: 10250 }], why: "the API server calls the admission webhook, from its own addresses" },
        { name: "cert-manager-to-acme", from: { pods: pods("controller") }, to: { external: args.network.internet }, ports: INTERNET_PORTS, why: "ACME orders and challenges' self-checks, Cloudflare's API for DNS-01" },
      ];
      for (const f of flows) allowFlow(f, name, { parent: this });
    }
    const labels = standardLabels(PLATFORM_ISSUER, name, "tls");
    // Installed here or assumed present: every cert-manager object waits for its CRDs and webhook.
    const after = { parent: this, dependsOn: args.apis.after([`${CERT_MANAGER_GROUP}/ClusterIssuer`, `${CERT_MANAGER_GROUP}/Certificate`], "the platform ClusterIssuer") };
    const names = { caSecret: `${PLATFORM_ISSUER}-ca`, accountKey: `${PLATFORM_ISSUER}-acme-account`, cloudflareToken: `${PLATFORM_ISSUER}-cloudflare-token` };
    const tls = args.exposure.tls;
    // Every object below only needs cert-manager's CRDs: the CA Secret, the root issuer and the token are
    // picked up when cert-manager reconciles, so nothing waits for anything but the chart.

    if (tls.mode === "selfSigned") {
      // The root: a self-signed issuer signs one CA certificate, whose Secret the platform issuer signs with.
      new k8s.apiextensions.CustomResource(
        `${name}-selfsigned`,
        { apiVersion: CERT_MANAGER_API, kind: "ClusterIssuer", metadata: { name: `${PLATFORM_ISSUER}-selfsigned`, labels }, spec: { selfSigned: {} } },
        after,
      );
      new k8s.apiextensions.CustomResource(
        `${name}-ca`,
        {
          apiVersion: CERT_MANAGER_API,
          kind: "Certificate",
          metadata: { name: names.caSecret, namespace: cfg.namespace, labels },
          spec: {
            isCA: true,
            commonName: "llm-platform CA",
            secretName: names.caSecret,
            duration: "87600h",
            privateKey: { algorithm: "ECDSA", size: 256 },
            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: `${PLATFORM_ISSUER}-selfsigned` },
          },
        },
        after,
      );
    }
    if (tls.mode === "acmeDns01" && tls.acme?.cloudflareApiToken) {
      new k8s.core.v1.Secret(
        `${name}-cloudflare-token`,
        { metadata: { name: names.cloudflareToken, namespace: cfg.namespace, labels }, type: "Opaque", stringData: { "api-token": tls.acme.cloudflareApiToken } },
        after,
      );
    }
    new k8s.apiextensions.CustomResource(
      name,
      { apiVersion: CERT_MANAGER_API, kind: "ClusterIssuer", metadata: { name: PLATFORM_ISSUER, labels }, spec: clusterIssuerSpec(args.exposure, names) },
      after,
    );
    this.registerOutputs({ clusterIssuer: this.clusterIssuer });
  }
}
