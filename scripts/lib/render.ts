/**
 * The renderer: evaluates the real program for a stack file under Pulumi mocks, like `pulumi preview` would
 * without the engine, and records every registered resource. The one copy used by the test harness
 * (tests/helpers/harness.ts), by `npm run render`, `compare`, `chain` and `bench`; scripts never import tests/.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "../../components/config/reader";
import { keyPairProvider } from "../../components/platform/selfSignedKeyPair";
import { recordRegistrations, type RegisteredResource } from "./registrations";
import { settle } from "./settle";

export type { RegisteredResource } from "./registrations";
export { settle } from "./settle";

/** The project root: the nearest directory with a package.json (also when compiled into bin/). */
function findRoot(dir: string): string {
  return fs.existsSync(path.join(dir, "package.json")) ? dir : findRoot(path.dirname(dir));
}
export const ROOT = findRoot(path.resolve(__dirname, "../.."));
export const PROJECT = "llm-platform";

// Each mocked program run registers process exit hooks inside the Pulumi SDK; many runs per process are expected.
process.setMaxListeners(64);

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

/** The Kubernetes name of a recorded object: metadata.name, else the Pulumi name (which the provider would use). */
export function k8sName(r: Recorded): string {
  return String((r.inputs.metadata as JsonObject | undefined)?.name ?? r.name);
}

/**
 * A value the mocks made up where a real run keeps one generated once in Pulumi state (passwords, the key
 * pair). Two renders differ in these even when the program did not change; compare masks them.
 */
export interface GeneratedValue {
  readonly type: string;
  readonly name: string;
  readonly field: string;
  readonly value: string;
}

/** The API server's address in the mocked cluster: minikube's (docker driver) first node, on 8443. */
export const MOCK_API_SERVER = { ip: "192.168.49.2", port: 8443 } as const;

/** What the mocked cluster answers to a read (Resource.get), by type and id. */
const CLUSTER_OBJECTS: Readonly<Record<string, Record<string, unknown>>> = {
  "kubernetes:discovery.k8s.io/v1:EndpointSlice/default/kubernetes": {
    metadata: { name: "kubernetes", namespace: "default" },
    addressType: "IPv4",
    endpoints: [{ addresses: [MOCK_API_SERVER.ip], conditions: { ready: true } }],
    ports: [{ name: "https", port: MOCK_API_SERVER.port, protocol: "TCP" }],
  },
};

/** The mocked cluster's answer to a read (Resource.get) of `type` `id`; a read nobody mocked is an error naming it. */
export function clusterObject(type: string, id: string): Record<string, unknown> {
  const read = CLUSTER_OBJECTS[`${type}/${id}`];
  if (!read) throw new Error(`unmocked read of ${type} ${id}: add it to CLUSTER_OBJECTS`);
  return read;
}

/** Records resources; echoes inputs back as state, with Kubernetes metadata.name defaulted. */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: Recorded[] = [];
  readonly generated: GeneratedValue[] = [];

  /** preview: as a first `pulumi preview` sees it, where a value a provider makes on create is still unknown. */
  constructor(readonly preview = false) {}

  async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Record<string, unknown> }> {
    // A read of an object the cluster already has (Resource.get): answered, not recorded (the program makes nothing).
    if (args.id) return { id: args.id, state: clusterObject(args.type, args.id) };
    const raw = args.inputs as JsonObject;
    const inputs = unwrapSecrets(raw) as JsonObject;
    this.resources.push({ type: args.type, name: args.name, raw, inputs });
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type.startsWith("kubernetes:")) {
      const metadata = (inputs.metadata ?? {}) as JsonObject;
      state.metadata = { ...metadata, name: metadata.name ?? args.name, namespace: metadata.namespace };
    }
    if (this.preview && GENERATED_FIELDS[args.type]) {
      // The engine's unknown marker: the SDK makes these outputs unknown, as a real first preview sees them.
      for (const field of GENERATED_FIELDS[args.type]) state[field] = UNKNOWN;
      return { id: "", state };
    }
    if (args.type === "random:index/randomPassword:RandomPassword") {
      // Deterministic per resource so tests can follow one value to every consumer. New keepers make a new value,
      // as the provider's replacement does (a rotation).
      // Keepers that are all empty (a consumer key never rotated) make the same value as none.
      const set = inputs.keepers && typeof inputs.keepers === "object" && Object.values(inputs.keepers).some((v) => v !== "");
      const keepers = set ? JSON.stringify(inputs.keepers) : "";
      state.result = `generated-${args.name}${keepers ? `-${createHash("sha256").update(keepers).digest("hex").slice(0, 8)}` : ""}`;
      state.bcryptHash = `$2a$10$mock-bcrypt-of-${args.name}`;
    }
    if (args.type === "pulumi-nodejs:dynamic/llm-platform:SelfSignedKeyPair:Resource") {
      // Run the real provider (at 2048 bits, for speed) so rendered TLS Secrets hold a real key and certificate.
      Object.assign(state, await mockKeyPair(String(inputs.commonName), Number(inputs.validityDays)));
    }
    for (const field of GENERATED_FIELDS[args.type] ?? []) {
      if (typeof state[field] === "string") this.generated.push({ type: args.type, name: args.name, field, value: state[field] });
    }
    return { id: `${args.name}-id`, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    throw new Error(`unmocked provider call: ${args.token}`);
  }
}

