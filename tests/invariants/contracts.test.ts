/**
 * Every rendered container runs what its image really runs (components/lib/contracts.ts): the image has a
 * contract read from its source at the pinned tag (or from its seed), every env name the container gets is one
 * the program reads, every container port is one the process opens with the rendered command line and env,
 * and every HTTP probe asks a path the program serves on such a port.
 */
import { type ContainerView, type ImageContract, readsEnv } from "../../components/lib/contracts";
import { mergeCatalogues, PLATFORM_IMAGES, resolveImages } from "../../components/lib/images";
import { ADDON_IMAGE_CONTRACTS, PLATFORM_CONTRACTS } from "../../components/lib/platformContracts";
import { SUITES } from "../../components/suites/registry";
import { at, containersOf, k8sName, parsedStack, renderStack, WORKLOAD_KINDS, type JsonObject, type Recorded, type StackName } from "../helpers/harness";

interface Running {
  readonly where: string;
  /** The pod it runs in (namespace/workload): a probe may ask a port another container of the pod opens. */
  readonly pod?: string;
  readonly image: string;
  readonly key?: string;
  readonly container: JsonObject;
  readonly view: ContainerView;
}

/** Image reference -> catalogue key for a stack's resolved images, and every catalogue's contracts. */
function catalogueOf(stack: StackName): { keyOf: (image: string) => string | undefined; contracts: Record<string, ImageContract> } {
  const config = parsedStack(stack);
  const catalogue = mergeCatalogues([PLATFORM_IMAGES, ...SUITES.map((s) => s.images)]);
  const byRef = new Map<string, string>();
  for (const [key, ref] of Object.entries(resolveImages(catalogue, config.images))) byRef.set(ref, key);
  const contracts: Record<string, ImageContract> = { ...PLATFORM_CONTRACTS };
  for (const s of SUITES) Object.assign(contracts, s.images.contracts ?? {});
  return { keyOf: (image) => byRef.get(image) ?? ADDON_IMAGE_CONTRACTS.find((a) => a.matches(image))?.key, contracts: { ...contracts, ...Object.fromEntries(ADDON_IMAGE_CONTRACTS.map((a) => [a.key, a.contract])) } };
}

/** The data keys of a ConfigMap or Secret in the namespace (envFrom brings every one of them). */
function dataKeys(res: readonly Recorded[], kind: "ConfigMap" | "Secret", ns: string, name: string): Record<string, string | undefined> {
  const obj = res.find((r) => r.type === `kubernetes:core/v1:${kind}` && k8sName(r) === name && at(r.inputs, "metadata.namespace") === ns);
  const data = { ...((obj?.inputs.data ?? {}) as JsonObject), ...((obj?.inputs.stringData ?? {}) as JsonObject) };
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, kind === "ConfigMap" && typeof v === "string" ? v : undefined]));
}

function running(res: readonly Recorded[]): Running[] {
  const out: Running[] = [];
  for (const w of WORKLOAD_KINDS.flatMap((k) => res.filter((r) => r.type === `kubernetes:${k}`))) {
    const ns = String(at(w.inputs, "metadata.namespace"));
    for (const init of [false, true]) {
      for (const c of containersOf(w, init)) {
        const env: Record<string, string | undefined> = {};
        for (const from of (c.envFrom ?? []) as JsonObject[]) {
          const ref = (from.configMapRef ?? from.secretRef) as JsonObject | undefined;
          if (ref) Object.assign(env, dataKeys(res, from.configMapRef ? "ConfigMap" : "Secret", ns, String(ref.name)));
        }
        for (const e of (c.env ?? []) as JsonObject[]) env[String(e.name)] = typeof e.value === "string" ? e.value : undefined;
        const view = { command: (c.command ?? []) as string[], args: (c.args ?? []) as string[], env };
        out.push({ where: `${ns}/${k8sName(w)} ${init ? "init " : ""}container ${String(c.name)}`, pod: `${ns}/${k8sName(w)}`, image: String(c.image), container: c, view });
      }
    }
  }
  return out;
}

/** Env names the container gets that its program never reads. */
function unreadEnv(c: Running, contract: ImageContract): string[] {
  return Object.keys(c.view.env).filter((name) => !readsEnv(contract, name, c.view));
}

/** Container ports the process does not open with the rendered command line and env. */
function closedPorts(c: Running, contract: ImageContract): string[] {
  const open = contract.listens(c.view);
  return ((c.container.ports ?? []) as JsonObject[]).filter((p) => !open.includes(Number(p.containerPort))).map((p) => `${String(p.containerPort)} (opens ${open.join(", ") || "nothing"})`);
}

/**
 * HTTP probes on a path the program does not serve, or on a port it does not open. `pod`: the other containers of
 * its pod with their contracts; a numbered port one of them opens and serves the path on counts (the kubelet probes
 * the pod's IP: a server on loopback is probed through its proxy).
 */
function wrongProbes(c: Running, contract: ImageContract, pod: ReadonlyArray<readonly [Running, ImageContract]> = []): string[] {
  const ports = new Map(((c.container.ports ?? []) as JsonObject[]).map((p) => [String(p.name), Number(p.containerPort)]));
  const serves = (x: Running, k: ImageContract, port: number, path: string) => k.listens(x.view).includes(port) && (k.httpPaths ?? []).includes(path);
  return ["readinessProbe", "livenessProbe", "startupProbe"].flatMap((kind) => {
    const http = at(c.container[kind], "httpGet") as JsonObject | undefined;
    if (!http) return [];
    const port = typeof http.port === "number" ? http.port : ports.get(String(http.port));
    const path = String(http.path ?? "/").split("?")[0];
    const ok = port !== undefined && (serves(c, contract, port, path) || (typeof http.port === "number" && pod.some(([x, k]) => serves(x, k, port, path))));
    return ok ? [] : [`${kind} ${path} on ${String(http.port)}`];
  });
}

