/**
 * The edge add-ons on the prod stack and its variations, under mocks: what an empty cluster gets from one
 * `pulumi up` (Envoy Gateway with the Gateway API CRDs, cert-manager, the ClusterIssuer, the Gateway), in
 * which order the engine must create it, and what the stack outputs tell a person.
 */
import { at, isSecretValue, k8sName, renderStack, type JsonObject, type Recorded, type RegisteredResource, type RenderOptions } from "../helpers/harness";

const charts = (res: Recorded[]) => res.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");
const chartOf = (res: Recorded[], name: string) => charts(res).find((r) => r.name === name);
const ofKind = (res: Recorded[], kind: string) => res.filter((r) => r.type.endsWith(`:${kind}`) && !r.type.startsWith("llm-platform"));
const one = (res: Recorded[], kind: string, name: string) => {
  const found = ofKind(res, kind).filter((r) => k8sName(r) === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
};

/** Whether `who` waits for `what` (URN dependencies as the engine would see them). */
function waitsFor(registered: RegisteredResource[], who: (r: RegisteredResource) => boolean, whatName: string): boolean[] {
  const target = registered.find((r) => r.name === whatName)?.urn;
  return registered.filter(who).map((r) => target !== undefined && r.dependencies.includes(target));
}

describe("prod: Gateway API edge from an empty cluster", () => {
  let res: Recorded[];
  let registered: RegisteredResource[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, registered, outputs } = await renderStack("prod"));
  });

  test("Envoy Gateway: pinned OCI chart with the Gateway API CRDs, sized controller, proxies from EnvoyProxy, our GatewayClass", () => {
    const eg = chartOf(res, "envoy-gateway-chart");
    expect(eg?.inputs).toMatchObject({ name: "envoy-gateway", chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.1", namespace: "envoy-gateway-system" });
    expect(eg?.inputs).not.toHaveProperty("repositoryOpts");
    expect(at(eg?.inputs.values as JsonObject, "deployment.envoyGateway.resources")).toEqual({ requests: expect.any(Object), limits: expect.any(Object) });
    const proxy = one(res, "EnvoyProxy", "llm-platform-proxy");
    expect(at(proxy.inputs, "spec.provider.kubernetes")).toMatchObject({ envoyDeployment: { replicas: 2 }, envoyService: { externalTrafficPolicy: "Local" } });
    const cls = one(res, "GatewayClass", "llm-platform");
    expect(at(cls.inputs, "spec")).toEqual({
      controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
      parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "llm-platform-proxy", namespace: "envoy-gateway-system" },
    });
  });

  test("cert-manager: pinned chart with CRDs and Gateway API support; an ACME HTTP-01 ClusterIssuer through the Gateway", () => {
    const cm = chartOf(res, "cert-manager-chart");
    expect(cm?.inputs).toMatchObject({ chart: "cert-manager", version: "v1.21.2", repositoryOpts: { repo: "https://charts.jetstack.io" }, namespace: "cert-manager" });
    expect(cm?.inputs.values).toMatchObject({ crds: { enabled: true, keep: true }, config: { gatewayAPI: { enabled: true } }, startupapicheck: { enabled: false } });
    const issuer = one(res, "ClusterIssuer", "llm-platform");
    expect(at(issuer.inputs, "spec.acme")).toMatchObject({ email: "platform@example.com", server: "https://acme-v02.api.letsencrypt.org/directory" });
    expect(at(issuer.inputs, "spec.acme.solvers.0.http01.gatewayHTTPRoute.parentRefs.0")).toMatchObject({ name: "llm-platform", namespace: "llm-platform-edge", sectionName: "http" });
    // The solver pod runs in the Gateway's namespace: the proxies may reach it there, and nothing else.
    const allow = one(res, "NetworkPolicy", "edge-to-acme-solver-ingress");
    expect(at(allow.inputs, "metadata.namespace")).toBe("llm-platform-edge");
    expect(at(allow.inputs, "spec")).toMatchObject({
      podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
      ingress: [{ ports: [{ port: 8089, protocol: "TCP" }], from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "envoy" } } }] }],
    });
  });

  test("the Gateway: our class, the issuer annotation, HTTP + one HTTPS listener per claimed host, routes only from their namespaces", () => {
    const gw = one(res, "Gateway", "llm-platform");
    expect(at(gw.inputs, "metadata")).toMatchObject({ namespace: "llm-platform-edge", annotations: { "cert-manager.io/cluster-issuer": "llm-platform" } });
    expect(at(gw.inputs, "spec.gatewayClassName")).toBe("llm-platform");
    const listeners = at(gw.inputs, "spec.listeners") as JsonObject[];
    expect(listeners.map((l) => l.hostname ?? l.name)).toEqual(["http", "llmctl.example.com", "chat.example.com", "app.example.com", "mcp.example.com", "minio.example.com", "mlflow.example.com", "harbor.example.com", "pgadmin.example.com", "grafana.example.com"]);
    expect(at(listeners[0], "allowedRoutes.namespaces.selector.matchExpressions.0.values")).toEqual(["context-engine", "llm-platform-edge", "llm-stack", "llmctl", "llmctl-harbor", "llmctl-pgadmin", "mlops", "monitoring"]);
    expect(k8sName(one(res, "HTTPRoute", "llm-platform-https-redirect"))).toBe("llm-platform-https-redirect");
  });

  test("order: Gateway API objects wait for the chart with their CRDs; cert-manager starts after them; issuers after cert-manager", () => {
    const gatewayApi = (r: RegisteredResource) => /gateway\.(networking\.k8s\.io|envoyproxy\.io)/.test(r.type);
    expect(waitsFor(registered, gatewayApi, "envoy-gateway-chart").every(Boolean)).toBe(true);
    expect(waitsFor(registered, (r) => r.name === "cert-manager-chart", "envoy-gateway-chart")).toEqual([true]);
    expect(waitsFor(registered, (r) => r.type.startsWith("kubernetes:cert-manager.io"), "cert-manager-chart").every(Boolean)).toBe(true);
    expect(registered.filter(gatewayApi).length).toBeGreaterThanOrEqual(7);
  });

  test("the edge output: public URLs, how to find the address for DNS, TLS, and the basic-auth login as a secret", () => {
    const edge = outputs.edge as JsonObject;
    expect(edge).toMatchObject({
      mode: "gateway",
      gateway: "llm-platform-edge/llm-platform",
      urls: ["https://llmctl.example.com/", "https://chat.example.com/", "https://app.example.com/", "https://mcp.example.com/", "https://minio.example.com/", "https://mlflow.example.com/", "https://harbor.example.com/", "https://pgadmin.example.com/", "https://grafana.example.com/"],
      addressCommand: "kubectl -n llm-platform-edge get gateway llm-platform -o jsonpath='{.status.addresses[*].value}'",
      tls: { mode: "acmeHttp01", clusterIssuer: "llm-platform" },
      auth: { mode: "basic", username: "llm-platform" },
    });
    expect(isSecretValue(at(edge, "auth.password"))).toBe(true);
  });
});

