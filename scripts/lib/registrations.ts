/**
 * Records what the program asks the engine for, per resource: URN, parent, aliases, dependencies. The mocks'
 * newResource only sees type, name and inputs, so this wraps the mock monitor's registerResource, which gets
 * the whole RegisterResourceRequest (components included: the SDK registers those through the same RPC).
 */
import * as pulumi from "@pulumi/pulumi";
import { createUrn, parseUrn, type AliasSpec } from "./urns";

export interface RegisteredResource {
  /** The URN the engine would give it (the parent's whole type chain; see createUrn). */
  readonly urn: string;
  /** The URN the SDK's MockMonitor answered with (only the parent's last type), kept to map references. */
  readonly mockUrn: string;
  readonly type: string;
  readonly name: string;
  /** Parent URN (engine form); undefined at the top level, where the engine's parent is the Stack. */
  readonly parent?: string;
  readonly custom: boolean;
  /** A component the provider builds (helm.v4.Chart): the engine waits for all of its children. */
  readonly remote: boolean;
  /** The aliases as sent, with URNs in engine form. */
  readonly aliases: readonly AliasSpec[];
  /** What the engine waits for before creating it: dependsOn (components expanded) and Output inputs. */
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly deleteBeforeReplace: boolean;
  /** Left in the cluster when the engine deletes it (destroy, or removal from the program). */
  readonly retainOnDelete: boolean;
  /** Callback tokens of its transforms (the engine calls them for every child: see transforms.ts). */
  readonly transforms: readonly string[];
}

// The parts of the SDK's generated protobuf classes (proto/resource_pb, proto/alias_pb) read here.
interface AliasSpecMessage {
  getName(): string;
  getType(): string;
  getStack(): string;
  getProject(): string;
  getParenturn(): string;
  getNoparent(): boolean;
}
interface AliasMessage {
  getUrn(): string;
  getSpec(): AliasSpecMessage | undefined;
}
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getAliasesList(): AliasMessage[];
  getAliasurnsList(): string[];
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean | undefined;
  getTransformsList(): Array<{ getToken(): string }>;
}
type RegisterCallback = (err: Error | null, response?: { getUrn(): string }) => void;
interface MonitorLike {
  registerResource(req: RegisterResourceRequest, callback: RegisterCallback): unknown;
}

function isMonitor(value: unknown): value is MonitorLike {
  return typeof value === "object" && value !== null && typeof Reflect.get(value, "registerResource") === "function";
}

/**
 * Wraps the monitor that setMocks installed so every successful registration lands in `into`, in the order
 * the monitor answers. Call right after setMocks: getMonitor returns the MockMonitor kept in the SDK's global
 * store, the one a program talks to whichever copy of the SDK module it loaded.
 */
export function recordRegistrations(into: RegisteredResource[]): void {
  const monitor: unknown = pulumi.runtime.getMonitor();
  if (!isMonitor(monitor)) throw new Error("no Pulumi mock monitor: call pulumi.runtime.setMocks first");
  const toEngine = new Map<string, string>();
  const engineUrn = (mockUrn: string): string => toEngine.get(mockUrn) ?? mockUrn;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (err, response) => {
      if (!err && response) {
        const mockUrn = response.getUrn();
        // The SDK registers a child only after its parent's URN resolved, so the parent is mapped already.
        const parent = req.getParent() ? engineUrn(req.getParent()) : undefined;
        const { project, stack } = parseUrn(mockUrn);
        const urn = createUrn(req.getName(), req.getType(), parent, project, stack);
        toEngine.set(mockUrn, urn);
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => {
          propertyDependencies[key] = deps.getUrnsList().map(engineUrn);
        });
        into.push({
          urn,
          mockUrn,
          type: req.getType(),
          name: req.getName(),
          parent,
          custom: req.getCustom(),
          remote: req.getRemote(),
          aliases: aliasesOf(req, engineUrn),
          dependencies: req.getDependenciesList().map(engineUrn),
          propertyDependencies,
          deleteBeforeReplace: req.getDeletebeforereplace(),
          retainOnDelete: req.getRetainondelete() ?? false,
          transforms: req.getTransformsList().map((c) => c.getToken()),
        });
      }
      callback(err, response);
    });
}

function aliasesOf(req: RegisterResourceRequest, engineUrn: (u: string) => string): AliasSpec[] {
  // Monitors without alias specs get plain URNs (aliasUrns); the mock monitor supports specs, but keep both.
  const out: AliasSpec[] = req.getAliasurnsList().map((urn) => ({ urn }));
  for (const a of req.getAliasesList()) {
    const spec = a.getSpec();
    if (!spec) {
      out.push({ urn: a.getUrn() });
      continue;
    }
    // Protobuf reports unset strings as "": drop them so defaults apply.
    const entries = Object.entries({
      name: spec.getName(),
      type: spec.getType(),
      stack: spec.getStack(),
      project: spec.getProject(),
      parentUrn: spec.getParenturn() ? engineUrn(spec.getParenturn()) : "",
    }).filter(([, v]) => v !== "");
    out.push({ ...Object.fromEntries(entries), ...(spec.getNoparent() ? { noParent: true } : {}) });
  }
  return out;
}
