/**
 * GitOps render mode, the platform side. The Kubernetes provider renders every object to a directory
 * (`renderYamlToDirectory`: <dir>/0-crd, <dir>/1-manifest) instead of applying it; a stack-wide transform, which
 * the engine also applies to the objects Helm charts render, takes every Secret's values out before it is written
 * and writes, beside the manifests, the ExternalSecret that fills that Secret from the team's secret store. The
 * rendered Secret keeps its name, type and labels, so what references it still resolves; the External Secrets
 * Operator merges the values in (creationPolicy Merge), and server-side apply leaves the fields it owns alone.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

export interface GitopsConfig {
  /** Project-relative directory the objects are rendered to. */
  readonly directory: string;
  readonly store: { readonly kind: "ClusterSecretStore" | "SecretStore"; readonly name: string };
  /** The store's key of a Secret's values: <keyPrefix>/<namespace>/<name>. */
  readonly keyPrefix: string;
}

/** Beside the provider's 0-crd and 1-manifest: applied after both (ArgoCD applies files in name order per wave). */
export const EXTERNAL_SECRETS_DIR = "2-external-secrets";
export const SECRET_SOURCE_ANNOTATION = "llm-platform/secret-values";

export function secretStoreKey(cfg: GitopsConfig, namespace: string, name: string): string {
  return `${cfg.keyPrefix}/${namespace}/${name}`;
}

/** The ExternalSecret that fills Secret `namespace/name` from the store (all of the entry's properties as keys). */
export function externalSecret(cfg: GitopsConfig, namespace: string, name: string): Record<string, unknown> {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "llm-platform-render" } },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { kind: cfg.store.kind, name: cfg.store.name },
      // Merge: the rendered Secret (name, type, labels) exists already; only its data comes from the store.
      target: { name, creationPolicy: "Merge" },
      dataFrom: [{ extract: { key: secretStoreKey(cfg, namespace, name) } }],
    },
  };
}

/** Writes the ExternalSecret for one Secret (JSON, which is YAML, under EXTERNAL_SECRETS_DIR). */
export function writeExternalSecret(cfg: GitopsConfig, root: string, namespace: string, name: string): string {
  const dir = path.join(root, cfg.directory, EXTERNAL_SECRETS_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${namespace}-${name}.json`);
  fs.writeFileSync(file, JSON.stringify(externalSecret(cfg, namespace, name), null, 2) + "\n");
  return file;
}

type Write = (namespace: string, name: string) => void;

/**
 * The stack transform of render mode: a Secret loses `data` and `stringData` (its values never reach the renderer)
 * and gains an annotation naming where they come from; its ExternalSecret is written once names are known (not in
 * a preview, which renders nothing). Everything else passes unchanged.
 */
export function gitopsSecretTransform(cfg: GitopsConfig, write: Write): pulumi.ResourceTransform {
  return (args) => {
    if (args.type !== "kubernetes:core/v1:Secret") return undefined;
    const metadata = (args.props.metadata ?? {}) as { name?: pulumi.Input<string>; namespace?: pulumi.Input<string>; annotations?: Record<string, pulumi.Input<string>> };
    const name = pulumi.output(metadata.name ?? args.name);
    const namespace = pulumi.output(metadata.namespace ?? "default");
    pulumi.all([namespace, name]).apply(([ns, n]) => {
      if (!pulumi.runtime.isDryRun()) write(ns, n);
    });
    const props: pulumi.Inputs = {
      ...args.props,
      metadata: { ...metadata, annotations: { ...metadata.annotations, [SECRET_SOURCE_ANNOTATION]: pulumi.interpolate`${cfg.store.kind}/${cfg.store.name}: ${cfg.keyPrefix}/${namespace}/${name}` } },
    };
    delete props.data;
    delete props.stringData;
    return { props, opts: args.opts };
  };
}

/** Turns render mode on for this program run: every resource registered after this call is transformed. */
export function enableGitopsRender(cfg: GitopsConfig, root: string): void {
  pulumi.runtime.registerResourceTransform(gitopsSecretTransform(cfg, (ns, n) => writeExternalSecret(cfg, root, ns, n)));
}
