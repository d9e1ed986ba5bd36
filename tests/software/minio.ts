/**
 * MinIO as the rendered `minio` Deployment runs it: the server binary built from the Go module proxy by
 * tests/software/run.sh (the module proxy refuses the image's tag, RELEASE.2025-09-07T16-13-09Z; the newest module
 * version, a pseudo-version of 2026-02-12, stands in), with the rendered args and env, its /data claim a directory
 * of the scratch root. Its API on 127.0.0.1:9000 (the rendered args leave the default address).
 */
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Recorded } from "../helpers/harness";
import { statusOf } from "./http";
import { localContainer, type LocalContainer } from "./pod";
import { launch, stop, tail, waitUntil } from "./processes";

/** Where tests/software/run.sh builds a Go tool (minio, mc): its bin directory under the software cache. */
export const toolDir = (tool: "minio" | "mc"): string =>
  path.join(process.env.LLM_PLATFORM_SOFTWARE_CACHE ?? path.join(process.env.HOME ?? "/root", ".cache/llm-platform/software"), tool, "bin");
export const minioBin = (): string => path.join(toolDir("minio"), "minio");

export interface LocalMinio {
  readonly c: LocalContainer;
  readonly endpoint: string;
  /** Starts the server (again) on the same data, with these root keys (the rendered ones when not given). */
  start(keys?: { accessKey: string; secretKey: string }): Promise<void>;
  stop(): Promise<void>;
}

export function localMinio(res: readonly Recorded[]): LocalMinio {
  const c = localContainer(res, "apps/v1:Deployment", "minio");
  fs.mkdirSync(c.local("/data"), { recursive: true });
  fs.mkdirSync(c.local("/home/minio"), { recursive: true });
  let child: ChildProcess | undefined;
  const log = path.join(c.root, "minio.log");
  return {
    c,
    endpoint: "http://127.0.0.1:9000",
    async start(keys) {
      const env = { ...c.env, ...(keys ? { MINIO_ROOT_USER: keys.accessKey, MINIO_ROOT_PASSWORD: keys.secretKey } : {}), PATH: process.env.PATH ?? "" };
      child = launch([minioBin(), ...c.args], { env, cwd: c.root, log });
      const ready = async () => (await statusOf("127.0.0.1", 9000, "/minio/health/ready").catch(() => 0)) === 200;
      await waitUntil(ready, { ms: 60_000, what: "MinIO did not become ready", programs: [child], why: () => tail(log) });
    },
    async stop() {
      await stop(child);
      child = undefined;
    },
  };
}
