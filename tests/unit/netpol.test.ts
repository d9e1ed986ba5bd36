/**
 * scripts/lib/netpol.ts against the networking.k8s.io/v1 rules: isolation, policyTypes defaulting, peers
 * (podSelector, namespaceSelector, both, ipBlock), ports, and the manifest extractors.
 */
import {
  cidrContains, evaluateFlow, namespacesOf, podsOf, policiesOf, selectorMatches,
  type Endpoint, type LabelSelector, type NsInfo, type PolicyLike,
} from "../../scripts/lib/netpol";

const pol = (name: string, namespace: string, spec: PolicyLike["spec"]): PolicyLike => ({ metadata: { name, namespace }, spec });
const pod = (namespace: string, name: string, labels: Record<string, string> = { app: name }): Endpoint => ({ pod: { namespace, name, labels } });
const ip = (address: string): Endpoint => ({ ip: address });
const allowed = (policies: PolicyLike[], from: Endpoint, to: Endpoint, port = 80, protocol?: "TCP" | "UDP" | "SCTP", namespaces: NsInfo[] = []) =>
  evaluateFlow(policies, namespaces, from, to, port, protocol).allowed;

const denyIngress = pol("deny-ingress", "apps", { podSelector: {}, policyTypes: ["Ingress"] });
const denyEgress = pol("deny-egress", "apps", { podSelector: {}, policyTypes: ["Egress"] });
const web = pod("apps", "web");
const api = pod("apps", "api");
const db = pod("apps", "db");

describe("isolation", () => {
  test("no policy: everything flows, and the reason says nothing isolates", () => {
    const r = evaluateFlow([], [], web, api, 80);
    expect(r).toEqual({ allowed: true, reason: "no policy isolates apps/web for egress; no policy isolates apps/api for ingress", warnings: [] });
  });

  test("default-deny ingress blocks pod->pod and ip->pod, but not egress out of the namespace", () => {
    const r = evaluateFlow([denyIngress], [], web, api, 80);
    expect(r.allowed).toBe(false);
    expect(r.reason).toBe("ingress of apps/api isolated by apps/deny-ingress; no rule allows apps/web on TCP/80");
    expect(allowed([denyIngress], ip("10.0.0.1"), api)).toBe(false);
    expect(allowed([denyIngress], web, ip("8.8.8.8"), 443)).toBe(true);
    expect(allowed([denyIngress], pod("other", "x"), pod("other", "y"))).toBe(true);
  });

  test("default-deny egress blocks pod->ip and pod->pod, while ingress into the namespace stays open", () => {
    expect(allowed([denyEgress], web, ip("8.8.8.8"), 443)).toBe(false);
    expect(allowed([denyEgress], web, api)).toBe(false);
    expect(allowed([denyEgress], pod("other", "x"), api)).toBe(true);
    expect(evaluateFlow([denyEgress], [], web, api, 80).reason).toMatch(/^egress of apps\/web isolated by apps\/deny-egress/);
  });

  test("a policy selects only pods of its own namespace that match its podSelector", () => {
    const onlyDb = pol("db", "apps", { podSelector: { matchLabels: { app: "db" } }, ingress: [] });
    expect(allowed([onlyDb], web, db)).toBe(false);
    expect(allowed([onlyDb], web, api)).toBe(true);
    expect(allowed([onlyDb], web, pod("other", "db"))).toBe(true);
  });
});

describe("policyTypes defaulting", () => {
  test("absent policyTypes: Ingress always, Egress only when there is an egress rule", () => {
    const withEgress = pol("p", "apps", { podSelector: {}, egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }] }] });
    expect(allowed([withEgress], web, ip("8.8.8.8"))).toBe(false);
    expect(allowed([withEgress], web, db)).toBe(false); // ingress is isolated too, with no ingress rules
    // `egress: []` without policyTypes does not isolate egress (the defaulting counts rules, not the field).
    const emptyEgress = pol("p", "apps", { podSelector: {}, egress: [] });
    expect(allowed([emptyEgress], web, ip("8.8.8.8"))).toBe(true);
    expect(allowed([emptyEgress], web, api)).toBe(false);
    expect(allowed([pol("p", "apps", { podSelector: {}, policyTypes: [], egress: [{}] })], web, ip("8.8.8.8"))).toBe(true);
  });

  test("explicit policyTypes win: ingress rules of an Egress-only policy neither isolate nor allow", () => {
    const egressOnly = pol("p", "apps", { podSelector: {}, policyTypes: ["Egress"], ingress: [], egress: [{}] });
    expect(allowed([egressOnly], pod("other", "x"), api)).toBe(true);
    expect(allowed([egressOnly], web, ip("1.1.1.1"))).toBe(true);
    const ignored = pol("p", "apps", { podSelector: {}, policyTypes: ["Ingress"], ingress: [], egress: [{}] });
    expect(allowed([denyEgress, ignored], web, ip("1.1.1.1"))).toBe(false);
  });
});

