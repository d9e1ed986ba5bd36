/**
 * Test harness: evaluates the real program (index.ts) for a stack file under the recording mocks, like
 * `pulumi preview` would, plus query helpers. The renderer itself lives in scripts/lib/render.ts (scripts
 * must not import tests/); what tests imported from here before is re-exported unchanged.
 */
import {
  evaluate,
  installMocks,
  k8sName,
  PROJECT,
  rawStackConfig,
  settle,
  stackFileConfig,
  type Json,
  type JsonObject,
  type Recorded,
  type Recorder,
  type RegisteredResource,
  type StackName,
} from "../../scripts/lib/render";
import { deployPlatform } from "../../components/program";
import { ConfigError, parseStackConfig, type StackConfig } from "../../components/stack";
import { valueAt } from "../../components/lib/valueAt";
import { SUITES } from "../../components/suites/registry";
import { cachedRender } from "./renderCache";
import type { RegisteredSuite } from "../../components/suites/types";

export {
  isSecretValue,
  k8sName,
  PROJECT,
  RecordingMocks,
  ROOT,
  stackFileConfig,
  unwrapSecrets,
  type Json,
  type JsonObject,
  type Recorded,
  type RegisteredResource,
  type StackName,
} from "../../scripts/lib/render";

/**
 * An operator-supplied credential in a real token format (githubToken), for tests that prove such a value never
 * lands in plaintext. One value for every such test, so they share their renders (renderCache.ts).
 */
export const OPERATOR_TOKEN = `ghp_${"A1b2C3d4E5".repeat(4)}`;

export interface RenderOptions {
  /** Extra or replaced keys (without the project prefix); values as the CLI would pass them. */
  readonly set?: Record<string, string | number | boolean | string[]>;
  /** Keys (without prefix) set as secrets. */
  readonly secrets?: Record<string, string>;
  /** Keys to remove from the stack file. */
  readonly unset?: string[];
  /** Evaluate as a first `pulumi preview` of a new stack: values providers make on create are unknown. */
  readonly preview?: boolean;
}

export interface Rendered {
  readonly resources: Recorded[];
  /** Every registration as the engine would see it: URN, parent, aliases, dependencies. */
  readonly registered: RegisteredResource[];
  readonly outputs: Record<string, unknown>;
}

let last: Recorder | undefined;
/** What the most recent renderStack registered, also when it threw. */
export function lastRecorded(): Recorded[] {
  return last ? [...last.resources] : [];
}

/** A stack file's config with the overrides applied: fully qualified keys, CLI-style string values. */
function configWith(stack: StackName, opts: RenderOptions): { config: Record<string, string>; secretKeys: string[] } {
  const config = stackFileConfig(stack);
  for (const k of opts.unset ?? []) delete config[`${PROJECT}:${k}`];
  for (const [k, v] of Object.entries(opts.set ?? {})) config[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(opts.secrets ?? {})) {
    config[`${PROJECT}:${k}`] = v;
    secretKeys.push(`${PROJECT}:${k}`);
  }
  return { config, secretKeys };
}

/** The parsed stack config the program would see for `stack` plus overrides (no mocks, no resources). */
export function parsedStack(stack: StackName, opts: RenderOptions = {}, suites: readonly RegisteredSuite[] = SUITES): StackConfig {
  const { config, secretKeys } = configWith(stack, opts);
  return parseStackConfig(rawStackConfig(config, secretKeys), suites);
}

/** The problems parsing reports for `stack` plus `set` (each "<key>: <message>"); throws when the config is accepted or fails otherwise. */
export function configProblems(stack: StackName, set: RenderOptions["set"]): string[] {
  try {
    parsedStack(stack, { set });
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error(`config was accepted: ${JSON.stringify(set)}`);
}

/**
 * Evaluates the program (index.ts's deployPlatform) for `stack` plus overrides under mocks: every registered
 * resource. Each stack and options is evaluated once per test run (renderCache.ts); `fresh` evaluates it in this
 * process again, for a test that uses the SDK state the render leaves (its transforms' callbacks).
 */
export async function renderStack(stack: StackName, opts: RenderOptions = {}, fresh = false): Promise<Rendered> {
  if (fresh) return evaluateStack(stack, opts);
  const { config, secretKeys } = configWith(stack, opts);
  const key = { stack, preview: opts.preview ?? false, config: Object.entries(config).sort(([a], [b]) => a.localeCompare(b)), secretKeys: [...secretKeys].sort() };
  return cachedRender(key, () => evaluateStack(stack, opts));
}

async function evaluateStack(stack: StackName, opts: RenderOptions): Promise<Rendered> {
  const { config, secretKeys } = configWith(stack, opts);
  const recorder = await installMocks(stack, config, secretKeys, opts.preview ?? false);
  last = recorder;
  // The program's body, as index.ts runs it. Modules stay loaded between renders: the program keeps no
  // module-level state, and each render gets fresh mocks and config (loading the SDK anew per render, as
  // jest.isolateModules did, was half of a render's time).
  const { resources, registered, outputs } = await evaluate(recorder, () => deployPlatform());
  return { resources, registered, outputs };
}

/**
 * The dev stack with the studio alone (Harbor and pgAdmin are its add-ons): for variations only the studio's
 * objects show, at a third of a full render's cost.
 */
export function studioOnly(set: RenderOptions["set"], secrets?: RenderOptions["secrets"]): Promise<Rendered> {
  return renderStack("dev", { set: { suites: ["llmctl"], ...set }, ...(secrets ? { secrets } : {}) });
}

/** Runs `fn` (which builds components) under fresh mocks and returns what it registered. */
export async function renderComponents(fn: () => void): Promise<Recorded[]> {
  const recorder = await installMocks("unit");
  fn();
  await settle();
  return recorder.resources;
}

// ---- query helpers

export function ofType(resources: readonly Recorded[], kind: string): Recorded[] {
  return resources.filter((r) => r.type === `kubernetes:${kind}`);
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
  return valueAt(v, pathExpr) as Json | undefined;
}

/** The pod spec of a workload, or of a CronJob's Job template. */
export function podSpecOf(r: Recorded): JsonObject {
  return (at(r.inputs, "spec.template.spec") ?? at(r.inputs, "spec.jobTemplate.spec.template.spec") ?? {}) as JsonObject;
}

export function containersOf(r: Recorded, init = false): JsonObject[] {
  return (podSpecOf(r)[init ? "initContainers" : "containers"] ?? []) as JsonObject[];
}

export function envOf(container: JsonObject): Record<string, JsonObject> {
  return Object.fromEntries(((container.env ?? []) as JsonObject[]).map((e) => [String(e.name), e]));
}

export const WORKLOAD_KINDS = ["apps/v1:Deployment", "apps/v1:StatefulSet", "batch/v1:Job", "batch/v1:CronJob"] as const;
