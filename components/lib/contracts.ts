/**
 * Image contracts: what the program inside an image really does with what a container sets, read from the
 * image's own source at the pinned tag (its Dockerfile or entrypoint, and the code that reads its
 * configuration), or from the seed for the images the seeds build. Containers are held to them by
 * tests/invariants/contracts.test.ts: an env name the image never reads, a port the process does not open
 * with the rendered command, args and env, a probe on a path it does not serve, each fails.
 */

/** A rendered container as the contract sees it: its command line and its environment (literal values where set). */
export interface ContainerView {
  readonly command: readonly string[];
  readonly args: readonly string[];
  /** Every env name the container gets (env and envFrom), with the literal value where there is one. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type ContractSource =
  /** An upstream repository at the tag the image was built from, and the files the contract was read in. */
  | { readonly repo: string; readonly ref: string; readonly files: readonly string[] }
  /** A seed-built image without public source: the seed document and what it states. */
  | { readonly seed: string; readonly assumption: string };

export interface ImageContract {
  readonly source: ContractSource;
  /** What runs when a container sets no command (ENTRYPOINT + CMD). */
  readonly runs: readonly string[];
  /** Env names the program reads (exact), and prefixes of families it reads (e.g. `LLAMA_ARG_`). */
  readonly env: readonly string[];
  readonly envPrefixes?: readonly string[];
  /** The TCP ports the process opens for this container's command, args and env (empty: none, e.g. stdio). */
  readonly listens: (c: ContainerView) => readonly number[];
  /** HTTP paths that answer on a listening port (probes may use only these). */
  readonly httpPaths?: readonly string[];
  /** The user the image runs as when the pod sets none (a uid). */
  readonly user?: number;
  /** Paths the program writes to (anything else may be read-only). */
  readonly writes?: readonly string[];
}

/** The value of `--flag value` or `--flag=value` in a command line. */
export function flagValue(line: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === flag) return line[i + 1];
    if (line[i].startsWith(`${flag}=`)) return line[i].slice(flag.length + 1);
  }
  return undefined;
}

/** The full command line a container runs: its command (or the image's) and args. */
export function commandLine(contract: ImageContract, c: ContainerView): string[] {
  return [...(c.command.length > 0 ? c.command : contract.runs), ...c.args];
}

/**
 * Whether the program reads `name`: the image's program does, the kubelet puts it into the command line
 * (`$(NAME)`), or the container runs a shell script of ours (`sh -c <script>`) that references it (`$NAME`,
 * `${NAME}`, `${NAME:-...}`), or a Python script of ours (`python3 -c <script>`) that reads it from os.environ.
 */
export function readsEnv(contract: ImageContract, name: string, c?: ContainerView): boolean {
  if (contract.env.includes(name) || (contract.envPrefixes ?? []).some((p) => name.startsWith(p))) return true;
  // The kubelet substitutes $(NAME) in command and args before the program starts.
  if (c && [...c.command, ...c.args].some((a) => a.includes(`$(${name})`))) return true;
  if (!c) return false;
  const line = commandLine(contract, c);
  const script = shellScript(line);
  // $NAME, ${NAME}, NAME inside an arithmetic expansion $((...)), or psql's \getenv <variable> NAME inside the script's SQL.
  if (script !== undefined) return new RegExp(`\\$\\{?${name}\\b|\\$\\(\\([^)]*\\b${name}\\b|\\\\getenv \\w+ ${name}\\b`).test(script);
  // A Python program of ours (`python3 -c <script>`) that reads it: os.environ["NAME"], os.environ.get("NAME"), os.getenv("NAME").
  const py = pythonScript(line);
  return py !== undefined && new RegExp(`os\\.(environ\\[|environ\\.get\\(|getenv\\()"${name}"`).test(py);
}

/** The script of a `python -c <script>` (or python3) command line. */
export function pythonScript(line: readonly string[]): string | undefined {
  const i = line.findIndex((a) => /(^|\/)python3?$/.test(a));
  return i >= 0 && line[i + 1] === "-c" ? line[i + 2] : undefined;
}

/** The script of a `sh -c <script>` (or bash) command line. */
export function shellScript(line: readonly string[]): string | undefined {
  const i = line.findIndex((a) => /(^|\/)(ba)?sh$/.test(a));
  return i >= 0 && line[i + 1] === "-c" ? line[i + 2] : undefined;
}