describe("peers", () => {
  const namespaces: NsInfo[] = [{ name: "monitoring", labels: { team: "obs" } }, { name: "dev", labels: { team: "obs" } }];

  test("podSelector alone: matching pods of the policy's namespace only", () => {
    const p = pol("from-web", "apps", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] });
    expect(evaluateFlow([p], [], web, api, 80).reason).toBe("no policy isolates apps/web for egress; ingress allowed by apps/from-web ingress[0]");
    expect(allowed([p], db, api)).toBe(false);
    expect(allowed([p], pod("other", "web"), api)).toBe(false);
    expect(allowed([p], ip("10.1.2.3"), api)).toBe(false);
  });

  test("the classic from: [{podSelector: {}}] admits every pod of the namespace, and only those", () => {
    const p = pol("meant-for-web", "apps", { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: {} }] }] });
    expect(allowed([p], pod("apps", "compromised", { anything: "x" }), db, 5432)).toBe(true);
    expect(allowed([p], pod("apps", "unlabelled", {}), db, 5432)).toBe(true);
    expect(allowed([p], pod("other", "web"), db, 5432)).toBe(false);
    // namespaceSelector: {} is the wider mistake: every pod in every namespace.
    const wide = pol("wide", "apps", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(allowed([wide], pod("anywhere", "x"), db)).toBe(true);
    expect(allowed([wide], ip("10.0.0.1"), db)).toBe(false);
  });

  test("namespaceSelector alone: all pods of matching namespaces, with kubernetes.io/metadata.name added", () => {
    const p = pol("obs", "apps", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "obs" } } }] }] });
    expect(allowed([p], pod("monitoring", "prom"), api, 80, "TCP", namespaces)).toBe(true);
    expect(allowed([p], pod("dev", "shell"), api, 80, "TCP", namespaces)).toBe(true);
    expect(allowed([p], pod("apps", "web"), api, 80, "TCP", namespaces)).toBe(false);
    const byName = pol("byname", "apps", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }] }] });
    expect(allowed([byName], pod("monitoring", "prom"), api, 80, "TCP", namespaces)).toBe(true);
    expect(allowed([byName], pod("monitoring", "prom"), api)).toBe(true); // unknown namespace: the name label still holds
    expect(allowed([byName], pod("dev", "prom"), api, 80, "TCP", namespaces)).toBe(false);
  });

  test("both selectors in one peer are ANDed; in two peers they are ORed", () => {
    const nsSel: LabelSelector = { matchLabels: { team: "obs" } };
    const podSel: LabelSelector = { matchLabels: { app: "prom" } };
    const and = pol("and", "apps", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: nsSel, podSelector: podSel }] }] });
    const or = pol("or", "apps", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: nsSel }, { podSelector: podSel }] }] });
    const cases: [Endpoint, boolean, boolean][] = [
      [pod("monitoring", "prom"), true, true],
      [pod("monitoring", "grafana"), false, true],
      [pod("apps", "prom"), false, true],
      [pod("other", "prom"), false, false],
    ];
    for (const [from, viaAnd, viaOr] of cases) {
      expect(allowed([and], from, api, 80, "TCP", namespaces)).toBe(viaAnd);
      expect(allowed([or], from, api, 80, "TCP", namespaces)).toBe(viaOr);
    }
  });

  test("ipBlock with except: the internet but not the metadata service; pods never match an ipBlock", () => {
    const p = pol("internet", "apps", {
      podSelector: {}, policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32", "10.0.0.0/8"] } }, { ipBlock: { cidr: "::/0", except: ["fd00:ec2::254/128"] } }] }],
    });
    expect(allowed([p], web, ip("8.8.8.8"), 443)).toBe(true);
    expect(allowed([p], web, ip("169.254.169.254"))).toBe(false);
    expect(allowed([p], web, ip("169.254.169.253"))).toBe(true);
    expect(allowed([p], web, ip("10.96.0.1"), 443)).toBe(false);
    expect(allowed([p], web, ip("2001:4860:4860::8888"), 443)).toBe(true);
    expect(allowed([p], web, ip("fd00:ec2::254"))).toBe(false);
    expect(allowed([p], web, api)).toBe(false);
  });

  test("CIDR matching: prefixes, IPv6 forms, families kept apart, bad input throws", () => {
    expect(cidrContains("192.168.0.0/16", "192.168.255.1")).toBe(true);
    expect(cidrContains("192.168.0.0/16", "192.169.0.1")).toBe(false);
    expect(cidrContains("10.0.0.5/32", "10.0.0.5")).toBe(true);
    expect(cidrContains("10.0.0.5/32", "10.0.0.6")).toBe(false);
    expect(cidrContains("2001:db8::/32", "2001:0db8:ffff::1")).toBe(true);
    expect(cidrContains("::ffff:0:0/96", "::ffff:10.0.0.1")).toBe(true);
    expect(cidrContains("0.0.0.0/0", "::1")).toBe(false);
    expect(() => cidrContains("10.0.0.0/33", "10.0.0.1")).toThrow("invalid CIDR");
    expect(() => cidrContains("10.0.0.0", "10.0.0.1")).toThrow("invalid CIDR");
    expect(() => cidrContains("10.0.0.0/8", "10.0.0.256")).toThrow("invalid IP");
    expect(() => cidrContains("1:2:3:4:5:6:7:8:9/64", "::1")).toThrow("invalid CIDR");
  });
});

