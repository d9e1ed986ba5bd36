/**
 * Test harness: Pulumi mocks that record every registered resource, and a runner that evaluates the
 * real program (index.ts) for a stack file with Pulumi.yaml-free config, like `pulumi preview` would.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { keyPairProvider } from "../../components/platform/selfSignedKeyPair";

/** The project root: the nearest directory with a package.json (also when compiled into bin/). */
function findRoot(dir: string): string {
  return fs.existsSync(path.join(dir, "package.json")) ? dir : findRoot(path.dirname(dir));
}
export const ROOT = findRoot(path.resolve(__dirname, "../.."));

// Each mocked program run registers process exit hooks inside the Pulumi SDK; many runs per file are expected.
process.setMaxListeners(64);
export const PROJECT = "llm-platform";

// The SDK's wire markers for a secret value inside mock inputs.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** JSON-like values as the mock monitor receives them. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface Recorded {
  readonly type: string;
  readonly name: string;
  /** Inputs with secret markers kept (see isSecretValue). */
  readonly raw: JsonObject;
  /** Inputs with secret markers removed. */
  readonly inputs: JsonObject;
}

export function isSecretValue(v: Json | undefined): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && v[SIG_KEY] === SECRET_SIG;
}

export function unwrapSecrets(v: Json): Json {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    if (isSecretValue(v)) return unwrapSecrets(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/** Records resources; echoes inputs back as state, with Kubernetes metadata.name defaulted. */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: Recorded[] = [];

  async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Record<string, unknown> }> {
    const raw = args.inputs as JsonObject;
    const inputs = unwrapSecrets(raw) as JsonObject;
    this.resources.push({ type: args.type, name: args.name, raw, inputs });
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type.startsWith("kubernetes:")) {
      const metadata = (inputs.metadata ?? {}) as JsonObject;
      state.metadata = { ...metadata, name: metadata.name ?? args.name, namespace: metadata.namespace };
    }
    if (args.type === "random:index/randomPassword:RandomPassword") {
      // Deterministic per resource so tests can follow one value to every consumer.
      state.result = `generated-${args.name}`;
      state.bcryptHash = `$2a$10$mock-bcrypt-of-${args.name}`;
    }
    if (args.type === "pulumi-nodejs:dynamic/llm-platform:SelfSignedKeyPair:Resource") {
      // Run the real provider (at 2048 bits, for speed) so rendered TLS Secrets hold a real key and certificate.
      const created = await keyPairProvider.create({ commonName: String(inputs.commonName), validityDays: Number(inputs.validityDays), rsaBits: 2048 });
      Object.assign(state, created.outs);
    }
    return { id: `${args.name}-id`, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    throw new Error(`unmocked provider call: ${args.token}`);
  }
}

export type StackName = "dev" | "prod";

/** The stack file's config, as strings the way the CLI hands them to the program. */
export function stackFileConfig(stack: StackName): Record<string, string> {
  const file = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.config ?? {})) {
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

export interface RenderOptions {
  /** Extra or replaced keys (without the project prefix); values as the CLI would pass them. */
  readonly set?: Record<string, string | number | boolean | string[]>;
  /** Keys (without prefix) set as secrets. */
  readonly secrets?: Record<string, string>;
  /** Keys to remove from the stack file. */
  readonly unset?: string[];
}

export interface Rendered {
  readonly resources: Recorded[];
  readonly outputs: Record<string, unknown>;
}

async function settle(mocks: RecordingMocks): Promise<void> {
  let last = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 5));
    if (mocks.resources.length === last) stable++;
    else {
      stable = 0;
      last = mocks.resources.length;
    }
  }
}

/**
 * Resolves stack outputs to plain JSON. A secret Output becomes the same secret wrapper the mock monitor
 * uses for inputs, so isSecretValue/unwrapSecrets work on outputs too (and plaintext scans skip them).
 */
async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    const inner = await resolve(await new Promise((r) => output.apply((v) => r(v))));
    return (await pulumi.isSecret(output)) ? { [SIG_KEY]: SECRET_SIG, value: inner } : inner;
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolve));
  if (value && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolve(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

let last: RecordingMocks | undefined;
/** What the most recent renderStack registered, also when it threw. */
export function lastRecorded(): Recorded[] {
  return last ? [...last.resources] : [];
}

/** Evaluates index.ts for `stack` (plus overrides) under mocks and returns every registered resource. */
export async function renderStack(stack: StackName, opts: RenderOptions = {}): Promise<Rendered> {
  const config = stackFileConfig(stack);
  for (const k of opts.unset ?? []) delete config[`${PROJECT}:${k}`];
  for (const [k, v] of Object.entries(opts.set ?? {})) config[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(opts.secrets ?? {})) {
    config[`${PROJECT}:${k}`] = v;
    secretKeys.push(`${PROJECT}:${k}`);
  }
  const mocks = new RecordingMocks();
  last = mocks;
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  pulumi.runtime.setAllConfig(config, secretKeys);
  let program: Record<string, unknown> = {};
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    program = require("../../index") as Record<string, unknown>;
  });
  const outputs = (await resolve({ ...program })) as Record<string, unknown>;
  await settle(mocks);
  return { resources: mocks.resources, outputs };
}

/** Runs `fn` (which builds components) under fresh mocks and returns what it registered. */
export async function renderComponents(fn: () => void): Promise<Recorded[]> {
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, PROJECT, "unit", false);
  fn();
  await settle(mocks);
  return mocks.resources;
}

// ---- query helpers

export function ofType(resources: readonly Recorded[], kind: string): Recorded[] {
  return resources.filter((r) => r.type === `kubernetes:${kind}`);
}

export function k8sName(r: Recorded): string {
  return String((r.inputs.metadata as JsonObject | undefined)?.name ?? r.name);
}

export function byName(resources: readonly Recorded[], kind: string, name: string): Recorded {
  const found = ofType(resources, kind).filter((r) => k8sName(r) === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} named ${name}, found ${found.length} (have: ${ofType(resources, kind).map(k8sName).join(", ")})`);
  }
  return found[0];
}

/** Walks a path like "spec.template.spec" through plain JSON. */
export function at(v: Json | undefined, pathExpr: string): Json | undefined {
  let cur: Json | undefined = v;
  for (const part of pathExpr.split(".")) {
    if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : cur[part];
  }
  return cur;
}

export function podSpecOf(r: Recorded): JsonObject {
  return (at(r.inputs, "spec.template.spec") ?? {}) as JsonObject;
}

export function containersOf(r: Recorded, init = false): JsonObject[] {
  return (podSpecOf(r)[init ? "initContainers" : "containers"] ?? []) as JsonObject[];
}

export function envOf(container: JsonObject): Record<string, JsonObject> {
  return Object.fromEntries(((container.env ?? []) as JsonObject[]).map((e) => [String(e.name), e]));
}

export const WORKLOAD_KINDS = ["apps/v1:Deployment", "apps/v1:StatefulSet", "batch/v1:Job"] as const;
