/**
 * Preview shows data loss: the plan of an update (as `pulumi preview --json` prints it, built here from two renders
 * of the real program: tests/helpers/plans.ts) names every claim the update deletes, replaces or leaves behind, and
 * the delivery's check (scripts/data-loss.ts) refuses such an update on prod until the pull request carries the
 * approval label, read from the event or from GitHub's API for the commit, and keeps one comment per stack.
 */
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { APPROVAL_LABEL, parseArgs, run } from "../../scripts/data-loss";
import { type ClaimAtRisk, dataLoss, needsApproval, type PreviewDigest } from "../../scripts/lib/dataLoss";
import { renderStack } from "../helpers/harness";
import { planOf } from "../helpers/plans";

const SUITES = ["llmctl", "llm-stack", "code-executor", "context-engine", "mlops"];
const withoutLlmctl = { set: { suites: SUITES.filter((s) => s !== "llmctl") } };
const row = (c: ClaimAtRisk) => `${c.fate} ${c.namespace}/${c.claim} (${c.from})`;
const LLMCTL_CLAIMS = ["llmctl/data-llmctl-chromadb-0", "llmctl/data-llmctl-postgres-0", "llmctl/data-llmctl-redis-0", "llmctl/llmctl-studio-data", "llmctl-pgadmin/llmctl-pgadmin"];

