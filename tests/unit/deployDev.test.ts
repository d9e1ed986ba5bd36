/**
 * `npm run deploy:dev` / `preview:dev` (scripts/deploy-dev.sh), run for real under bash in a throwaway copy of
 * the repository, with stub `pulumi` (node_modules/.bin, the npm launcher's place) and stub `kubectl` /
 * `minikube` that record their argv and the Pulumi environment they were given and exit with configurable
 * codes. PATH holds only the stubs and the few system tools the script uses, so no real CLI is ever reached.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// The project root, also when the tests run compiled from bin/.
const ROOT = findRoot(__dirname);
function findRoot(dir: string): string {
  return fs.existsSync(path.join(dir, "package.json")) ? dir : findRoot(path.dirname(dir));
}
const PASSPHRASE = "correct-horse-battery-staple-7f3a";
const RUN_TIMEOUT_MS = 5000;
const PROMPT = /(passphrase for the dev stack's secrets|the same passphrase again[^:\r\n]*): /g;
const TOOLS = ["bash", "env", "dirname", "sed", "head", "mkdir", "find"];

interface Call {
  tool: string;
  argv: string;
  backend: string;
  passphrase: string;
  passphraseFile: string;
}

interface Result {
  code: number;
  out: string;
  calls: Call[];
  repo: string;
}

interface Options {
  args?: string[];
  env?: Record<string, string>;
  /** Pulumi.dev.yaml of the copy; default: the real one. */
  stackFile?: string;
  /** Put no kubectl on PATH (the minikube fallback). */
  noKubectl?: boolean;
  /** Run under a pseudo-terminal (util-linux `script`) and type these lines at each passphrase prompt. */
  tty?: string[];
  /** The local backend already holds the dev stack (a second run). */
  existingStack?: boolean;
}

// One stub: logs "<its path> TAB <argv> TAB <backend> TAB <passphrase> TAB <passphrase file>" and answers.
const stub = (body: string) => `#!/usr/bin/env bash
printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$0" "$*" "\${PULUMI_BACKEND_URL-<unset>}" "\${PULUMI_CONFIG_PASSPHRASE-<unset>}" "\${PULUMI_CONFIG_PASSPHRASE_FILE-<unset>}" >> "$STUB_LOG"
${body}
`;

const PULUMI_STUB = stub(`case "$1" in
  version) echo v3.265.0; exit "\${STUB_VERSION_RC:-0}" ;;
  whoami) if [ "\${STUB_WHOAMI_RC:-255}" = 0 ]; then echo alice; else echo "error: not logged in" >&2; fi; exit "\${STUB_WHOAMI_RC:-255}" ;;
  stack) exit "\${STUB_SELECT_RC:-0}" ;;
  *) exit "\${STUB_PULUMI_RC:-0}" ;;
esac`);

// `get daemonsets` answers with STUB_DAEMONSETS (names, space-separated; default: a minikube started with
// --cni calico), as `kubectl get -o name` prints them.
const KUBECTL_STUB = stub(`case "$*" in
  *get-contexts*) exit "\${STUB_CONTEXT_RC:-0}" ;;
  *readyz*) exit "\${STUB_READY_RC:-0}" ;;
  *daemonsets*)
    for d in \${STUB_DAEMONSETS-calico-node kube-proxy}; do echo "daemonset.apps/$d"; done
    exit "\${STUB_DAEMONSETS_RC:-0}" ;;
  *) exit 0 ;;
esac`);

/** What the script runs to find the cluster's network plugin. */
const LIST_DAEMONSETS = "--context llmctl get daemonsets --all-namespaces -o name --request-timeout=10s";
const CREATE = "minikube start -p llmctl --cpus 8 --memory 16g --cni calico";

const MINIKUBE_STUB = stub(`exit "\${STUB_MINIKUBE_RC:-0}"`);

function writeExecutable(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
}

const base = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-dev-"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

