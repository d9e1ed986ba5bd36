/**
 * The security model's credential table (README "Security model"): every Secret a stack renders, who holds it
 * (the workloads whose pods read it, found in the render: env references, envFrom, secret and projected volumes;
 * plus the chart pods that read it by name, which a render does not contain) and what it opens (PURPOSES, written
 * here). `npm run docs` writes it; tests/unit/docs.test.ts fails when it is stale or a Secret has no purpose.
 */
import { valueAt as at } from "../../components/lib/valueAt";
import { podInputs } from "./compare";
import { toManifest } from "./manifests";
import { type Json, k8sName, type Recorded } from "./render";

interface Purpose {
  /** What the values open. */
  readonly opens: string;
  /** Chart pods that read it by name (a render does not contain them). */
  readonly chart?: string;
}

/** By Secret name; `*` matches any run of characters. The first match wins. */
const PURPOSES: ReadonlyArray<readonly [string, Purpose]> = [
  ["minio-credentials", { opens: "MinIO's root: every bucket, its users and policies, the console (the operator's; no consumer holds it)" }],
  ["minio-user-*", { opens: "that MinIO user: its own buckets only, read-only where it only reads (ConfigMap minio-policies); its consumer's object-store, backup-target or kserve-s3 Secret holds a copy" }],
  ["object-store", { opens: "the namespace's own MinIO user (keys of minio-user-<user>): its buckets only" }],
  ["backup-target", { opens: "the backup target: MinIO user `backups` (platform-backups only), or the operator's external bucket" }],
  ["llmctl-studio-secrets", { opens: "the studio's PostgreSQL and Redis, and ChromaDB's token" }],
  ["llmctl-studio-broker", { opens: "the studio's Redis, as Celery's broker and result URLs" }],
  ["llmctl-redis-config", { opens: "the studio's Redis (its requirepass)" }],
  ["llmctl-chromadb-proxy", { opens: "ChromaDB, through its token proxy (the token the proxy checks)" }],
  ["llmctl-mcp-secrets", { opens: "the outside services of the studio's MCP servers (GitHub, Atlassian, Google; operator-supplied)" }],
  ["llm-stack-secrets", { opens: "the LLM stack's PostgreSQL, Redis and Qdrant, and OpenWebUI's session signing key" }],
  ["redis-config", { opens: "the LLM stack's Redis (its requirepass)" }],
  ["openwebui-redis", { opens: "the LLM stack's Redis, as OpenWebUI's URL" }],
  ["litellm-secret", { opens: "LiteLLM's master key (every key and model, its admin API) and salt key (encrypts the provider keys it stores)" }],
  ["litellm-database", { opens: "LiteLLM's own role and database in the LLM stack's PostgreSQL" }],
  ["litellm-provider-keys", { opens: "the model providers' APIs (OpenAI, Anthropic; operator-supplied)" }],
  ["gateway-*", { opens: "LiteLLM, as that consumer: its own virtual key, its models and budget" }],
  ["model-gateway", { opens: "LiteLLM, as the code executor: its own virtual key" }],
  ["model-servers", { opens: "the local model servers (llama.cpp, vLLM): the key LiteLLM calls them with" }],
  ["context-engine-secrets", { opens: "the context engine's Qdrant (its API key)" }],
  ["llm-executor-secrets", { opens: "the code executor's outside services: its database, Event Hub, LLM and S3 keys (operator-supplied)" }],
  ["postgresql-credentials", { opens: "MLOps' PostgreSQL: the superuser and MLflow's role" }],
  ["mlflow-auth", { opens: "MLflow's admin login and its session signing key" }],
  ["harbor-credentials", { opens: "Harbor: the admin login, its database, registry, job service and session secrets", chart: "Harbor's core, jobservice, registry and database (the chart, by name)" }],
  ["harbor-registry-credentials", { opens: "Harbor's registry (core's login to it)", chart: "Harbor's core and registry (the chart, by name)" }],
  ["harbor-database-password", { opens: "Harbor's PostgreSQL", chart: "Harbor's database (the chart, by name)" }],
  ["harbor-token", { opens: "Harbor's token service: the key that signs registry tokens", chart: "Harbor's core and registry (the chart, by name)" }],
  ["llmctl-pgadmin-credentials", { opens: "pgAdmin's login, and the studio's PostgreSQL (pgpass)", chart: "pgAdmin (the chart, by name)" }],
  ["grafana-admin", { opens: "Grafana's admin login", chart: "Grafana (the chart, by name)" }],
  ["*-basic-auth", { opens: "the edge's basic-auth login to that route (an htpasswd entry)", chart: "the Envoy proxies (SecurityPolicy)" }],
  ["edge-*", { opens: "the edge's login or OIDC client secret", chart: "the Envoy proxies (SecurityPolicy)" }],
  ["*-tls", { opens: "a public host's TLS key", chart: "the Envoy proxies (the Gateway's listeners)" }],
  ["*pull*", { opens: "the image registry (pull only)", chart: "the kubelet, pulling images" }],
];

