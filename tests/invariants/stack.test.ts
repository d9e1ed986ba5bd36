/**
 * Whole-program invariants: evaluate index.ts for each stack file, exactly as `pulumi preview` would
 * (under mocks), and check properties over every registered resource.
 */
import { ConfigError } from "../../components/stack";
import { isPinned } from "../../components/lib/images";
import {
  at,
  containersOf,
  isSecretValue,
  k8sName,
  ofType,
  podSpecOf,
  lastRecorded,
  OPERATOR_TOKEN,
  renderStack,
  WORKLOAD_KINDS,
  type Json,
  type JsonObject,
  type Recorded,
  type RenderOptions,
  type RegisteredResource,
  type StackName,
} from "../helpers/harness";
import { longestChain } from "../../scripts/lib/chain";
import { keptOnDestroy } from "../../scripts/lib/kept";

const OPERATOR_SECRET = OPERATOR_TOKEN;

function namespaceOf(r: Recorded): string | undefined {
  return at(r.inputs, "metadata.namespace") as string | undefined;
}

function workloads(res: Recorded[]): Recorded[] {
  return WORKLOAD_KINDS.flatMap((k) => ofType(res, k));
}

function allContainers(w: Recorded): Array<{ c: JsonObject; init: boolean }> {
  return [...containersOf(w).map((c) => ({ c, init: false })), ...containersOf(w, true).map((c) => ({ c, init: true }))];
}

/** Every string in a JSON value that is NOT inside a secret wrapper. */
function plaintextStrings(v: Json | undefined, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => plaintextStrings(x, out));
  else if (v && typeof v === "object" && !isSecretValue(v)) Object.values(v).forEach((x) => plaintextStrings(x, out));
  return out;
}

/** The Services a chart renders, read from the values that decide them (charts are not rendered under mocks). */
function chartServices(res: Recorded[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of res.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart")) {
    const values = c.inputs.values as JsonObject;
    const ns = String(c.inputs.namespace);
    if (c.inputs.chart === "harbor" && at(values, "expose.type") === "clusterIP") {
      out.set(`${ns}/${at(values, "expose.clusterIP.name")}`, [at(values, "expose.clusterIP.ports.httpPort") as number]);
    }
    if (c.inputs.chart === "pgadmin4") out.set(`${ns}/${values.fullnameOverride}`, [at(values, "service.port") as number]);
    if (c.inputs.chart === "kube-prometheus-stack") out.set(`${ns}/${at(values, "grafana.fullnameOverride")}`, [at(values, "grafana.service.port") as number]);
  }
  return out;
}

// Each stack file, and prod with the other public exposure (the invariants hold in every mode).
const CASES: Array<[string, StackName, RenderOptions]> = [
  ["dev", "dev", {}],
  ["prod", "prod", {}],
  ["prod under ingress", "prod", { set: { exposure: "ingress", ingressClassName: "nginx", edgeAuth: "external" } }],
];