describe("ports", () => {
  test("port, endPort range, protocol defaulting to TCP, and named ports reported", () => {
    const p = pol("ports", "apps", {
      podSelector: {}, policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: 8080 }, { protocol: "TCP", port: 30000, endPort: 30010 }, { protocol: "SCTP" }] }],
    });
    expect(allowed([p], web, api, 8080)).toBe(true);
    expect(allowed([p], web, api, 8081)).toBe(false);
    expect(allowed([p], web, api, 8080, "UDP")).toBe(false);
    expect(allowed([p], web, api, 30000)).toBe(true);
    expect(allowed([p], web, api, 30010)).toBe(true);
    expect(allowed([p], web, api, 30011)).toBe(false);
    expect(allowed([p], web, api, 9999, "SCTP")).toBe(true);
    const named = pol("named", "apps", { podSelector: {}, ingress: [{ ports: [{ port: "http" }] }] });
    const r = evaluateFlow([named], [], web, api, 80);
    expect(r.allowed).toBe(false);
    expect(r.warnings).toEqual(['apps/named ingress[0]: named port "http" cannot be resolved (container ports are not modelled); treated as no match']);
  });

  test("default-deny egress plus DNS: UDP and TCP 53 to kube-dns in kube-system only", () => {
    const dns = pol("allow-dns", "apps", {
      podSelector: {}, policyTypes: ["Egress"],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
      }],
    });
    const coredns = pod("kube-system", "coredns", { "k8s-app": "kube-dns" });
    expect(allowed([denyEgress, dns], web, coredns, 53, "UDP")).toBe(true);
    expect(allowed([denyEgress, dns], web, coredns, 53, "TCP")).toBe(true);
    expect(allowed([denyEgress, dns], web, coredns, 54, "UDP")).toBe(false);
    expect(allowed([denyEgress, dns], web, pod("kube-system", "metrics", { "k8s-app": "metrics-server" }), 53, "UDP")).toBe(false);
    expect(allowed([denyEgress, dns], web, pod("apps", "fake-dns", { "k8s-app": "kube-dns" }), 53, "UDP")).toBe(false);
    expect(allowed([denyEgress, dns], web, ip("8.8.8.8"), 53, "UDP")).toBe(false);
  });
});

describe("combining policies", () => {
  test("policies are a union: deny-all plus two allows admits both sources, nothing else", () => {
    const fromWeb = pol("from-web", "apps", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] });
    const fromDb = pol("from-db", "apps", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "db" } } }] }] });
    const all = [denyIngress, fromWeb, fromDb];
    expect(allowed(all, web, api)).toBe(true);
    expect(evaluateFlow(all, [], db, api, 80).reason).toContain("ingress allowed by apps/from-db ingress[0]");
    expect(allowed(all, pod("apps", "other"), api)).toBe(false);
    expect(evaluateFlow(all, [], pod("apps", "other"), api, 80).reason).toContain("isolated by apps/deny-ingress, apps/from-web, apps/from-db");
  });

  test("across namespaces a flow needs the source's egress and the destination's ingress", () => {
    const a = pod("front", "a");
    const b = pod("back", "b");
    const denyAll = (ns: string) => pol("deny", ns, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const egressToB = pol("to-b", "front", { podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "back" } } }], ports: [{ port: 8080 }] }] });
    const ingressFromA = pol("from-a", "back", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "front" } }, podSelector: { matchLabels: { app: "a" } } }] }] });
    const base = [denyAll("front"), denyAll("back")];
    expect(evaluateFlow([...base, egressToB], [], a, b, 8080).reason).toMatch(/^ingress of back\/b isolated by back\/deny/);
    expect(evaluateFlow([...base, ingressFromA], [], a, b, 8080).reason).toMatch(/^egress of front\/a isolated by front\/deny/);
    expect(evaluateFlow([...base, egressToB, ingressFromA], [], a, b, 8080)).toEqual({
      allowed: true, reason: "egress allowed by front/to-b egress[0]; ingress allowed by back/from-a ingress[0]", warnings: [],
    });
    expect(allowed([...base, egressToB, ingressFromA], a, b, 8443)).toBe(false);
    expect(allowed([...base, egressToB, ingressFromA], b, a, 8080)).toBe(false);
  });
});