describe("the plan names the claims an update puts at risk", () => {
  test("dev, the llmctl suite turned off: its namespace goes, and with it every claim in it, the StatefulSets' and pgAdmin's chart claim", async () => {
    const loss = dataLoss(planOf(await renderStack("dev"), await renderStack("dev", withoutLlmctl)));
    expect(loss.claims.map(row)).toEqual([
      "deleted llmctl/data-llmctl-chromadb-0 (StatefulSet llmctl-chromadb)",
      "deleted llmctl/data-llmctl-postgres-0 (StatefulSet llmctl-postgres)",
      "deleted llmctl/data-llmctl-redis-0 (StatefulSet llmctl-redis)",
      "deleted llmctl/llmctl-studio-data (PersistentVolumeClaim)",
      "deleted llmctl-pgadmin/llmctl-pgadmin (chart pgadmin4 (pgAdmin's settings and saved servers))",
    ]);
    expect(loss.claims.every((c) => c.because === `namespace ${c.namespace} is deleted`)).toBe(true);
    expect(needsApproval(loss)).toBe(true);
  });

  test("prod (dataProtection), the same change: the namespaces are retained, so every claim is kept, and still named", async () => {
    const loss = dataLoss(planOf(await renderStack("prod"), await renderStack("prod", withoutLlmctl)));
    expect(loss.claims.map((c) => `${c.namespace}/${c.claim}`)).toEqual(LLMCTL_CLAIMS);
    expect(new Set(loss.claims.map((c) => c.fate))).toEqual(new Set(["kept"]));
    expect(loss.claims.find((c) => c.claim === "data-llmctl-postgres-0")?.because).toBe("StatefulSet llmctl-postgres deleted; Kubernetes keeps its claims");
    expect(loss.claims.find((c) => c.claim === "llmctl-studio-data")?.because).toBe("removed from the program, left in the cluster (retainOnDelete)");
    // The StatefulSets are deleted: a person approves that, even with the data kept.
    expect(loss.changes.filter((c) => c.kind === "StatefulSet").map((c) => `${c.name} ${c.op}`)).toEqual(["llmctl-chromadb delete", "llmctl-postgres delete", "llmctl-redis delete"]);
    expect(needsApproval(loss)).toBe(true);
  });

  test("prod, a new storageClass: every claim of ours is replaced by an empty one; the StatefulSets are replaced and re-attach theirs", async () => {
    const loss = dataLoss(planOf(await renderStack("prod"), await renderStack("prod", { set: { storageClass: "premium-ssd" } })));
    const replaced = loss.claims.filter((c) => c.fate === "replaced");
    expect(replaced.map((c) => `${c.namespace}/${c.claim}`)).toEqual([
      "context-engine/embedding-models",
      "context-engine/models-storage",
      "context-engine/qdrant-snapshots",
      "context-engine/repos-storage",
      "llm-stack/model-local-chat-weights",
      "llm-stack/model-local-embed-weights",
      "llm-stack/model-qwen-7b-weights",
      "llm-stack/openwebui-data",
      "llm-stack/qdrant-data",
      "llmctl/llmctl-studio-data",
      "mlops/minio-storage",
      "mlops/postgresql-storage",
    ]);
    expect(replaced[0].because).toBe("replaced (spec.storageClassName): a new, empty claim");
    const kept = loss.claims.filter((c) => c.fate === "kept");
    expect(kept.map((c) => c.claim)).toContain("data-llmctl-postgres-0");
    expect(kept.every((c) => c.because.includes("replaced (spec.volumeClaimTemplates)") && c.because.includes("re-attaches them as they are"))).toBe(true);
  });

  test("dev, Harbor turned off: the chart's claims (its registry, its StatefulSets') go with its namespace", async () => {
    const loss = dataLoss(planOf(await renderStack("dev"), await renderStack("dev", { set: { harborEnabled: false } })));
    expect(loss.claims.map(row)).toEqual([
      "deleted llmctl-harbor/data-harbor-redis-0 (chart harbor (Harbor's Redis))",
      "deleted llmctl-harbor/database-data-harbor-database-0 (chart harbor (Harbor's PostgreSQL))",
      "deleted llmctl-harbor/harbor-jobservice (chart harbor (job logs))",
      "deleted llmctl-harbor/harbor-registry (chart harbor (the registry's image layers))",
    ]);
  });

  test("an update that changes no data object needs no approval, and one that only drops a stateless suite's namespace neither", async () => {
    const dev = await renderStack("dev");
    const same = dataLoss(planOf(dev, dev));
    expect(same).toEqual({ claims: [], changes: [] });
    expect(needsApproval(same)).toBe(false);
    const noExecutor = dataLoss(planOf(dev, await renderStack("dev", { set: { suites: SUITES.filter((s) => s !== "code-executor") } })));
    expect(noExecutor.claims).toEqual([]);
    expect(noExecutor.changes.map((c) => `${c.kind} ${c.name}`)).toEqual(["Namespace llm-executor"]);
    expect(needsApproval(noExecutor)).toBe(false);
  });

  test("a real preview's shape: a chart's own children are counted once, a retention policy of Delete loses the claims", () => {
    const chart = "urn:pulumi:prod::llm-platform::llm-platform:addons:Harbor$kubernetes:helm.sh/v4:Chart::harbor";
    const digest: PreviewDigest = {
      steps: [
        { op: "delete", urn: chart, oldState: { type: "kubernetes:helm.sh/v4:Chart", inputs: { chart: "harbor", name: "harbor", namespace: "llmctl-harbor", values: { persistence: { enabled: true }, trivy: { enabled: false } } } } },
        {
          op: "delete",
          urn: `${chart.replace("::harbor", "")}$kubernetes:apps/v1:StatefulSet::llmctl-harbor/harbor-database`,
          oldState: { type: "kubernetes:apps/v1:StatefulSet", parent: chart, inputs: { metadata: { name: "harbor-database", namespace: "llmctl-harbor" }, spec: { replicas: 1, persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete" }, volumeClaimTemplates: [{ metadata: { name: "database-data" } }] } } },
        },
        { op: "delete", urn: `${chart.replace("::harbor", "")}$kubernetes:core/v1:PersistentVolumeClaim::llmctl-harbor/harbor-registry`, oldState: { type: "kubernetes:core/v1:PersistentVolumeClaim", parent: chart, retainOnDelete: true, inputs: { metadata: { name: "harbor-registry", namespace: "llmctl-harbor" } } } },
        { op: "same", urn: "urn:pulumi:prod::llm-platform::kubernetes:core/v1:Namespace::llmctl-harbor-namespace", newState: { type: "kubernetes:core/v1:Namespace", retainOnDelete: true, inputs: { metadata: { name: "llmctl-harbor" } } } },
      ],
    };
    expect(dataLoss(digest).claims.map(row)).toEqual([
      "deleted llmctl-harbor/database-data-harbor-database-0 (StatefulSet harbor-database)",
      "kept llmctl-harbor/data-harbor-redis-0 (chart harbor (Harbor's Redis))",
      "kept llmctl-harbor/harbor-jobservice (chart harbor (job logs))",
      "kept llmctl-harbor/harbor-registry (PersistentVolumeClaim)",
    ]);
  });
});

/** GitHub's REST API as the check uses it: a commit's pull requests, and a pull request's comments. */
async function fakeGithub(labels: string[]) {
  const comments: { id: number; body: string }[] = [];
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      calls.push(`${req.method} ${req.url}`);
      const json = (v: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(v));
      if (req.headers.authorization !== "Bearer run-token") return void res.writeHead(401).end();
      if (req.url === "/repos/acme/llm-platform/commits/abc123/pulls") return void json([{ number: 7, labels: labels.map((name) => ({ name })) }]);
      if (req.url === "/repos/acme/llm-platform/issues/7/comments?per_page=100") return void json(comments);
      if (req.method === "POST" && req.url === "/repos/acme/llm-platform/issues/7/comments") {
        comments.push({ id: comments.length + 1, body: (JSON.parse(body) as { body: string }).body });
        return void json(comments[comments.length - 1]);
      }
      const edit = /^\/repos\/acme\/llm-platform\/issues\/comments\/(\d+)$/.exec(req.url ?? "");
      if (req.method === "PATCH" && edit) {
        const c = comments.find((x) => x.id === Number(edit[1]))!;
        c.body = (JSON.parse(body) as { body: string }).body;
        return void json(c);
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const env = { GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, GITHUB_REPOSITORY: "acme/llm-platform", GITHUB_TOKEN: "run-token" };
  return { env, comments, calls, close: () => (server.closeAllConnections(), server.close()) };
}

describe("the delivery's check (scripts/data-loss.ts)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "data-loss-"));
  const planFile = (name: string, digest: PreviewDigest) => {
    const f = path.join(dir, `${name}.json`);
    fs.writeFileSync(f, JSON.stringify(digest));
    return f;
  };
  const servers: { close: () => void }[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  test("prod, llmctl turned off: refused without the label (the claims named, an error annotation), applied with it", async () => {
    const file = planFile("prod-off", planOf(await renderStack("prod"), await renderStack("prod", withoutLlmctl)));
    const summary = path.join(dir, "summary.md");
    const out: string[] = [];
    const refused = await run(parseArgs([file, "--stack", "prod", "--gate", "--labels", "docs,deploy"]), { GITHUB_STEP_SUMMARY: summary }, (l) => out.push(l));
    expect(refused).toBe(1);
    const text = out.join("\n");
    for (const claim of LLMCTL_CLAIMS) expect(text).toContain(`| \`${claim.split("/")[1]}\` | \`${claim.split("/")[0]}\` |`);
    expect(text).toContain(`::error title=data loss not approved (prod)::`);
    expect(text).toContain(`until the pull request carries the label \`${APPROVAL_LABEL}\``);
    expect(fs.readFileSync(summary, "utf8")).toContain("### Data at risk: `prod`");
    expect(await run(parseArgs([file, "--stack", "prod", "--gate", "--labels", `docs,${APPROVAL_LABEL}`]), {}, () => undefined)).toBe(0);
    // Without --gate (dev), reported but not refused.
    expect(await run(parseArgs([file, "--stack", "dev"]), {}, () => undefined)).toBe(0);
  });

  test("a push to main: the labels of the commit's pull request decide; the comment is kept, one per stack, edited on the next run", async () => {
    const file = planFile("dev-off", planOf(await renderStack("dev"), await renderStack("dev", withoutLlmctl)));
    const gh = await fakeGithub(["infra"]);
    servers.push(gh);
    const out: string[] = [];
    expect(await run(parseArgs([file, "--stack", "prod", "--gate", "--labels-of-commit", "abc123", "--comment", "7"]), gh.env, (l) => out.push(l))).toBe(1);
    expect(out.join("\n")).toContain("::warning title=data at risk (prod)::llmctl/data-llmctl-postgres-0 (StatefulSet llmctl-postgres): deleted, namespace llmctl is deleted");
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body.startsWith("<!-- llm-platform:data-loss:prod -->\n### Data at risk: `prod`")).toBe(true);
    // The label added: the same comment now says approved.
    const approved = await fakeGithub([APPROVAL_LABEL]);
    servers.push(approved);
    approved.comments.push(...gh.comments);
    expect(await run(parseArgs([file, "--stack", "prod", "--gate", "--labels-of-commit", "abc123", "--comment", "7"]), approved.env, () => undefined)).toBe(0);
    expect(approved.comments).toHaveLength(1);
    expect(approved.comments[0].body).toContain(`Approved: the pull request carries the label \`${APPROVAL_LABEL}\`.`);
    expect(approved.calls).toContain("PATCH /repos/acme/llm-platform/issues/comments/1");
    // Nothing at risk and no comment yet: no new comment.
    const quiet = await fakeGithub([]);
    servers.push(quiet);
    const none = planFile("none", planOf(await renderStack("dev"), await renderStack("dev")));
    expect(await run(parseArgs([none, "--stack", "dev", "--comment", "7"]), quiet.env, () => undefined)).toBe(0);
    expect(quiet.comments).toEqual([]);
    // A wrong token is an error, not a silent pass.
    await expect(run(parseArgs([file, "--stack", "prod", "--gate", "--labels-of-commit", "abc123"]), { ...gh.env, GITHUB_TOKEN: "stale" }, () => undefined)).rejects.toThrow("GitHub GET /commits/abc123/pulls: HTTP 401");
  });

  test("bad input: a missing stack, an unknown option, a plan that is not a preview's JSON", () => {
    expect(() => parseArgs(["plan.json"])).toThrow("usage: data-loss <preview.json> --stack <name>");
    expect(() => parseArgs(["plan.json", "--stack", "prod", "--force"])).toThrow("unknown option --force");
    expect(() => parseArgs(["plan.json", "--stack", "prod", "--comment", "seven"])).toThrow('--comment: a pull request number, got "seven"');
    const notJson = path.join(dir, "bad.json");
    fs.writeFileSync(notJson, "error: no stack named 'prod' found");
    return Promise.all([
      expect(run(parseArgs([notJson, "--stack", "prod"]), {}, () => undefined)).rejects.toThrow("not the JSON of `pulumi preview --json`"),
      expect(run(parseArgs([planFile("empty", {}), "--stack", "prod"]), {}, () => undefined)).rejects.toThrow('no "steps"'),
      expect(run(parseArgs([planFile("x", { steps: [] }), "--stack", "prod", "--comment", "7"]), {}, () => undefined)).rejects.toThrow("GITHUB_REPOSITORY and GITHUB_TOKEN are needed"),
    ]);
  });
});