const keyPairs = new Map<string, Promise<Record<string, unknown>>>();
/**
 * One real key pair per common name and validity per process (RSA generation was a fifth of a render's time),
 * and per test run when the tests share a render cache directory (LLM_PLATFORM_RENDER_CACHE, see
 * tests/helpers/renderCache.ts): every test file is a process of its own.
 */
function mockKeyPair(commonName: string, validityDays: number): Promise<Record<string, unknown>> {
  const key = `${commonName}/${validityDays}`;
  let made = keyPairs.get(key);
  if (!made) {
    const dir = process.env.LLM_PLATFORM_RENDER_CACHE;
    const file = dir && fs.existsSync(dir) ? path.join(dir, `keypair-${key.replace(/[^a-z0-9.-]/gi, "_")}.json`) : undefined;
    made =
      file && fs.existsSync(file)
        ? Promise.resolve(JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>)
        : keyPairProvider.create({ commonName, validityDays, rsaBits: 2048 }).then((created) => {
            const outs: Record<string, unknown> = { ...created.outs };
            if (file) {
              fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(outs));
              fs.renameSync(`${file}.${process.pid}`, file);
            }
            return outs;
          });
    keyPairs.set(key, made);
  }
  return made;
}

/** What the engine (and the mock monitor) passes for a value not known until `up`. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Values a provider makes on create (kept in state by a real run): unknown in a first preview, masked by compare. */
const GENERATED_FIELDS: Record<string, readonly string[]> = {
  "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
  "pulumi-nodejs:dynamic/llm-platform:SelfSignedKeyPair:Resource": ["privateKeyPem", "certificatePem", "notAfter"],
};

export type StackName = "dev" | "prod";