describe("label selectors", () => {
  const labels = { app: "api", tier: "backend" };
  test.each<[string, LabelSelector, boolean]>([
    ["empty", {}, true],
    ["matchLabels", { matchLabels: { app: "api", tier: "backend" } }, true],
    ["matchLabels mismatch", { matchLabels: { app: "api", tier: "frontend" } }, false],
    ["In", { matchExpressions: [{ key: "tier", operator: "In", values: ["backend", "db"] }] }, true],
    ["In, key missing", { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }, false],
    ["NotIn", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["backend"] }] }, false],
    ["NotIn, key missing", { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
    ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
    ["matchLabels AND matchExpressions", { matchLabels: { app: "api" }, matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
  ])("%s", (_name, selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
    const p = pol("sel", "apps", { podSelector: {}, ingress: [{ from: [{ podSelector: selector }] }] });
    expect(allowed([p], pod("apps", "x", labels), db)).toBe(expected);
  });

  test("an operator the API would reject throws instead of silently denying", () => {
    const bad = { matchExpressions: [{ key: "app", operator: "in" }] } as unknown as LabelSelector;
    expect(() => selectorMatches(bad, labels)).toThrow('unknown label selector operator "in"');
  });
});

describe("from manifests", () => {
  const manifests = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps", labels: { team: "x", "kubernetes.io/metadata.name": "wrong" } } },
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "apps" }, spec: { template: { metadata: { labels: { app: "web" } } } } },
    { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "apps" }, spec: { template: { metadata: { labels: { app: "db" } } } } },
    { apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", namespace: "apps" }, spec: { template: { metadata: { labels: { app: "migrate" } } } } },
    { apiVersion: "batch/v1", kind: "Job", metadata: { name: "manual", namespace: "apps" }, spec: { manualSelector: true, template: { metadata: { labels: { app: "manual" } } } } },
    { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "backup" }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: "backup" } } } } } } },
    { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "apps" }, spec: { selector: { app: "web" } } },
    { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "db", namespace: "apps" }, spec: { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { "job-name": "migrate" } } }] }] } },
  ];

  test("podsOf reads templates, adds the Job labels, skips non-workloads; namespacesOf fixes the name label", () => {
    expect(podsOf(manifests)).toEqual([
      { namespace: "apps", name: "web", labels: { app: "web" } },
      { namespace: "apps", name: "db", labels: { app: "db" } },
      { namespace: "apps", name: "migrate", labels: { app: "migrate", "batch.kubernetes.io/job-name": "migrate", "job-name": "migrate" } },
      { namespace: "apps", name: "manual", labels: { app: "manual" } },
      { namespace: "default", name: "backup", labels: { app: "backup" } },
    ]);
    expect(namespacesOf(manifests)).toEqual([{ name: "apps", labels: { team: "x", "kubernetes.io/metadata.name": "apps" } }]);
  });

  test("end to end: only the migration Job reaches the database", () => {
    const [webPod, dbPod, migratePod] = podsOf(manifests);
    const policies = policiesOf(manifests);
    expect(policies.map((p) => p.metadata.name)).toEqual(["db"]);
    expect(evaluateFlow(policies, namespacesOf(manifests), { pod: migratePod }, { pod: dbPod }, 5432).allowed).toBe(true);
    expect(evaluateFlow(policies, namespacesOf(manifests), { pod: webPod }, { pod: dbPod }, 5432).allowed).toBe(false);
  });

  test("ip to ip involves no pod, so no policy applies", () => {
    expect(evaluateFlow([denyIngress, denyEgress], [], ip("1.1.1.1"), ip("8.8.8.8"), 53, "UDP").allowed).toBe(true);
  });
});
