/**
 * Stopping the programs a software test started, each in its own process group (spawned detached): SIGTERM to the
 * group and to any children that left it (mcp-proxy starts its server in a session of its own), then SIGKILL to
 * whatever still runs after 5 s, so that no program outlives its test file and keeps Jest (or a port) waiting.
 * A zombie counts as gone: nothing here reaps orphans.
 */
import { type ChildProcess, spawnSync } from "child_process";
import * as fs from "fs";

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
  const deadline = Date.now() + 5_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (pids.some(alive)) {
    signal(-group, "SIGKILL");
    for (const pid of pids) signal(pid, "SIGKILL");
  }
  child.unref();
}
