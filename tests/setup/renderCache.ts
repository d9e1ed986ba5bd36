/** Jest globalSetup: an empty directory for this run's render cache (tests/helpers/renderCache.ts). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export default async function setup(): Promise<void> {
  process.env.LLM_PLATFORM_RENDER_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "llm-platform-renders-"));
}
