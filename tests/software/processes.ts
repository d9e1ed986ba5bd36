/**
 * The programs a software test runs: started from the cache's venvs in a process group of their own with their
 * output in a log file (`launch`), awaited until they answer (`waitUntil`), and stopped (`stop`): SIGTERM to the
 * group and to any children that left it (mcp-proxy starts its server in a session of its own), then SIGKILL to
 * whatever still runs after 5 s, so that no program outlives its test file and keeps Jest (or a port) waiting.
 * A zombie counts as gone: nothing here reaps orphans.
 */
import { type ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** The bin directory of a venv tests/software/run.sh made in the cache. */
export const venvBin = (venv: string): string =>
  path.join(process.env.LLM_PLATFORM_SOFTWARE_CACHE ?? path.join(process.env.HOME ?? "/root", ".cache/llm-platform/software"), venv, "bin");

/** A program started detached (its own process group, for `stop`) with stdout and stderr in `log`. */
export function launch(argv: readonly string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; log: string }): ChildProcess {
  const out = fs.openSync(opts.log, "w");
  return spawn(argv[0], argv.slice(1), { env: opts.env, cwd: opts.cwd, stdio: ["ignore", out, out], detached: true });
}

/**
 * Resolves once `ready()` is true; rejects after `ms`, or as soon as one of `programs` has exited, with `why()`
 * (e.g. the end of the program's log) in the error.
 */
export async function waitUntil(ready: () => Promise<boolean> | boolean, opts: { ms: number; what: string; programs?: readonly ChildProcess[]; why?: () => string; every?: number }): Promise<void> {
  const deadline = Date.now() + opts.ms;
  while (!(await ready())) {
    if (Date.now() > deadline || (opts.programs ?? []).some((p) => p.exitCode !== null)) throw new Error(`${opts.what}${opts.why ? `: ${opts.why()}` : ""}`);
    await new Promise((r) => setTimeout(r, opts.every ?? 300));
  }
}

/** The last `chars` of a log file. */
export const tail = (file: string, chars = 2000): string => fs.readFileSync(file, "utf8").slice(-chars);

/** A process that exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid) return;
  const group = child.pid;
  const children = spawnSync("pgrep", ["-P", String(group)], { encoding: "utf8" }).stdout.split("\n").filter((p) => p !== "").map(Number);
  const pids = [group, ...children];
  signal(-group, "SIGTERM");
  for (const pid of children) signal(pid, "SIGTERM");
  await waitUntil(() => !pids.some(alive), { ms: 5_000, what: "still running", every: 100 }).catch(() => undefined);
  if (pids.some(alive)) {
    signal(-group, "SIGKILL");
    for (const pid of pids) signal(pid, "SIGKILL");
  }
  child.unref();
}