describe("edge variations", () => {
  const gateway = (set: RenderOptions["set"]) => renderStack("prod", { set });

  test("selfSigned: a root issuer signs a CA Certificate in cert-manager's namespace; the platform issuer signs with it", async () => {
    const { resources } = await gateway({ tlsMode: "selfSigned" });
    expect(at(one(resources, "ClusterIssuer", "llm-platform-selfsigned").inputs, "spec")).toEqual({ selfSigned: {} });
    expect(at(one(resources, "Certificate", "llm-platform-ca").inputs, "spec")).toMatchObject({ isCA: true, secretName: "llm-platform-ca", issuerRef: { kind: "ClusterIssuer", name: "llm-platform-selfsigned" } });
    expect(at(one(resources, "Certificate", "llm-platform-ca").inputs, "metadata.namespace")).toBe("cert-manager");
    expect(at(one(resources, "ClusterIssuer", "llm-platform").inputs, "spec")).toEqual({ ca: { secretName: "llm-platform-ca" } });
  });

  test("acmeDns01: the Cloudflare token from --secret config goes into a Secret in cert-manager's namespace", async () => {
    const { resources } = await renderStack("prod", { set: { tlsMode: "acmeDns01" }, secrets: { acmeDns01CloudflareApiToken: "cf-token-value" } });
    const secret = one(resources, "Secret", "llm-platform-cloudflare-token");
    expect(at(secret.inputs, "metadata.namespace")).toBe("cert-manager");
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect(at(one(resources, "ClusterIssuer", "llm-platform").inputs, "spec.acme.solvers.0.dns01.cloudflare.apiTokenSecretRef")).toEqual({ name: "llm-platform-cloudflare-token", key: "api-token" });
  });

  test("a cluster that already runs an implementation and cert-manager: no charts, no class of ours; the Gateway uses theirs", async () => {
    const { resources } = await gateway({ envoyGatewayEnabled: false, gatewayClassName: "cilium", certManagerEnabled: false, edgeAuth: "external", kserveEnabled: false, monitoringEnabled: false });
    expect(charts(resources).map((c) => c.name).sort()).toEqual(["gpu-operator-chart", "llmctl-harbor-chart", "llmctl-pgadmin-chart"]);
    expect(ofKind(resources, "GatewayClass")).toEqual([]);
    expect(at(one(resources, "Gateway", "llm-platform").inputs, "spec.gatewayClassName")).toBe("cilium");
    // The issuer is still the platform's (cert-manager is assumed present); no Envoy policy without Envoy's auth.
    expect(ofKind(resources, "ClusterIssuer").map(k8sName)).toEqual(["llm-platform"]);
    expect(ofKind(resources, "SecurityPolicy")).toEqual([]);
  });

  test("existingIssuer: nothing of cert-manager's is created; the Gateway asks the named issuer", async () => {
    const { resources } = await gateway({ tlsMode: "existingIssuer", tlsClusterIssuer: "corp-ca" });
    expect(chartOf(resources, "cert-manager-chart")).toBeUndefined();
    expect(ofKind(resources, "ClusterIssuer")).toEqual([]);
    expect(at(one(resources, "Gateway", "llm-platform").inputs, "metadata.annotations")).toEqual({ "cert-manager.io/cluster-issuer": "corp-ca" });
  });

  test("dev (nodePort) installs no edge at all", async () => {
    const { resources, outputs } = await renderStack("dev");
    expect(resources.filter((r) => /gateway|cert-manager|Ingress/.test(r.type))).toEqual([]);
    expect(outputs.edge).toBeUndefined();
  });
});
