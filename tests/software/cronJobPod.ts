/**
 * A rendered CronJob's pod run here: its init containers, then its containers, each with its rendered command and
 * env (tests/software/pod.ts), all under one scratch root so their emptyDirs are shared as in the pod. The Service
 * names in the env point at loopback; `user` runs them as that account (the image's uid), as the pod would.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { containersOf, k8sName, type Recorded } from "../helpers/harness";
import { localContainer, onLoopback } from "./pod";

const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface PodRun {
  readonly code: number;
  readonly output: string;
  /** The scratch root: `<root><mountPath>` is each volume. */
  readonly root: string;
}

export function runCronJobPod(res: readonly Recorded[], cronJob: string, opts: { hosts: readonly string[]; user?: string; env?: Record<string, string>; root?: string }): PodRun {
  const w = res.find((r) => r.type === "kubernetes:batch/v1:CronJob" && k8sName(r) === cronJob);
  if (!w) throw new Error(`no CronJob ${cronJob} in the render`);
  const root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), `sw-${cronJob}-`));
  let output = "";
  for (const step of [...containersOf(w, true), ...containersOf(w)].map((c) => String(c.name))) {
    const c = localContainer(res, "batch/v1:CronJob", cronJob, step, root);
    const env = { ...onLoopback(c.env, opts.hosts), ...opts.env, PATH: `${PG_BIN}:${process.env.PATH ?? "/usr/bin:/bin"}` };
    if (opts.user) spawnSync("chown", ["-R", `${opts.user}:${opts.user}`, root]);
    const argv = [...c.command, ...c.args];
    const run = opts.user
      ? spawnSync("runuser", ["-u", opts.user, "--", "env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv], { encoding: "utf8", cwd: "/" })
      : spawnSync(argv[0], argv.slice(1), { encoding: "utf8", env, cwd: "/" });
    output += `--- ${step}\n${run.stdout}${run.stderr}`;
    if (run.status !== 0) return { code: run.status ?? -1, output, root };
  }
  return { code: 0, output, root };
}
