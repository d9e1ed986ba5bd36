/** Jest globalTeardown: removes this run's render cache. */
import * as fs from "fs";

export default async function teardown(): Promise<void> {
  const dir = process.env.LLM_PLATFORM_RENDER_CACHE;
  if (dir && dir.includes("llm-platform-renders-")) fs.rmSync(dir, { recursive: true, force: true });
}
