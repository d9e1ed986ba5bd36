/**
 * EdgeRoutes: a RouteGroup rendered for the exposure mode: an HTTPRoute on the platform Gateway with the
 * SecurityPolicy (and its Secret) that enforces edge auth, or the Ingresses of a group. nodePort and
 * clusterIP render nothing: there is no public host.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { selectorLabels, standardLabels } from "../../lib/labels";
import type { PlatformApis } from "../apis";
import { allowFlow, type Peer } from "../flows";
import { type ExposureConfig, hostOrigin } from "../exposure";
import { authSecretName, ENVOY_GATEWAY_API, GATEWAY_API, httpRouteSpec, ingressObjects, type RouteGroup, routeGroupProblems, securityPolicySpec } from "./routes";

/** What every suite and add-on gets to publish routes. */
export interface EdgeAccess {
  readonly exposure: ExposureConfig;
  /** Where public traffic reaches the routed pods from (the edge proxies), for the flows each route opens. */
  readonly source: Peer;
  /** edgeAuth basic: the generated password of exposure.auth.basicUser (a Pulumi secret). */
  readonly basicAuthPassword?: pulumi.Output<string>;
  /** The stack's API suppliers: route objects wait for whatever installs (or admits) their kinds. */
  readonly apis: PlatformApis;
}

/** An htpasswd line as Envoy Gateway's basic auth reads it: `user:{SHA}<base64 SHA-1 of the password>`. */
export function htpasswdLine(user: string, password: string): string {
  return `${user}:{SHA}${crypto.createHash("sha1").update(password).digest("base64")}`;
}

export interface EdgeRoutesArgs {
  readonly group: RouteGroup;
  /** The group's namespace as an Output of its Namespace object, so the routes are created after it. */
  readonly namespace: pulumi.Input<string>;
  readonly edge: EdgeAccess;
}

export class EdgeRoutes extends pulumi.ComponentResource {
  /** Public origin of the group's host, e.g. https://llm.example.com; undefined without a public host. */
  readonly origin?: string;

  constructor(name: string, args: EdgeRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    // Was IngressRoutes (ingress only) before routes were rendered per mode.
    super("llm-platform:platform:EdgeRoutes", name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "llm-platform:platform:IngressRoutes" }] });
    const { group, edge } = args;
    const problems = routeGroupProblems(group);
    if (problems.length > 0) throw new Error(`EdgeRoutes ${name}: ${problems.join("; ")}`);
    const exposure = edge.exposure;
    const labels = standardLabels(group.name, group.instance, "edge");
    if (exposure.mode === "gateway" || exposure.mode === "ingress") this.edgeFlows(args);
    if (exposure.mode === "gateway") {
      this.origin = hostOrigin(exposure, group.host);
      this.gateway(name, args, labels);
    } else if (exposure.mode === "ingress") {
      this.origin = hostOrigin(exposure, group.host);
      for (const ing of ingressObjects(group, exposure)) {
        new k8s.networking.v1.Ingress(
          ing.name,
          { metadata: { name: ing.name, namespace: args.namespace, labels, annotations: { ...ing.annotations } }, spec: JSON.parse(JSON.stringify(ing.spec)) },
          { parent: this },
        );
      }
    }
    this.registerOutputs({ origin: this.origin });
  }

  /** Each routed backend accepts the edge proxies on the port its pods listen on; nothing else from outside. */
  private edgeFlows(args: EdgeRoutesArgs): void {
    const { group, edge } = args;
    const seen = new Set<string>();
    for (const r of group.routes) {
      const pods = r.pods ?? { matchLabels: selectorLabels(r.service, group.instance), port: r.port };
      const key = `${JSON.stringify(pods.matchLabels)}:${pods.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      allowFlow(
        {
          name: `edge-to-${r.service}`,
          from: edge.source,
          to: { pods: { name: r.service, namespace: group.namespace, own: args.namespace, selector: { matchLabels: pods.matchLabels } } },
          ports: [{ port: pods.port }],
          why: `public route https://${group.host}${r.path} (${group.name})`,
        },
        group.instance,
        { parent: this },
      );
    }
  }

  private gateway(name: string, args: EdgeRoutesArgs, labels: Record<string, string>): void {
    const { group, edge } = args;
    const auth = edge.exposure.auth;
    const metadata = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });
    new k8s.apiextensions.CustomResource(
      name,
      { apiVersion: `${GATEWAY_API}/v1`, kind: "HTTPRoute", metadata: metadata(group.name), spec: JSON.parse(JSON.stringify(httpRouteSpec(group, edge.exposure))) },
      { parent: this, dependsOn: edge.apis.after([`${GATEWAY_API}/HTTPRoute`], `route ${group.name}`) },
    );
    const policy = securityPolicySpec(group, auth);
    if (!policy) return;
    const secrets: pulumi.Resource[] = [];
    if (auth.mode === "basic") {
      if (!edge.basicAuthPassword) throw new Error(`EdgeRoutes ${name}: edgeAuth basic needs the generated password`);
      const user = auth.basicUser;
      secrets.push(
        new k8s.core.v1.Secret(
          `${name}-basic-auth`,
          { metadata: metadata(authSecretName(group, "basic-auth")), type: "Opaque", stringData: { ".htpasswd": edge.basicAuthPassword.apply((pw) => htpasswdLine(user, pw)) } },
          { parent: this },
        ),
      );
    }
    if (auth.mode === "oidc" && auth.oidc) {
      secrets.push(
        new k8s.core.v1.Secret(
          `${name}-oidc`,
          { metadata: metadata(authSecretName(group, "oidc")), type: "Opaque", stringData: { "client-secret": auth.oidc.clientSecret } },
          { parent: this },
        ),
      );
    }
    new k8s.apiextensions.CustomResource(
      `${name}-auth`,
      { apiVersion: `${ENVOY_GATEWAY_API}/v1alpha1`, kind: "SecurityPolicy", metadata: metadata(group.name), spec: policy },
      // The policy reads its Secret when it is reconciled: created together, it could briefly fail closed.
      { parent: this, dependsOn: [...edge.apis.after([`${ENVOY_GATEWAY_API}/SecurityPolicy`], `route ${group.name}`), ...secrets] },
    );
  }
}
