/**
 * A rendered CronJob's pod run here: its init containers, then its containers, each with its rendered command and
 * env (tests/software/pod.ts), all under one scratch root so their emptyDirs are shared as in the pod. The Service
 * names in the env point at loopback; `user` runs them as that account (the image's uid), as the pod would.
 */
import { type ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { containersOf, type JsonObject, k8sName, podSpecOf, type Recorded } from "../helpers/harness";
import { localContainer, onLoopback } from "./pod";

const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface PodRun {
  readonly code: number;
  readonly output: string;
  /** The scratch root: `<root><mountPath>` is each volume. */
  readonly root: string;
}

/**
 * `path`: directories put first on PATH (where the programs the images carry are built here, e.g. mc, minio). A native
 * sidecar (an init container with restartPolicy Always) runs in the background from its place in the order until
 * the pod's last container has exited, as the kubelet runs it.
 */
export function runCronJobPod(res: readonly Recorded[], cronJob: string, opts: PodRunOptions): PodRun {
  return runJobPod(res, "batch/v1:CronJob", cronJob, opts);
}

export interface PodRunOptions {
  readonly hosts: readonly string[];
  readonly user?: string;
  readonly env?: Record<string, string>;
  readonly root?: string;
  readonly path?: readonly string[];
}

/** A rendered Job's or CronJob's pod, run here as runCronJobPod says. */
export function runJobPod(res: readonly Recorded[], kind: "batch/v1:CronJob" | "batch/v1:Job", workload: string, opts: PodRunOptions): PodRun {
  const w = res.find((r) => r.type === `kubernetes:${kind}` && k8sName(r) === workload);
  if (!w) throw new Error(`no ${kind} ${workload} in the render`);
  const root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), `sw-${workload}-`));
  let output = "";
  let code = 0;
  const sidecars: { child: ChildProcess; log: string }[] = [];
  for (const spec of [...containersOf(w, true), ...containersOf(w)]) {
    const step = String(spec.name);
    const c = localContainer(res, kind, workload, step, root);
    // Service names in mounted Secrets and ConfigMaps (the backup target's endpoint) point at loopback too.
    for (const m of (spec.volumeMounts ?? []) as JsonObject[]) {
      const v = ((podSpecOf(w).volumes ?? []) as JsonObject[]).find((x) => x.name === m.name);
      if (!v?.secret && !v?.configMap) continue;
      const dir = c.local(String(m.mountPath));
      for (const f of fs.readdirSync(dir)) {
        const file = path.join(dir, f);
        fs.writeFileSync(file, onLoopback({ v: fs.readFileSync(file, "utf8") }, opts.hosts).v);
      }
    }
    const env = { ...onLoopback(c.env, opts.hosts), ...opts.env, PATH: [...(opts.path ?? []), PG_BIN, process.env.PATH ?? "/usr/bin:/bin"].join(":") };
    if (opts.user) spawnSync("chown", ["-R", `${opts.user}:${opts.user}`, root]);
    const argv = [...c.command, ...c.args];
    const line = opts.user ? ["runuser", "-u", opts.user, "--", "env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv] : argv;
    if (spec.restartPolicy === "Always") {
      const log = path.join(root, `${step}.log`);
      const out = fs.openSync(log, "a");
      sidecars.push({ child: spawn(line[0], line.slice(1), { env, cwd: "/", stdio: ["ignore", out, out] }), log });
      continue;
    }
    const run = spawnSync(line[0], line.slice(1), { encoding: "utf8", env, cwd: "/" });
    output += `--- ${step}\n${run.stdout}${run.stderr}`;
    if (run.status !== 0) {
      code = run.status ?? -1;
      break;
    }
  }
  for (const s of sidecars) {
    s.child.kill("SIGKILL");
    output += `--- ${path.basename(s.log, ".log")} (sidecar)\n${fs.readFileSync(s.log, "utf8").slice(-2000)}`;
  }
  return { code, output, root };
}