// The system tools the script needs, and nothing else (no real kubectl, minikube or pulumi).
const toolsDir = path.join(base, "tools");
fs.mkdirSync(toolsDir);
for (const tool of TOOLS) {
  const found = ["/usr/bin", "/bin"].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${tool} not found in /usr/bin or /bin`);
  fs.symlinkSync(found, path.join(toolsDir, tool));
}
const SCRIPT_BIN = ["/usr/bin/script", "/bin/script"].find((p) => fs.existsSync(p));

let n = 0;
function run(mode: string | undefined, opts: Options = {}): Promise<Result> {
  const repo = fs.mkdtempSync(path.join(base, `repo${n++}-`));
  fs.mkdirSync(path.join(repo, "scripts"));
  fs.copyFileSync(path.join(ROOT, "scripts/deploy-dev.sh"), path.join(repo, "scripts/deploy-dev.sh"));
  fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), opts.stackFile ?? fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml")));
  writeExecutable(path.join(repo, "node_modules/.bin/pulumi"), PULUMI_STUB);
  const stubs = path.join(repo, "stubs");
  if (!opts.noKubectl) writeExecutable(path.join(stubs, "kubectl"), KUBECTL_STUB);
  writeExecutable(path.join(stubs, "minikube"), MINIKUBE_STUB);
  if (opts.existingStack) writeExecutable(path.join(repo, ".pulumi-state/.pulumi/stacks/llm-platform/dev.json"), "{}");
  const log = path.join(repo, "calls.log");
  fs.writeFileSync(log, "");

  const env = { PATH: `${stubs}:${toolsDir}`, HOME: repo, SHELL: "/bin/bash", STUB_LOG: log, ...opts.env };
  const argv = [path.join(repo, "scripts/deploy-dev.sh"), ...(mode ? [mode] : []), ...(opts.args ?? [])];
  return new Promise((resolve) => {
    const child = opts.tty
      ? spawn(SCRIPT_BIN ?? "script", ["-qfec", argv.join(" "), "/dev/null"], { env, cwd: base })
      : spawn("/bin/bash", argv, { env, cwd: base });
    let out = "";
    const answers = [...(opts.tty ?? [])];
    const onData = (d: Buffer) => {
      out += d.toString();
      // Answer each prompt once it is on the terminal (echo is off by then).
      const prompts = out.match(PROMPT)?.length ?? 0;
      if (opts.tty && answers.length > 0 && prompts > opts.tty.length - answers.length) child.stdin.write(`${answers.shift()}\n`);
    };
    // A run that waits for input it will never get fails here, not at Jest's timeout.
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    if (!opts.tty) child.stdin.end();
    child.on("close", (code) => {
      clearTimeout(timer);
      if (opts.tty) child.stdin.destroy();
      const calls = fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [file, args, backend, passphrase, passphraseFile] = line.split("\t");
          return { tool: path.relative(repo, file), argv: args, backend, passphrase, passphraseFile };
        });
      resolve({ code: code ?? -1, out, calls, repo });
    });
  });
}

const LAUNCHER = "node_modules/.bin/pulumi";
const pulumiCalls = (r: Result) => r.calls.filter((c) => c.tool.endsWith("pulumi")).map((c) => c.argv);

describe("deploy-dev.sh", () => {
  test("not logged in: a local file backend under the repo's .pulumi-state, the stack created with a passphrase provider", async () => {
    const r = await run("up", { args: ["--yes", "--diff"], env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    expect(r.code).toBe(0);
    const backend = `file://${r.repo}/.pulumi-state`;
    expect(r.calls.map((c) => [c.tool, c.argv])).toEqual([
      ["stubs/kubectl", "config get-contexts llmctl"],
      ["stubs/kubectl", "--context llmctl get --raw /readyz --request-timeout=10s"],
      ["stubs/kubectl", LIST_DAEMONSETS],
      [LAUNCHER, "version"],
      [LAUNCHER, "whoami"],
      [LAUNCHER, "stack select --create dev --secrets-provider passphrase"],
      [LAUNCHER, "up --stack dev --yes --diff"],
    ]);
    for (const c of r.calls.slice(-2)) expect(c).toMatchObject({ backend, passphrase: PASSPHRASE });
    expect(fs.statSync(path.join(r.repo, ".pulumi-state")).isDirectory()).toBe(true);
    expect(r.out).toContain(`local file backend: ${backend}`);
    expect(r.out).not.toContain(PASSPHRASE);
  });

  test("logged in (pulumi whoami succeeds): that backend, no passphrase needed, preview with args", async () => {
    const r = await run("preview", { args: ["--diff"], env: { STUB_WHOAMI_RC: "0" } });
    expect(r.code).toBe(0);
    expect(pulumiCalls(r)).toEqual(["version", "whoami", "stack select --create dev", "preview --stack dev --diff"]);
    for (const c of r.calls) expect(c).toMatchObject({ backend: "<unset>", passphrase: "<unset>" });
    expect(fs.existsSync(path.join(r.repo, ".pulumi-state"))).toBe(false);
    expect(r.out).toContain("logged in to (pulumi whoami: alice)");
  });

  test("PULUMI_BACKEND_URL is respected: no whoami, no local backend, no passphrase demanded", async () => {
    const url = "s3://team-state?region=eu-west-1";
    const r = await run("up", { env: { PULUMI_BACKEND_URL: url } });
    expect(r.code).toBe(0);
    expect(pulumiCalls(r)).toEqual(["version", "stack select --create dev", "up --stack dev"]);
    for (const c of r.calls.filter((x) => x.tool === LAUNCHER)) expect(c.backend).toBe(url);
    expect(fs.existsSync(path.join(r.repo, ".pulumi-state"))).toBe(false);
  });

  test("the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE is passed on as the file, never read out", async () => {
    const file = path.join(base, "passphrase.txt");
    fs.writeFileSync(file, `${PASSPHRASE}\n`);
    const r = await run("up", { env: { PULUMI_CONFIG_PASSPHRASE_FILE: file } });
    expect(r.code).toBe(0);
    const [select, up] = r.calls.slice(-2);
    for (const c of [select, up]) expect(c).toMatchObject({ passphrase: "<unset>", passphraseFile: file });
    expect(select.argv).toBe("stack select --create dev --secrets-provider passphrase");
    expect(r.out).not.toContain(PASSPHRASE);

    const missing = await run("up", { env: { PULUMI_CONFIG_PASSPHRASE_FILE: path.join(base, "nope") } });
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain("is not a readable file");
    expect(pulumiCalls(missing)).toEqual(["version", "whoami"]);
  });

  test("no passphrase and no terminal: a clear error naming both variables, the stack untouched", async () => {
    const r = await run("up");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not a terminal.*PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/);
    expect(pulumiCalls(r)).toEqual(["version", "whoami"]);
  });

  (SCRIPT_BIN ? test : test.skip)("on a terminal it asks (twice for a new stack), hands it on, and never echoes it", async () => {
    const r = await run("up", { tty: [PASSPHRASE, PASSPHRASE] });
    expect(r.code).toBe(0);
    expect(r.out).toContain("passphrase for the dev stack's secrets: ");
    expect(r.out).toContain("the same passphrase again");
    expect(r.calls.slice(-2).map((c) => c.passphrase)).toEqual([PASSPHRASE, PASSPHRASE]);
    expect(r.out).not.toContain(PASSPHRASE);

    const again = await run("preview", { tty: [PASSPHRASE], existingStack: true });
    expect(again.code).toBe(0);
    expect(again.out).not.toContain("the same passphrase again");
    expect(again.calls.slice(-1)).toMatchObject([{ argv: "preview --stack dev", passphrase: PASSPHRASE }]);
    expect(again.out).not.toContain(PASSPHRASE);

    const typo = await run("up", { tty: [PASSPHRASE, "something-else"] });
    expect(typo.code).toBe(1);
    expect(typo.out).toContain("the passphrases differ");
    expect(pulumiCalls(typo)).toEqual(["version", "whoami"]);
  });

  test("a missing kube context prints the one minikube command and never calls pulumi", async () => {
    const r = await run("up", { env: { STUB_CONTEXT_RC: "1", PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    expect(r.code).toBe(1);
    expect(r.out).toContain('the kube context "llmctl"');
    expect(r.out).toContain(`\n    ${CREATE}\n`);
    expect(r.out.match(/minikube start/g)).toHaveLength(1);
    expect(pulumiCalls(r)).toEqual([]);

    const down = await run("up", { env: { STUB_READY_RC: "1", PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    expect(down.code).toBe(1);
    expect(down.out).toContain("does not answer");
    expect(down.out).toContain(CREATE);
    expect(pulumiCalls(down)).toEqual([]);

    const noKubectl = await run("up", { noKubectl: true, env: { STUB_MINIKUBE_RC: "7" } });
    expect(noKubectl.code).toBe(1);
    expect(noKubectl.calls.map((c) => [c.tool, c.argv])).toEqual([["stubs/minikube", "-p llmctl status"]]);
    expect(noKubectl.out).toContain(CREATE);
  });

  test("a cluster whose network plugin ignores NetworkPolicies (kindnet only): a warning with the command, and the run goes on", async () => {
    const r = await run("up", { env: { STUB_DAEMONSETS: "kindnet kube-proxy", STUB_WHOAMI_RC: "0" } });
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => c.argv)).toContain(LIST_DAEMONSETS);
    expect(r.out).toContain("runs no network plugin known to enforce NetworkPolicies");
    expect(r.out).toContain("default-deny NetworkPolicies are ignored");
    expect(r.out).toContain(`\n    minikube delete -p llmctl && ${CREATE}\n`);
    expect(r.out.match(/minikube start/g)).toHaveLength(1);
    // A warning, not a stop: Pulumi still runs.
    expect(pulumiCalls(r)).toEqual(["version", "whoami", "stack select --create dev", "up --stack dev"]);

    const bare = await run("preview", { env: { STUB_DAEMONSETS: "", STUB_WHOAMI_RC: "0" } });
    expect(bare.code).toBe(0);
    expect(bare.out).toContain("runs no network plugin known to enforce NetworkPolicies");
  });

  test.each([
    ["calico-node kube-proxy", "calico-node"],
    ["kube-proxy cilium cilium-envoy", "cilium"],
    ["antrea-agent", "antrea-agent"],
    ["weave-net", "weave-net"],
    ["kube-router", "kube-router"],
    ["canal", "canal"],
  ])("an enforcing plugin among the DaemonSets (%s): no warning", async (daemonsets, plugin) => {
    const r = await run("preview", { env: { STUB_DAEMONSETS: daemonsets, STUB_WHOAMI_RC: "0" } });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`network plugin: ${plugin} (enforces NetworkPolicies)`);
    expect(r.out).not.toContain("warning");
    expect(r.out).not.toContain("minikube");
  });

  test("the DaemonSets cannot be listed: a warning that the check was not made, and the run goes on", async () => {
    const r = await run("preview", { env: { STUB_DAEMONSETS_RC: "1", STUB_WHOAMI_RC: "0" } });
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning: could not list the DaemonSets of "llmctl"');
    expect(pulumiCalls(r)).toEqual(["version", "whoami", "stack select --create dev", "preview --stack dev"]);
  });

  test("without kubectl the plugin check is skipped with a note, and the run goes on", async () => {
    const r = await run("preview", { noKubectl: true, env: { STUB_WHOAMI_RC: "0" } });
    expect(r.code).toBe(0);
    expect(r.calls[0]).toMatchObject({ tool: "stubs/minikube", argv: "-p llmctl status" });
    expect(r.out).toContain("whether the cluster's network plugin enforces NetworkPolicies was not");
    expect(r.out).toContain("--cni calico");
    expect(pulumiCalls(r)).toEqual(["version", "whoami", "stack select --create dev", "preview --stack dev"]);
  });

  test("the context and the node size come from Pulumi.dev.yaml", async () => {
    const stackFile = [
      "config:",
      '  llm-platform:kubeContext: "laptop" # a comment',
      "  llm-platform:clusterNodeCpu: 6",
      "  llm-platform:clusterNodeMemory: 12Gi",
      "",
    ].join("\n");
    const r = await run("preview", { stackFile, env: { STUB_CONTEXT_RC: "1" } });
    expect(r.calls[0].argv).toBe("config get-contexts laptop");
    expect(r.out).toContain("minikube start -p laptop --cpus 6 --memory 12g --cni calico");
  });

  test("PULUMI_CLI overrides the npm launcher", async () => {
    const other = path.join(base, "other-pulumi");
    writeExecutable(other, PULUMI_STUB);
    const r = await run("preview", { env: { PULUMI_CLI: other, PULUMI_BACKEND_URL: "file:///somewhere" } });
    expect(r.code).toBe(0);
    expect(new Set(r.calls.filter((c) => c.tool.endsWith("pulumi")).map((c) => c.tool))).toEqual(new Set([path.relative(r.repo, other)]));
  });

  test("failures stop the run: a CLI that cannot start, a failed stack select, a bad mode", async () => {
    const noCli = await run("up", { env: { STUB_VERSION_RC: "1" } });
    expect(noCli.code).toBe(1);
    expect(noCli.out).toContain("downloads it (needs internet)");
    expect(pulumiCalls(noCli)).toEqual(["version"]);

    const select = await run("up", { env: { STUB_SELECT_RC: "3", PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    expect(select.code).toBe(3);
    expect(pulumiCalls(select)).toEqual(["version", "whoami", "stack select --create dev --secrets-provider passphrase"]);

    const up = await run("up", { env: { STUB_PULUMI_RC: "255", STUB_WHOAMI_RC: "0" } });
    expect(up.code).toBe(255);

    const bad = await run("destroy");
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("usage:");
    expect(bad.calls).toEqual([]);
  });

  test("npm run deploy:dev / preview:dev run the script", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["deploy:dev"]).toBe("bash scripts/deploy-dev.sh up");
    expect(pkg.scripts["preview:dev"]).toBe("bash scripts/deploy-dev.sh preview");
    expect(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8")).toMatch(/^\/\.pulumi-state\/$/m);
  });
});
