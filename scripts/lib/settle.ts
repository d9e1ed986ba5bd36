/**
 * Waiting for a mocked program to finish registering, with the SDK's own bookkeeping instead of a timer.
 *
 * Every registration (registerResource, readResource, registerResourceOutputs, invoke) takes an
 * `rpcKeepAlive()` token before it awaits its inputs and releases it once the monitor answered and the
 * outputs are resolved; the tokens are chained into the store's `settings.rpcDone`, and `waitForRPCs()` is
 * what `pulumi.runtime.disconnect()` awaits before the engine is told the program is done. Both are internal
 * to @pulumi/pulumi (3.270: runtime/settings.js, runtime/state.js), so they are looked up and checked at run
 * time rather than typed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as state from "@pulumi/pulumi/runtime/state";

interface SdkStore {
  readonly settings: { readonly rpcDone: Promise<void> };
}

function isStore(value: unknown): value is SdkStore {
  const settings: unknown = typeof value === "object" && value !== null ? Reflect.get(value, "settings") : undefined;
  return typeof settings === "object" && settings !== null && Reflect.get(settings, "rpcDone") instanceof Promise;
}

function sdkFunction(module: object, name: string): (...args: unknown[]) => unknown {
  const fn: unknown = Reflect.get(module, name);
  if (typeof fn !== "function") throw new Error(`@pulumi/pulumi has no ${name}: settle() needs updating for this SDK version`);
  return (...args) => Reflect.apply(fn, undefined, args);
}

/** The promise chain of outstanding RPC tokens; a new registration replaces it. */
function rpcDone(): Promise<void> {
  const store = sdkFunction(state, "getStore")();
  if (!isStore(store)) throw new Error("@pulumi/pulumi's store has no settings.rpcDone: settle() needs updating for this SDK version");
  return store.settings.rpcDone;
}

/** Lets every promise continuation that is ready run: a macrotask starts only after the microtask queue is empty. */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Resolves when every registration the program started has been answered by the mock monitor, including those
 * started by `apply` callbacks (Helm charts, resources built from another resource's outputs) and by those in
 * turn. waitForRPCs alone can return between a dependency's outputs resolving and the apply callback that
 * registers the next resource, so after it returns the microtask queue is drained and, if a new token was
 * taken meanwhile (rpcDone changed), the wait starts again. It ends only after a full round in which nothing
 * was outstanding and nothing new started: no guess about how long "quiet" must last, as a timer would make.
 *
 * What no SDK bookkeeping sees, and neither does this: a resource created from a bare timer or I/O callback
 * that no registration awaits (the CLI only notices those because Node's event loop is not yet empty).
 */
export async function settle(): Promise<void> {
  const waitForRPCs = sdkFunction(pulumi.runtime, "waitForRPCs");
  for (;;) {
    const before = rpcDone();
    await waitForRPCs();
    await drainMicrotasks();
    if (rpcDone() === before) return;
  }
}