const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
export const purposeOf = (secret: string): Purpose | undefined => PURPOSES.find(([p]) => glob(p).test(secret))?.[1];

/** The Secrets a workload's pods read, by name (env, envFrom, secret and projected volumes: compare.ts's podInputs). */
function secretsRead(w: Recorded, namespace: string): Set<string> {
  const manifest = toManifest(w);
  const prefix = `v1/Secret/${namespace}/`;
  return new Set(manifest ? podInputs(manifest as unknown as Json).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)) : []);
}

export interface CredentialRow {
  readonly namespace: string;
  readonly secret: string;
  readonly holders: readonly string[];
  readonly opens: string;
}

/** Every Secret of a render, its holders and purpose; a Secret without a purpose is an error naming it. */
export function credentialRows(resources: readonly Recorded[]): CredentialRow[] {
  return resources
    .filter((r) => r.type === "kubernetes:core/v1:Secret")
    .map((s) => {
      const namespace = String(at(s.inputs, "metadata.namespace"));
      const secret = k8sName(s);
      const purpose = purposeOf(secret);
      if (!purpose) throw new Error(`Secret ${namespace}/${secret} has no purpose in scripts/lib/credentialModel.ts (PURPOSES): say what it opens`);
      const readers = resources.filter((w) => String(at(w.inputs, "metadata.namespace")) === namespace && secretsRead(w, namespace).has(secret)).map(k8sName);
      return { namespace, secret, holders: [...new Set(readers)].sort().concat(purpose.chart ? [purpose.chart] : []), opens: purpose.opens };
    })
    .sort((a, b) => `${a.namespace}/${a.secret}`.localeCompare(`${b.namespace}/${b.secret}`));
}

/**
 * The table of both stacks: one row per purpose (Secrets of the same kind in several namespaces share it, e.g. each
 * namespace's backup-target), with the Secrets as namespace/name, everyone who reads one, and the stacks it is in.
 */
export function credentialModelTable(stacks: ReadonlyArray<readonly [string, readonly CredentialRow[]]>): string {
  const rows = new Map<string, { secrets: Set<string>; holders: Set<string>; in: Set<string> }>();
  for (const [stack, list] of stacks) {
    for (const row of list) {
      const seen = rows.get(row.opens) ?? { secrets: new Set<string>(), holders: new Set<string>(), in: new Set<string>() };
      seen.secrets.add(`${row.namespace}/${row.secret}`);
      for (const h of row.holders) seen.holders.add(h);
      seen.in.add(stack);
      rows.set(row.opens, seen);
    }
  }
  const list = (xs: Set<string>, code = false) => [...xs].sort().map((x) => (code ? `\`${x}\`` : x)).join(", ");
  return [
    "| Secret | held by (the pods that read it) | opens | stacks |",
    "|---|---|---|---|",
    ...[...rows.entries()]
      .sort(([, a], [, b]) => list(a.secrets).localeCompare(list(b.secrets)))
      .map(([opens, r]) => `| ${list(r.secrets, true)} | ${r.holders.size > 0 ? list(r.holders) : "the operator (stack outputs)"} | ${opens} | ${[...r.in].join(", ")} |`),
  ].join("\n");
}
