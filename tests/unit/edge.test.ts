/**
 * The edge without mocks: routes declared once render to the same hosts, paths and backends in every mode;
 * rewrites reach the same upstream paths through an HTTPRoute (Gateway API semantics) and through the
 * Ingresses (ingress-nginx semantics); each auth mode maps to its Envoy Gateway policy; the Gateway's
 * listeners, the redirect and the ClusterIssuer per TLS mode.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { clusterIssuerSpec } from "../../components/addons/certManager";
import { htpasswdLine } from "../../components/platform/edge/edgeRoutes";
import { gatewayListeners, redirectRouteSpec } from "../../components/platform/edge/gateway";
import { httpRouteSpec, ingressObjects, routeGroupProblems, securityPolicySpec, type RouteGroup } from "../../components/platform/edge/routes";
import { studioRouteGroup } from "../../components/suites/llmctl/exposure";
import { MCP_SERVERS } from "../../components/suites/llmctl/mcp";
import { exposureOf, replayHttpRoute, replayIngressNginx } from "../helpers/edge";

const STUDIO = studioRouteGroup("llmctl", "llm.example.com");

describe("routes declared once", () => {
  test("gateway and ingress render the same host, prefixes and backends", () => {
    const route = httpRouteSpec(STUDIO, exposureOf("gateway"));
    const fromRoute = route.rules.map((r) => [r.matches[0].path.value, r.backendRefs[0].name, r.backendRefs[0].port]).sort();
    const ingresses = ingressObjects(STUDIO, exposureOf("ingress"));
    const fromIngress = ingresses
      .flatMap((i) => i.spec.rules[0].http.paths.map((p) => [p.path.replace("(/|$)(.*)", ""), p.backend.service.name, p.backend.service.port.number]))
      .sort();
    expect(fromRoute).toEqual(fromIngress);
    expect(route.hostnames).toEqual(["llm.example.com"]);
    expect(new Set(ingresses.map((i) => i.spec.rules[0].host))).toEqual(new Set(["llm.example.com"]));
  });

  // Requests a client sends, and where the seed says each must land.
  const REQUESTS: Array<[string, string, string]> = [
    ["/", "llmctl-studio-frontend", "/"],
    ["/settings/profile", "llmctl-studio-frontend", "/settings/profile"],
    ["/api", "llmctl-studio-backend", "/api"],
    ["/api/v1/agents", "llmctl-studio-backend", "/api/v1/agents"],
    ["/apiary", "llmctl-studio-frontend", "/apiary"],
    ["/mcp/github", "llmctl-mcp-github", "/mcp/"],
    ["/mcp/github/", "llmctl-mcp-github", "/mcp/"],
    ["/mcp/github/messages", "llmctl-mcp-github", "/mcp/messages"],
    ["/mcp/llmctl", "llmctl-mcp", "/mcp"],
    ["/mcp/llmctl/sse", "llmctl-mcp", "/mcp/sse"],
    ["/mcp/google-cloud", "llmctl-mcp-google-cloud", "/mcp/"],
    ["/mcp/githubx", "llmctl-studio-frontend", "/mcp/githubx"],
  ];

  test.each(REQUESTS)("%s reaches %s at %s through the HTTPRoute and through the Ingresses", (path, service, upstream) => {
    const viaGateway = replayHttpRoute(httpRouteSpec(STUDIO, exposureOf("gateway")), path);
    const viaIngress = replayIngressNginx(ingressObjects(STUDIO, exposureOf("ingress")), path);
    expect(viaGateway).toMatchObject({ service, path: upstream });
    expect(viaIngress).toEqual(viaGateway);
  });

  test("every MCP server is routed at /mcp/<route> to its own path", () => {
    for (const s of MCP_SERVERS) expect(replayHttpRoute(httpRouteSpec(STUDIO, exposureOf("gateway")), `/mcp/${s.route}`)).toEqual({ service: s.name, port: s.port, path: s.path });
  });

  test("ingress: rewrites need the nginx class; another class gets no controller annotations", () => {
    expect(() => ingressObjects(STUDIO, exposureOf("ingress", { ingressClassName: "traefik" }))).toThrow(/need a path rewrite/);
    const plain: RouteGroup = { ...STUDIO, name: "app", routes: [{ name: "ui", path: "/", service: "ui", port: 80 }], largeBodies: true };
    const [other] = ingressObjects(plain, exposureOf("ingress", { ingressClassName: "traefik" }));
    expect(other.annotations).toEqual({ "cert-manager.io/cluster-issuer": "llm-platform" });
    expect(other.spec.ingressClassName).toBe("traefik");
    const [defaultClass] = ingressObjects(plain, exposureOf("ingress", { ingressClassName: undefined, tls: { mode: "none" } }));
    expect(defaultClass.spec).not.toHaveProperty("ingressClassName");
    expect(defaultClass.spec).not.toHaveProperty("tls");
    expect(defaultClass.annotations).toEqual({});
    const [nginx] = ingressObjects(plain, exposureOf("ingress"));
    expect(nginx.annotations).toMatchObject({ "nginx.ingress.kubernetes.io/proxy-body-size": "0" });
  });

  test("declaration mistakes are named", () => {
    const bad: RouteGroup = { ...STUDIO, routes: [{ name: "a", path: "x", service: "s", port: 1 }, { name: "b", path: "/", service: "s", port: 1, rewriteTo: "/y" }] };
    expect(routeGroupProblems(bad)).toEqual([`llmctl-studio/a: path must start with / (got x)`, `llmctl-studio/b: the root path cannot be rewritten`]);
  });
});

describe("edge auth", () => {
  test("basic: SecurityPolicy on the group's HTTPRoute reading the group's htpasswd Secret", () => {
    expect(securityPolicySpec(STUDIO, exposureOf("gateway").auth)).toEqual({
      targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "llmctl-studio" }],
      basicAuth: { users: { name: "llmctl-studio-basic-auth" } },
    });
  });

  test("the htpasswd line is the {SHA} form Envoy Gateway accepts (htpasswd -s)", () => {
    // `htpasswd -nbs admin password` prints admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=
    expect(htpasswdLine("admin", "password")).toBe("admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=");
    expect(htpasswdLine("u", "p")).toBe(`u:{SHA}${crypto.createHash("sha1").update("p").digest("base64")}`);
  });

  test("oidc and IP allow-list; external and app-authenticated routes get no policy", () => {
    const oidc = exposureOf("gateway", { auth: { mode: "oidc", basicUser: "x", allowedCidrs: [], oidc: { issuer: "https://id.example.com", clientId: "llm", clientSecret: pulumi.secret("s") } } }).auth;
    expect(securityPolicySpec(STUDIO, oidc)).toMatchObject({ oidc: { provider: { issuer: "https://id.example.com" }, clientID: "llm", clientSecret: { name: "llmctl-studio-oidc" } } });
    const cidrs = exposureOf("gateway", { auth: { mode: "ipAllowList", basicUser: "x", allowedCidrs: ["203.0.113.0/24"] } }).auth;
    expect(securityPolicySpec(STUDIO, cidrs)).toMatchObject({
      authorization: { defaultAction: "Deny", rules: [{ action: "Allow", principal: { clientCIDRs: ["203.0.113.0/24"] } }] },
    });
    expect(securityPolicySpec(STUDIO, exposureOf("gateway", { auth: { mode: "external", basicUser: "x", allowedCidrs: [] } }).auth)).toBeUndefined();
    expect(securityPolicySpec({ ...STUDIO, auth: { kind: "app", reason: "has a login" } }, exposureOf("gateway").auth)).toBeUndefined();
  });
});

describe("the platform Gateway and the issuer", () => {
  test("one HTTPS listener per host with its own certificate Secret; HTTP for the redirect; routes only from declared namespaces", () => {
    const listeners = gatewayListeners(["llm.example.com", "harbor.example.com"], ["llm-platform-edge", "llmctl", "llmctl-harbor"]);
    expect(listeners.map((l) => [l.name, l.protocol, l.port, l.hostname ?? null])).toEqual([
      ["http", "HTTP", 80, null],
      ["https-llm-example-com", "HTTPS", 443, "llm.example.com"],
      ["https-harbor-example-com", "HTTPS", 443, "harbor.example.com"],
    ]);
    expect(listeners[1].tls).toEqual({ mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: "llm-example-com-tls" }] });
    expect(listeners[0].allowedRoutes).toEqual({
      namespaces: { from: "Selector", selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["llm-platform-edge", "llmctl", "llmctl-harbor"] }] } },
    });
  });

  test("HTTP redirects to HTTPS with 301 for every host", () => {
    const r = redirectRouteSpec(exposureOf("gateway"), ["a.example.com"]);
    expect(r).toEqual({
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "llm-platform", namespace: "llm-platform-edge", sectionName: "http" }],
      hostnames: ["a.example.com"],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    });
  });

  const names = { caSecret: "ca", accountKey: "acct", cloudflareToken: "cf" };
  const acme = { email: "ops@example.com", server: "https://acme.example.com/directory" };

  test("ClusterIssuer per TLS mode: the CA, HTTP-01 through the Gateway (or the IngressClass), DNS-01 with Cloudflare", () => {
    expect(clusterIssuerSpec(exposureOf("gateway"), names)).toEqual({ ca: { secretName: "ca" } });
    expect(clusterIssuerSpec(exposureOf("gateway", { tls: { mode: "acmeHttp01", clusterIssuer: "llm-platform", acme } }), names)).toEqual({
      acme: {
        email: "ops@example.com",
        server: "https://acme.example.com/directory",
        privateKeySecretRef: { name: "acct" },
        solvers: [
          {
            http01: {
              gatewayHTTPRoute: {
                parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "llm-platform", namespace: "llm-platform-edge", sectionName: "http" }],
                serviceType: "ClusterIP",
              },
            },
          },
        ],
      },
    });
    expect(clusterIssuerSpec(exposureOf("ingress", { tls: { mode: "acmeHttp01", clusterIssuer: "llm-platform", acme } }), names)).toMatchObject({
      acme: { solvers: [{ http01: { ingress: { ingressClassName: "nginx" } } }] },
    });
    const dns = exposureOf("gateway", { tls: { mode: "acmeDns01", clusterIssuer: "llm-platform", acme: { ...acme, cloudflareApiToken: pulumi.secret("t") } } });
    expect(clusterIssuerSpec(dns, names)).toMatchObject({ acme: { solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: "cf", key: "api-token" } } } }] } });
    expect(() => clusterIssuerSpec(exposureOf("gateway", { tls: { mode: "existingIssuer", clusterIssuer: "theirs" } }), names)).toThrow(/no platform ClusterIssuer/);
  });
});