/** The stack file's config, as strings the way the CLI hands them to the program. */
export function stackFileConfig(stack: string): Record<string, string> {
  const file = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.config ?? {})) {
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

/**
 * A stack file's config as the program's parser takes it (keys without the project prefix). An encrypted
 * value (`secure:`) cannot be decrypted here: it stays a secret key holding a placeholder.
 */
export function rawStackConfig(config: Readonly<Record<string, string>>, secretKeys: readonly string[] = []): RawConfig {
  const prefix = `${PROJECT}:`;
  const values: Record<string, string> = {};
  const secrets = new Set(secretKeys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
  for (const [k, v] of Object.entries(config)) {
    if (!k.startsWith(prefix)) continue;
    const key = k.slice(prefix.length);
    const secure = /^\{"secure":/.test(v);
    values[key] = secure ? "[encrypted in the stack file]" : v;
    if (secure) secrets.add(key);
  }
  return { values, secretKeys: secrets };
}

/** One mocked run: what the mocks saw (inputs) and what the monitor saw (URNs, parents, aliases, dependencies). */
export class Recorder {
  readonly mocks: RecordingMocks;
  constructor(readonly preview = false) {
    this.mocks = new RecordingMocks(preview);
  }
  readonly registered: RegisteredResource[] = [];
  get resources(): Recorded[] {
    return this.mocks.resources;
  }
  get generated(): GeneratedValue[] {
    return this.mocks.generated;
  }
}

/** Installs fresh recording mocks for `stack` (and its config); the program may run after this resolves. */
export async function installMocks(stack: string, config: Record<string, string> = {}, secretKeys: string[] = [], preview = false): Promise<Recorder> {
  const recorder = new Recorder(preview);
  await pulumi.runtime.setMocks(recorder.mocks, PROJECT, stack, preview);
  recordRegistrations(recorder.registered);
  pulumi.runtime.setAllConfig(config, secretKeys);
  return recorder;
}

/**
 * Resolves stack outputs to plain JSON. A secret Output becomes the same secret wrapper the mock monitor
 * uses for inputs, so isSecretValue/unwrapSecrets work on outputs too (and plaintext scans skip them).
 */
export async function resolveOutputs(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    // In a preview, a value made on create is unknown: its apply never runs, so it resolves to the engine's marker.
    // (isKnown is on every OutputImpl, though not in the public Output type.)
    if (!(await (output as unknown as { isKnown: Promise<boolean> }).isKnown)) return UNKNOWN;
    const inner = await resolveOutputs(await new Promise((r) => output.apply((v) => r(v))));
    return (await pulumi.isSecret(output)) ? { [SIG_KEY]: SECRET_SIG, value: inner } : inner;
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolveOutputs));
  if (value && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveOutputs(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

export interface Evaluation {
  readonly resources: Recorded[];
  readonly registered: RegisteredResource[];
  readonly generated: GeneratedValue[];
  /** The program's exports, resolved (secrets wrapped, see resolveOutputs). */
  readonly outputs: Record<string, unknown>;
}

/**
 * Runs the program under the installed mocks: `load` evaluates it (the program registers its resources at
 * module load, as under the CLI) and returns its exports. Tests run components/program.ts's deployPlatform,
 * scripts require the compiled bin/index.js.
 */
export async function evaluate(recorder: Recorder, load: () => Record<string, unknown>): Promise<Evaluation> {
  return withPlainStackTraces(async () => {
    let program: Record<string, unknown>;
    try {
      program = load();
    } catch (e) {
      // A program that fails at its end (a config check after the resources) left registrations in flight: let them
      // finish under these mocks, not the next evaluation's.
      await settle().catch(() => undefined);
      throw e;
    }
    const outputs = (await resolveOutputs({ ...program })) as Record<string, unknown>;
    await settle();
    return { resources: recorder.resources, registered: recorder.registered, generated: recorder.generated, outputs };
  });
}

/**
 * Every resource constructor captures a full stack trace for its source position (`new Error().stack` with an
 * unlimited depth, SDK 3.270 resource.js), and every SDK promise one more for leak reports (debuggable.js).
 * Under Jest each trace went through source-map support, which made that most of a render's time; the mock
 * monitor ignores source positions and no leak report is printed, so those message-less bookkeeping Errors get
 * no frames at all (formatting them was a fifth of a render, in a profile of `npm run render`). Errors with a
 * message, the ones thrown at a person, still carry file:line:column (of the compiled code).
 */
async function withPlainStackTraces<T>(run: () => Promise<T>): Promise<T> {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    error.message === "" ? String(error) : [String(error), ...frames.map((f) => `    at ${f.toString()}`)].join("\n");
  try {
    return await run();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/** Scripts: evaluates the compiled program (bin/index.js) for a stack file as it is. */
export async function renderStackFile(stack: StackName): Promise<Evaluation> {
  const recorder = await installMocks(stack, stackFileConfig(stack));
  const program = path.join(ROOT, "bin", "index.js");
  // index.js runs the program when it is loaded: a second stack in the same process must load it again.
  delete require.cache[require.resolve(program)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return evaluate(recorder, () => require(program) as Record<string, unknown>);
}

/**
 * Runs a script's main. If Node's event loop empties before main settles (a registration waits on something
 * that never resolves, e.g. a cycle), Node would exit 0 with nothing written; fail loudly instead.
 */
export function runScript(main: () => Promise<void>): void {
  let finished = false;
  process.on("beforeExit", () => {
    if (finished) return;
    console.error("the program never finished registering (a resource waits on an Output that never resolves?)");
    process.exit(1);
  });
  main().then(
    () => {
      finished = true;
    },
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
