/**
 * The context engine's repository entries, and its git= repositories: git-sync beside the watcher (a native sidecar linking the checkout at
 * /work/<subPath>), its token from a file, its flow, and what an uploaded repository keeps.
 */
import { parseRepository } from "../../components/suites/contextEngine/config";
import { at, byName, containersOf, envOf, isSecretValue, k8sName, ofType, podSpecOf, renderStack, type Recorded } from "../helpers/harness";

const NS = "context-engine";
const inNs = (res: Recorded[], kind: string) => ofType(res, kind).filter((r) => at(r.inputs, "metadata.namespace") === NS);

test("repository entries: name, subPath, debounce override, disabled; mistakes named", () => {
  expect(parseRepository("web=apps/web,debounce=3")).toEqual({ name: "web", subPath: "apps/web", debounceSecs: "3", enabled: true });
  expect(parseRepository("old,disabled")).toEqual({ name: "old", subPath: "old", debounceSecs: undefined, enabled: false });
  expect(parseRepository("Bad_Name")).toMatch(/DNS label/);
  expect(parseRepository("x=../etc")).toMatch(/without \.\./);
  expect(parseRepository("x,debounce=fast")).toMatch(/unknown option/);
  expect(parseRepository("api,git=https://git.example.com/acme/api.git,ref=release/1.2")).toEqual({ name: "api", subPath: "api", debounceSecs: undefined, enabled: true, git: { url: "https://git.example.com/acme/api.git", ref: "release/1.2" } });
  expect(parseRepository("api,git=https://github.com/acme/api.git")).toMatchObject({ git: { ref: "HEAD" } });
  expect(parseRepository("api,git=http://github.com/acme/api.git")).toMatch(/https:\/\/ URL without credentials/);
  const withToken = parseRepository("api,git=https://me:s3cr3t@github.com/acme/api.git?access_token=s3cr3t2");
  expect(withToken).toMatch(/without credentials, query or fragment \(a token goes in contextEngineGitToken\)/);
  // Neither the misplaced token nor the query reaches the message.
  expect(withToken).not.toMatch(/s3cr3t/);
  expect(parseRepository("api,git=not a url")).toMatch(/https:\/\//);
  expect(parseRepository("api,ref=main")).toMatch(/ref= needs git=<url>/);
  expect(parseRepository("api,git=https://github.com/a/b.git,ref=-x")).toMatch(/branch, tag or commit/);
  expect(parseRepository("api=services/api,git=https://github.com/a/b.git")).toMatch(/one directory/);
});

describe("a git= repository: git-sync beside its watcher", () => {
  let res: Recorded[];
  const TOKEN = "glpat-context-engine-git-token";
  beforeAll(async () => {
    ({ resources: res } = await renderStack("dev", { set: { suites: ["context-engine"], contextEngineRepositories: ["backend", "api,git=https://github.com/acme/api.git,ref=main"] }, secrets: { contextEngineGitToken: TOKEN } }));
  });

  test("git-sync is a native sidecar that links the checkout at /work/<subPath> before the watcher starts, reading the token from a file", () => {
    const w = byName(res, "apps/v1:Deployment", "watcher-api");
    const [sync] = containersOf(w, true);
    expect(sync).toMatchObject({ name: "git-sync", image: "registry.k8s.io/git-sync/git-sync:v4.7.1", restartPolicy: "Always", startupProbe: { httpGet: { path: "/", port: "sync" } } });
    expect(Object.fromEntries(Object.entries(envOf(sync)).map(([k, v]) => [k, v.value]))).toEqual({
      GITSYNC_REPO: "https://github.com/acme/api.git",
      GITSYNC_REF: "main",
      GITSYNC_ROOT: "/work/.git-sync/api",
      GITSYNC_LINK: "/work/api",
      GITSYNC_PERIOD: "60s",
      GITSYNC_DEPTH: "1",
      GITSYNC_MAX_FAILURES: "-1",
      GITSYNC_STALE_WORKTREE_TIMEOUT: "5m",
      GITSYNC_HTTP_BIND: ":8090",
      GITSYNC_USERNAME: "git",
      GITSYNC_PASSWORD_FILE: "/etc/git-secret/token",
    });
    expect(sync.volumeMounts).toEqual([{ name: "repos-storage", mountPath: "/work" }, { name: "git-tmp", mountPath: "/tmp" }, { name: "git-token", mountPath: "/etc/git-secret", readOnly: true }]);
    expect(podSpecOf(w).volumes).toContainEqual({ name: "git-token", secret: { secretName: "context-engine-git", defaultMode: 0o440 } });
    const secret = byName(res, "core/v1:Secret", "context-engine-git");
    expect(isSecretValue(secret.raw.stringData)).toBe(true);
    expect((secret.inputs.stringData as Record<string, string>).token).toBe(TOKEN);
    // The watcher reads the same claim at the same path (the link is resolved at every poll).
    const [main] = containersOf(w);
    expect(main.volumeMounts).toContainEqual({ name: "repos-storage", mountPath: "/work" });
    expect(envOf(main)).toMatchObject({ WATCH_ROOT: { value: "/work/api" }, WATCH_USE_POLLING: { value: "1" } });
  });

  test("an uploaded repository keeps its sub-directory mount and no sidecar; only the synced watcher may reach the internet, on 443", () => {
    const backend = byName(res, "apps/v1:Deployment", "watcher-backend");
    // No git-sync sidecar: its only init container is the wait for the embedding model.
    expect(containersOf(backend, true).map((c) => c.name)).toEqual(["wait-for-embedding-model"]);
    expect(containersOf(backend)[0].volumeMounts).toContainEqual({ name: "repos-storage", mountPath: "/work/backend", subPath: "backend" });
    const flow = inNs(res, "networking.k8s.io/v1:NetworkPolicy").filter((p) => String(at(p.inputs, "metadata.annotations.llm-platform/flow")).startsWith("git-sync of"));
    expect(flow).toHaveLength(1);
    expect(at(flow[0].inputs, "spec.podSelector.matchLabels")).toMatchObject({ "app.kubernetes.io/name": "watcher-api" });
    expect(JSON.stringify(at(flow[0].inputs, "spec.egress"))).toContain('"port":443');
    expect(JSON.stringify(at(flow[0].inputs, "spec.egress"))).not.toContain('"port":80');
  });

  test("without a token: no Secret, no credentials in git-sync's env", async () => {
    const { resources } = await renderStack("dev", { set: { suites: ["context-engine"], contextEngineRepositories: ["api,git=https://github.com/acme/api.git"] } });
    expect(resources.filter((r) => k8sName(r) === "context-engine-git")).toEqual([]);
    const env = envOf(containersOf(byName(resources, "apps/v1:Deployment", "watcher-api"), true)[0]);
    expect(Object.keys(env).filter((k) => /USERNAME|PASSWORD/.test(k))).toEqual([]);
    expect(env.GITSYNC_REF.value).toBe("HEAD");
  });
});

