/**
 * One render per effective stack config per `npm test` run, shared by every test file. Jest runs each file in its
 * own module registry (and two workers), so the same render (most files read the plain dev and prod stacks) was
 * evaluated a hundred times a run: two thirds of the unit tier's time. globalSetup (tests/setup/renderCache.ts)
 * makes an empty directory for the run and names it in LLM_PLATFORM_RENDER_CACHE; the first file to render a
 * config writes the result there (the other worker waits for it rather than rendering it too), the others read
 * it. The key is the config the program sees (stack file plus overrides, secret keys, preview), so options that
 * restate the stack file share a render. Only successful renders are kept, a run never sees another run's files,
 * and a test that needs the live SDK state of its own render (the registered transforms) asks for a fresh one.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The run's cache directory, or undefined (Jest run without the setup, e.g. the e2e config): always render. */
function cacheDir(): string | undefined {
  const dir = process.env.LLM_PLATFORM_RENDER_CACHE;
  return dir && fs.existsSync(dir) ? dir : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The cached value for `key`, or what `make` returns (then kept for the rest of the run). */
export async function cachedRender<T>(key: unknown, make: () => Promise<T>): Promise<T> {
  const dir = cacheDir();
  if (!dir) return make();
  const file = path.join(dir, `${crypto.createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 24)}.json`);
  const read = () => JSON.parse(fs.readFileSync(file, "utf8")) as T;
  if (fs.existsSync(file)) return read();
  const lock = `${file}.lock`;
  let mine = false;
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
    mine = true;
  } catch {
    // Another worker is rendering it: wait for its file (a render takes seconds), or render after all.
    for (let waited = 0; waited < 60_000 && !fs.existsSync(file) && fs.existsSync(lock); waited += 100) await sleep(100);
  }
  try {
    // Written meanwhile (by the worker that held the lock, or just before this one took it).
    if (fs.existsSync(file)) return read();
    const value = await make();
    // Written under a temporary name and renamed: a reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, file);
    return value;
  } finally {
    if (mine) fs.rmSync(lock, { force: true });
  }
}