describe.each(CASES)("stack %s", (name, stack, options) => {
  let res: Recorded[];
  let registered: RegisteredResource[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources: res, registered, outputs } = await renderStack(stack, { ...options, secrets: { githubToken: OPERATOR_SECRET } }));
  });

  test("a first `up` creates in at most three waves (namespace or generated value -> config/secret -> workload)", () => {
    // Each wave waits for the previous one's outputs; a Service create waits ~10 s for endpoints under the real
    // engine, so nothing may wait on a Service: in-cluster URLs come from names, and init gates order start-up.
    // Add-ons add a wave each where an object needs what they supply (tests/invariants/apis.test.ts): a chart on
    // the chain (cert-manager after Envoy Gateway, whose Gateway API CRDs it watches from its start; the
    // ClusterIssuer after cert-manager), and Envoy Gateway's certgen Job, whose certificates its chart mounts.
    const chain = longestChain(registered);
    const steps = chain.nodes.map((n) => `${n.type} ${n.name}`);
    const addonSteps = chain.nodes.filter((n) => n.type === "kubernetes:helm.sh/v4:Chart" || (n.type === "kubernetes:batch/v1:Job" && n.name === "envoy-gateway-certgen")).length;
    expect(steps.length).toBeLessThanOrEqual(3 + addonSteps);
    // Without add-ons on the chain, the suites' own three waves.
    if (addonSteps === 0) expect(steps.length).toBeLessThanOrEqual(3);
    const services = new Set(registered.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => r.urn));
    const waitsOnService = registered.filter((r) => r.dependencies.some((d) => services.has(d))).map((r) => `${r.type} ${r.name}`);
    expect(waitsOnService).toEqual([]);
  });

  test("every Service selects the pod template of a workload in its namespace", () => {
    const services = ofType(res, "core/v1:Service");
    expect(services.length).toBeGreaterThan(10);
    for (const svc of services) {
      const selector = at(svc.inputs, "spec.selector") as Record<string, string>;
      expect(Object.keys(selector ?? {}).length).toBeGreaterThan(0);
      const matches = workloads(res).filter((w) => {
        const labels = (at(w.inputs, "spec.template.metadata.labels") ?? {}) as Record<string, string>;
        return namespaceOf(w) === namespaceOf(svc) && Object.entries(selector).every(([k, v]) => labels[k] === v);
      });
      expect({ service: k8sName(svc), matches: matches.length }).toEqual({ service: k8sName(svc), matches: 1 });
      // Named target ports exist on the selected pods.
      const podPorts = new Set(containersOf(matches[0]).flatMap((c) => ((c.ports ?? []) as JsonObject[]).map((p) => p.name)));
      for (const p of (at(svc.inputs, "spec.ports") ?? []) as JsonObject[]) {
        if (typeof p.targetPort === "string") expect({ service: k8sName(svc), port: p.targetPort, found: podPorts.has(p.targetPort) }).toMatchObject({ found: true });
      }
    }
  });

  test("every Deployment/StatefulSet selector matches its own pod template labels", () => {
    for (const w of [...ofType(res, "apps/v1:Deployment"), ...ofType(res, "apps/v1:StatefulSet")]) {
      const match = at(w.inputs, "spec.selector.matchLabels") as Record<string, string>;
      const labels = at(w.inputs, "spec.template.metadata.labels") as Record<string, string>;
      expect(labels).toMatchObject(match);
    }
  });

  test("every secretKeyRef, configMapKeyRef, envFrom, volume and service account resolves (or is explicitly optional)", () => {
    const secrets = new Map(ofType(res, "core/v1:Secret").map((s) => [`${namespaceOf(s)}/${k8sName(s)}`, Object.keys((s.inputs.stringData ?? s.inputs.data ?? {}) as JsonObject)]));
    const configMaps = new Map(ofType(res, "core/v1:ConfigMap").map((c) => [`${namespaceOf(c)}/${k8sName(c)}`, Object.keys((c.inputs.data ?? {}) as JsonObject)]));
    // Every data claim the stack makes: its PVCs, its StatefulSets' templates and its charts' (kept.ts lists them all).
    const made = keptOnDestroy(res, registered);
    const claims = new Set([...made.claims, ...made.lost].map((c) => `${c.namespace}/${c.claim}`));
    const accounts = new Set(ofType(res, "core/v1:ServiceAccount").map((a) => `${namespaceOf(a)}/${k8sName(a)}`));
    let checked = 0;
    for (const w of workloads(res)) {
      const ns = namespaceOf(w);
      const pod = podSpecOf(w);
      if (pod.serviceAccountName) expect(accounts.has(`${ns}/${pod.serviceAccountName}`)).toBe(true);
      for (const v of (pod.volumes ?? []) as JsonObject[]) {
        const claim = at(v, "persistentVolumeClaim.claimName");
        if (claim) expect({ claim, ok: claims.has(`${ns}/${claim}`) }).toMatchObject({ ok: true });
      }
      for (const { c } of allContainers(w)) {
        for (const e of (c.env ?? []) as JsonObject[]) {
          for (const [kind, store] of [["secretKeyRef", secrets], ["configMapKeyRef", configMaps]] as const) {
            const ref = at(e, `valueFrom.${kind}`) as JsonObject | undefined;
            if (!ref) continue;
            checked++;
            // optional: true covers a missing object and a missing key (Kubernetes semantics).
            if (ref.optional === true) continue;
            const keys = store.get(`${ns}/${ref.name}`);
            const id = `${k8sName(w)}: ${kind} ${ref.name}/${ref.key}`;
            expect({ id, resolves: keys?.includes(String(ref.key)) ?? false }).toEqual({ id, resolves: true });
          }
        }
        for (const from of (c.envFrom ?? []) as JsonObject[]) {
          const secretRef = from.secretRef as JsonObject | undefined;
          const cmRef = from.configMapRef as JsonObject | undefined;
          const ref = secretRef ?? cmRef!;
          checked++;
          const exists = (secretRef ? secrets : configMaps).has(`${ns}/${ref.name}`);
          expect({ envFrom: ref.name, ok: exists || ref.optional === true }).toMatchObject({ ok: true });
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  test("every route backend (Ingress or HTTPRoute) names an existing Service and one of its ports", () => {
    const services = new Map([
      ...ofType(res, "core/v1:Service").map((s) => [`${namespaceOf(s)}/${k8sName(s)}`, ((at(s.inputs, "spec.ports") ?? []) as JsonObject[]).map((p) => p.port as number)] as const),
      ...chartServices(res),
    ]);
    const backends: Array<{ route: string; ns: string; name: string; port: number }> = [];
    for (const ing of ofType(res, "networking.k8s.io/v1:Ingress")) {
      for (const rule of (at(ing.inputs, "spec.rules") ?? []) as JsonObject[]) {
        for (const p of (at(rule, "http.paths") ?? []) as JsonObject[]) {
          const svc = at(p, "backend.service") as JsonObject;
          backends.push({ route: k8sName(ing), ns: String(namespaceOf(ing)), name: String(svc.name), port: at(svc, "port.number") as number });
        }
      }
    }
    for (const route of ofType(res, "gateway.networking.k8s.io/v1:HTTPRoute")) {
      for (const rule of (at(route.inputs, "spec.rules") ?? []) as JsonObject[]) {
        for (const b of (rule.backendRefs ?? []) as JsonObject[]) backends.push({ route: k8sName(route), ns: String(namespaceOf(route)), name: String(b.name), port: b.port as number });
      }
    }
    for (const b of backends) expect({ ...b, ok: services.get(`${b.ns}/${b.name}`)?.includes(b.port) ?? false }).toMatchObject({ ok: true });
    // The studio, Harbor and pgAdmin are published in both public modes.
    // So are the LLM stack, the context engine, MLOps (MinIO console, MLflow) and Grafana.
    if (stack === "prod") expect(new Set(backends.map((b) => b.ns))).toEqual(new Set(["context-engine", "llm-stack", "llmctl", "llmctl-harbor", "llmctl-pgadmin", "mlops", "monitoring"]));
  });

  test("every HTTPRoute attaches to a listener of an existing Gateway that serves its hosts and admits its namespace", () => {
    const gateways = ofType(res, "gateway.networking.k8s.io/v1:Gateway");
    for (const route of ofType(res, "gateway.networking.k8s.io/v1:HTTPRoute")) {
      for (const ref of (at(route.inputs, "spec.parentRefs") ?? []) as JsonObject[]) {
        const gw = gateways.find((g) => k8sName(g) === ref.name && namespaceOf(g) === (ref.namespace ?? namespaceOf(route)));
        const listener = ((gw && at(gw.inputs, "spec.listeners")) as JsonObject[] | undefined)?.find((l) => l.name === ref.sectionName);
        const hostsServed = ((at(route.inputs, "spec.hostnames") ?? []) as string[]).every((h) => listener?.hostname === undefined || listener.hostname === h);
        const admitted = (at(listener ?? {}, "allowedRoutes.namespaces.selector.matchExpressions.0.values") as string[] | undefined)?.includes(String(namespaceOf(route))) ?? false;
        expect({ route: k8sName(route), ref: ref.sectionName, gateway: !!gw, listener: !!listener, hostsServed, admitted }).toMatchObject({ gateway: true, listener: true, hostsServed: true, admitted: true });
      }
    }
    // The redirect, the studio, Harbor, pgAdmin, OpenWebUI, the React client, the context engine, the MinIO
    // console, MLflow, Grafana.
    if (name === "prod") expect(ofType(res, "gateway.networking.k8s.io/v1:HTTPRoute").length).toBe(10);
  });

  test("every workload that can run several replicas spreads them over nodes", () => {
    const hpaTargets = new Set(ofType(res, "autoscaling/v2:HorizontalPodAutoscaler").map((h) => `${namespaceOf(h)}/${at(h.inputs, "spec.scaleTargetRef.name")}`));
    let multi = 0;
    for (const d of ofType(res, "apps/v1:Deployment")) {
      const replicas = (at(d.inputs, "spec.replicas") as number | undefined) ?? 1;
      if (replicas < 2 && !hpaTargets.has(`${namespaceOf(d)}/${k8sName(d)}`)) continue;
      multi++;
      expect({ d: k8sName(d), spread: podSpecOf(d).topologySpreadConstraints }).toEqual({
        d: k8sName(d),
        spread: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: at(d.inputs, "spec.selector.matchLabels") } }],
      });
    }
    expect(multi).toBeGreaterThan(0);
  });

  test("every HPA targets an existing Deployment, which then leaves replicas unset", () => {
    for (const hpa of ofType(res, "autoscaling/v2:HorizontalPodAutoscaler")) {
      const target = at(hpa.inputs, "spec.scaleTargetRef") as JsonObject;
      const dep = ofType(res, "apps/v1:Deployment").find((d) => k8sName(d) === target.name && namespaceOf(d) === namespaceOf(hpa));
      expect(dep).toBeDefined();
      expect(at(dep!.inputs, "spec.replicas")).toBeUndefined();
    }
  });

  test("every container has cpu, memory and ephemeral-storage requests and limits; every long-running container has readiness and liveness probes", () => {
    for (const w of workloads(res)) {
      const longRunning = w.type !== "kubernetes:batch/v1:Job" && w.type !== "kubernetes:batch/v1:CronJob";
      for (const { c, init } of allContainers(w)) {
        const id = `${k8sName(w)}/${c.name}`;
        for (const k of ["requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage"]) {
          expect({ id, k, set: at(c, `resources.${k}`) !== undefined }).toMatchObject({ set: true });
        }
        if (longRunning && !init) {
          expect({ id, readiness: !!c.readinessProbe, liveness: !!c.livenessProbe }).toMatchObject({ readiness: true, liveness: true });
        }
      }
    }
  });

  test("every pod we build meets Pod Security 'restricted'; a namespace enforcing less says why", () => {
    for (const w of workloads(res)) {
      const pod = podSpecOf(w);
      expect({ w: k8sName(w), pod: pod.securityContext }).toMatchObject({ pod: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } });
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const { c } of allContainers(w)) {
        expect({ c: `${k8sName(w)}/${c.name}`, sc: c.securityContext }).toMatchObject({
          sc: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        });
      }
      for (const v of (pod.volumes ?? []) as JsonObject[]) expect(v.hostPath).toBeUndefined();
    }
    for (const ns of ofType(res, "core/v1:Namespace")) {
      const meta = ns.inputs.metadata as JsonObject;
      const labels = meta.labels as JsonObject;
      const enforce = labels["pod-security.kubernetes.io/enforce"];
      const reason = (meta.annotations as JsonObject | undefined)?.["llm-platform/pod-security-reason"];
      expect({ ns: k8sName(ns), enforce, explained: enforce === "restricted" || typeof reason === "string" }).toMatchObject({ explained: true });
      expect(labels["pod-security.kubernetes.io/warn"]).toBe("restricted");
      // The studio's namespace enforces baseline for the executor Jobs the studio builds (restricted is warned).
      if (k8sName(ns) === "llmctl") expect({ enforce, reason }).toEqual({ enforce: "baseline", reason: expect.stringMatching(/executor Jobs/) });
    }
  });

  test("every Secret's data is a Pulumi secret, and no generated or operator secret appears in plaintext anywhere", () => {
    for (const s of ofType(res, "core/v1:Secret")) {
      expect({ secret: k8sName(s), secretData: isSecretValue(s.raw.stringData ?? s.raw.data) }).toMatchObject({ secretData: true });
    }
    const generated = res.filter((r) => r.type === "random:index/randomPassword:RandomPassword").map((r) => `generated-${r.name}`);
    expect(generated.length).toBeGreaterThan(0);
    const forbidden = [...generated, OPERATOR_SECRET];
    for (const r of res) {
      const leaks = plaintextStrings(r.raw).filter((s) => forbidden.some((f) => s.includes(f)));
      expect({ resource: `${r.type} ${r.name}`, leaks }).toEqual({ resource: `${r.type} ${r.name}`, leaks: [] });
    }
    const plainOutputs = plaintextStrings(outputs as unknown as Json);
    for (const f of forbidden) expect(plainOutputs.filter((o) => o.includes(f))).toEqual([]);
    // Credentials a person needs are exported, but only as secret outputs.
    const llmctl = outputs.llmctl as JsonObject;
    expect(isSecretValue(at(llmctl, "harbor.adminPassword"))).toBe(true);
    expect(isSecretValue(at(llmctl, "pgadmin.password"))).toBe(true);
    if (name === "prod") expect(isSecretValue(at(outputs.edge as JsonObject, "auth.password"))).toBe(true);
  });

  test("no two Services claim the same NodePort", () => {
    const ports = ofType(res, "core/v1:Service").flatMap((s) => ((at(s.inputs, "spec.ports") ?? []) as JsonObject[]).map((p) => p.nodePort).filter((p) => p !== undefined));
    expect(new Set(ports).size).toBe(ports.length);
    if (stack === "dev") expect(ports).toEqual(expect.arrayContaining([30155, 30157]));
  });

  test("every Kubernetes object carries the standard labels", () => {
    for (const r of res.filter((x) => x.type.startsWith("kubernetes:") && !x.type.startsWith("kubernetes:helm"))) {
      expect({ r: `${r.type} ${k8sName(r)}`, labels: at(r.inputs, "metadata.labels") }).toMatchObject({
        labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "llm-platform" },
      });
    }
  });

  test("images: prod pins every image; dev may float", () => {
    const images = workloads(res).flatMap((w) => allContainers(w).map(({ c }) => String(c.image)));
    expect(images.length).toBeGreaterThan(10);
    if (stack === "prod") {
      const unpinned = images.filter((i) => !isPinned(i));
      expect(unpinned).toEqual([]);
    }
  });
});

describe("bad config never half-applies", () => {
  test.each<StackName>(["dev", "prod"])("%s: an invalid key fails before any resource is registered", async (stack) => {
    const error = await renderStack(stack, { set: { llmctlBackendNodePort: 80 } }).then(
      () => undefined,
      (e: Error) => e,
    );
    // index.ts is loaded in an isolated module registry, so compare by name rather than class identity.
    expect(error?.name).toBe(ConfigError.name);
    expect(error?.message).toMatch(/llm-platform:llmctlBackendNodePort: must be between 30000 and 32767 \(got 80\)/);
    expect(lastRecorded()).toEqual([]);
  });

  test("prod refuses a floating tag because it requires pinned images", async () => {
    await expect(renderStack("prod", { set: { imageTag: "latest" } })).rejects.toThrow(/llm-platform:imageTag: image llmctl-studio-backend resolves to .* not pinned/);
  });
});
