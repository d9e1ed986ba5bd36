/**
 * The GitOps render slice: instead of applying, the program writes every Kubernetes object (the charts' included)
 * as YAML under a directory that a GitOps tool (ArgoCD) syncs. Secrets never reach that directory with their
 * values: each is rendered without data and its values come from an External Secrets store, through one
 * ExternalSecret per Secret (components/platform/gitops.ts). Without a store named, render mode is refused.
 */
import type { GitopsConfig } from "../platform/gitops";
import { DNS_SUBDOMAIN } from "./patterns";
import type { Reader } from "./reader";
import type { KeySpec } from "./schema";

const group = "GitOps render";
export const SECRET_STORE_KINDS = ["ClusterSecretStore", "SecretStore"] as const;

export const GITOPS_SCHEMA = {
  gitopsRenderDirectory: {
    type: "string",
    group,
    default: "",
    description:
      "Render instead of apply: `pulumi up` writes every object (Helm charts' included) as YAML under this directory (relative to the project) for ArgoCD to sync, and changes no cluster. Empty: apply.",
  },
  gitopsSecretStore: {
    type: "string",
    group,
    default: "",
    description: "Name of the External Secrets store that holds the Secrets' values; required with gitopsRenderDirectory (no Secret value is ever rendered).",
  },
  gitopsSecretStoreKind: { type: "string", group, default: "ClusterSecretStore", description: "Kind of that store: ClusterSecretStore or SecretStore (one per namespace)." },
  gitopsSecretKeyPrefix: {
    type: "string",
    group,
    default: "llm-platform",
    description: "Where the store keeps each Secret's values: <prefix>/<namespace>/<name>, one entry per Secret with its keys as properties.",
  },
} as const satisfies Record<string, KeySpec>;

export type GitopsSchema = typeof GITOPS_SCHEMA;

/** A project-relative directory without `..` (the render stays inside the checkout). */
const RELATIVE_DIR = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+$/;
const KEY_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export function parseGitops(r: Reader<GitopsSchema>): GitopsConfig | undefined {
  const directory = r.get("gitopsRenderDirectory");
  const store = r.get("gitopsSecretStore");
  const kind = r.oneOf("gitopsSecretStoreKind", SECRET_STORE_KINDS);
  const prefix = r.get("gitopsSecretKeyPrefix");
  if (!KEY_PREFIX.test(prefix)) r.problem("gitopsSecretKeyPrefix", `must be a key path such as llm-platform or teams/ml (got ${JSON.stringify(prefix)})`);
  if (store !== "" && !DNS_SUBDOMAIN.test(store)) r.problem("gitopsSecretStore", `must be the store's Kubernetes name (got ${JSON.stringify(store)})`);
  if (directory === "") return undefined;
  if (!RELATIVE_DIR.test(directory)) r.problem("gitopsRenderDirectory", `must be a directory inside the project, relative and without '..' (got ${JSON.stringify(directory)})`);
  if (store === "") {
    r.problem("gitopsSecretStore", "is required with gitopsRenderDirectory: Secrets are rendered without their values, which an External Secrets store must hold (render mode never writes a secret to disk)");
  }
  return { directory, store: { kind, name: store }, keyPrefix: prefix.replace(/\/+$/, "") };
}
