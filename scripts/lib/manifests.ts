/**
 * Turns what the program registered (under mocks, see render.ts) into Kubernetes manifests, so a real API
 * server can validate, admit and run exactly those objects (tests/e2e, `npm run sandbox`), and so two
 * renders can be compared (compare.ts).
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { k8sName, type JsonObject, type Recorded } from "./render";

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: JsonObject;
  readonly [field: string]: unknown;
}

/** "kubernetes:apps/v1:Deployment" -> apps/v1 Deployment; "core" is the legacy group "v1". */
export function toManifest(r: Recorded): Manifest | undefined {
  const m = /^kubernetes:([^:]+)\/([^:/]+):([A-Za-z]+)$/.exec(r.type);
  if (!m || m[1] === "helm.sh") return undefined;
  const [, group, version, kind] = m;
  const { metadata, ...rest } = r.inputs;
  return { apiVersion: group === "core" ? version : `${group}/${version}`, kind, metadata: metadata as JsonObject, ...rest } as Manifest;
}

// Apply order: what others reference comes first.
const ORDER = ["Namespace", "RuntimeClass", "ServiceAccount", "Secret", "ConfigMap", "PersistentVolumeClaim", "Role", "RoleBinding", "Service"];
const rank = (kind: string) => (ORDER.includes(kind) ? ORDER.indexOf(kind) : ORDER.length);

export interface ManifestSet {
  readonly namespaces: Manifest[];
  readonly rest: Manifest[];
  /** Registered but not renderable here (Helm charts: no chart download offline). */
  readonly skipped: string[];
}

export function manifestSet(resources: readonly Recorded[], namespace?: string): ManifestSet {
  const all: Manifest[] = [];
  const skipped: string[] = [];
  for (const r of resources) {
    if (!r.type.startsWith("kubernetes:")) continue;
    const m = toManifest(r);
    if (!m) skipped.push(`${r.type} ${k8sName(r)}`);
    else if (namespace === undefined || (m.kind === "Namespace" ? m.metadata.name : m.metadata.namespace) === namespace) all.push(m);
  }
  all.sort((a, b) => rank(a.kind) - rank(b.kind));
  return { namespaces: all.filter((m) => m.kind === "Namespace"), rest: all.filter((m) => m.kind !== "Namespace"), skipped };
}

/**
 * The Helm charts as they were asked for (release, chart, version, repository, namespace, values): not
 * objects an API server takes, but what decides the objects the engine will render from them, so a
 * refactor's comparison covers them too. kind "Chart" under apiVersion "helm.sh/v4", named by the Pulumi name.
 */
export function chartManifests(resources: readonly Recorded[]): Manifest[] {
  return resources
    .filter((r) => r.type === "kubernetes:helm.sh/v4:Chart")
    .map((r) => {
      const { name, namespace, ...rest } = r.inputs;
      return { apiVersion: "helm.sh/v4", kind: "Chart", metadata: { name: r.name, ...(namespace !== undefined ? { namespace } : {}) }, release: name, ...rest } as Manifest;
    });
}

export function writeManifests(dir: string, file: string, manifests: readonly Manifest[]): string {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, file);
  fs.writeFileSync(target, manifests.map((m) => yaml.dump(m, { noRefs: true, lineWidth: -1 })).join("---\n"));
  return target;
}
