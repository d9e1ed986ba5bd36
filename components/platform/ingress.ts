/**
 * IngressRoutes: host-based routes to Services, with optional cert-manager TLS. Routes that need a path
 * rewrite (ingress-nginx applies rewrite-target to a whole Ingress) each get an Ingress of their own.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../lib/labels";

export interface Route {
  /** Short name, used in the Ingress name of a rewritten route. */
  readonly name: string;
  /** Public path prefix, e.g. /mcp/github. */
  readonly path: string;
  readonly serviceName: pulumi.Input<string>;
  readonly servicePort: number;
  /** Upstream path that replaces `path` (ingress-nginx rewrite), e.g. /mcp/. */
  readonly rewriteTo?: string;
}

export interface IngressRoutesArgs {
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  readonly host: string;
  readonly className: string;
  readonly tlsClusterIssuer?: string;
  readonly routes: readonly Route[];
}

export class IngressRoutes extends pulumi.ComponentResource {
  /** Public origin, e.g. https://llm.example.com. */
  readonly origin: string;
  readonly ingressNames: pulumi.Output<string>[] = [];

  constructor(name: string, args: IngressRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:platform:IngressRoutes", name, {}, opts);
    const paths = new Set<string>();
    for (const r of args.routes) {
      if (!r.path.startsWith("/")) throw new Error(`IngressRoutes ${name}: route ${r.name} path must start with / (got ${r.path})`);
      if (paths.has(r.path)) throw new Error(`IngressRoutes ${name}: path ${r.path} is routed twice`);
      paths.add(r.path);
    }
    const tls = args.tlsClusterIssuer !== undefined;
    this.origin = `${tls ? "https" : "http"}://${args.host}`;
    const tlsSecretName = `${name}-tls`;

    const ingress = (resourceName: string, routes: readonly Route[], rewrite: boolean) => {
      const annotations: Record<string, string> = {};
      if (tls) annotations["cert-manager.io/cluster-issuer"] = args.tlsClusterIssuer!;
      if (rewrite) {
        annotations["nginx.ingress.kubernetes.io/use-regex"] = "true";
        // path `<prefix>(/|$)(.*)`: "/mcp/" + $2 keeps the trailing slash; "/mcp" + $1$2 keeps the request's.
        const to = routes[0].rewriteTo!;
        annotations["nginx.ingress.kubernetes.io/rewrite-target"] = to.endsWith("/") ? `${to}$2` : `${to}$1$2`;
      }
      const ing = new k8s.networking.v1.Ingress(
        resourceName,
        {
          metadata: {
            name: resourceName,
            namespace: args.namespace,
            labels: standardLabels(name, args.instance, "ingress"),
            annotations,
          },
          spec: {
            ingressClassName: args.className,
            tls: tls ? [{ hosts: [args.host], secretName: tlsSecretName }] : undefined,
            rules: [
              {
                host: args.host,
                http: {
                  paths: routes.map((r) => ({
                    path: rewrite ? `${r.path}(/|$)(.*)` : r.path,
                    pathType: rewrite ? "ImplementationSpecific" : "Prefix",
                    backend: { service: { name: r.serviceName, port: { number: r.servicePort } } },
                  })),
                },
              },
            ],
          },
        },
        { parent: this },
      );
      this.ingressNames.push(ing.metadata.name);
    };

    const plain = args.routes.filter((r) => r.rewriteTo === undefined);
    if (plain.length > 0) ingress(name, plain, false);
    for (const r of args.routes.filter((x) => x.rewriteTo !== undefined)) ingress(`${name}-${r.name}`, [r], true);
    this.registerOutputs({ origin: this.origin });
  }
}