/** A rendered-container stand-in for the checks' own tests. */
function fake(container: JsonObject, env: Record<string, string> = {}): Running {
  const view = { command: (container.command ?? []) as string[], args: (container.args ?? []) as string[], env };
  return { where: "test", image: "test", container, view };
}

describe("the checks find the breaches the review found (each check can fail)", () => {
  const contracts = catalogueOf("dev").contracts;
  test("an env name the image never reads: the MCP_TRANSPORT mcp-atlassian ignored", () => {
    expect(unreadEnv(fake({}, { MCP_TRANSPORT: "streamable-http", TRANSPORT: "streamable-http" }), contracts["mcp-atlassian"])).toEqual(["MCP_TRANSPORT"]);
  });
  test("a port the process does not open: a stdio server with no bridge, or a bridge that drops the env", () => {
    expect(closedPorts(fake({ ports: [{ containerPort: 8000 }] }), contracts["mcp-atlassian"])).toEqual(["8000 (opens nothing)"]);
    expect(closedPorts(fake({ command: ["mcp-proxy", "--host", "0.0.0.0", "--port", "8000", "--", "github-mcp-server", "stdio"], ports: [{ containerPort: 8000 }] }), contracts["mcp-github"])).toEqual(["8000 (opens nothing)"]);
    expect(closedPorts(fake({ command: ["python", "/app/scripts/mcp_indexer_server.py"], ports: [{ containerPort: 8003 }] }, { FASTMCP_PORT: "8003" }), contracts["context-engine"])).toEqual(["8003 (opens 8001)"]);
  });
  test("a probe on a path the program does not serve: the context engine's /health", () => {
    const c = fake({ command: ["python", "/app/scripts/mcp_memory_server.py"], ports: [{ name: "http", containerPort: 8000 }], readinessProbe: { httpGet: { path: "/health", port: 18000 } } }, { FASTMCP_HEALTH_PORT: "18000" });
    expect(wrongProbes(c, contracts["context-engine"])).toEqual(["readinessProbe /health on 18000"]);
  });
  test("a probe on a loopback server's port, or through a sibling that does not serve the path", () => {
    const chroma = fake({ readinessProbe: { httpGet: { path: "/api/v2/heartbeat", port: 8001 } } }, { CHROMA_PORT: "8001", CHROMA_LISTEN_ADDRESS: "127.0.0.1" });
    const proxy = fake({ ports: [{ name: "http", containerPort: 8000 }] });
    expect(wrongProbes({ ...chroma, container: { readinessProbe: { httpGet: { path: "/api/v2/heartbeat", port: 8000 } } } }, contracts.chromadb, [[proxy, contracts["chromadb-auth-proxy"]]])).toEqual([]);
    expect(wrongProbes({ ...chroma, container: { readinessProbe: { httpGet: { path: "/api/v2/collections", port: 8000 } } } }, contracts.chromadb, [[proxy, contracts["chromadb-auth-proxy"]]])).toEqual(["readinessProbe /api/v2/collections on 8000"]);
    expect(wrongProbes({ ...chroma, container: { readinessProbe: { httpGet: { path: "/api/v2/heartbeat", port: 8000 } } } }, contracts.chromadb)).toEqual(["readinessProbe /api/v2/heartbeat on 8000"]);
  });
});

describe.each<StackName>(["dev", "prod"])("%s", (stack) => {
  let containers: Running[];
  let contracts: Record<string, ImageContract>;
  beforeAll(async () => {
    const { resources } = await renderStack(stack);
    const cat = catalogueOf(stack);
    contracts = cat.contracts;
    containers = running(resources).map((r) => ({ ...r, key: cat.keyOf(r.image) }));
  });

  test("every image a container runs has a contract", () => {
    expect(containers.length).toBeGreaterThan(20);
    const missing = containers.filter((c) => !c.key || !contracts[c.key]).map((c) => `${c.where}: ${c.image}`);
    expect(missing).toEqual([]);
  });

  /** One check's findings over every container that has a contract: "<where> (<image>): <what>". */
  const findings = (check: (c: Running, contract: ImageContract) => string[]) =>
    containers.flatMap((c) => {
      const contract = c.key ? contracts[c.key] : undefined;
      return contract ? check(c, contract).map((what) => `${c.where} (${c.key}): ${what}`) : [];
    });

  test("every env name a container gets is one its program reads", () => {
    expect(findings(unreadEnv)).toEqual([]);
  });

  test("every container port is opened by the process, with the rendered command line and env", () => {
    expect(findings(closedPorts)).toEqual([]);
  });

  test("every HTTP probe asks a path the program serves, on a port it (or, by number, another container of its pod) opens", () => {
    const podOf = (c: Running) => containers.filter((x) => x !== c && x.pod === c.pod && x.key && contracts[x.key] && !x.where.includes(" init ")).map((x) => [x, contracts[x.key!]] as const);
    expect(findings((c, contract) => wrongProbes(c, contract, podOf(c)))).toEqual([]);
  });
});
