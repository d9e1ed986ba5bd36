/**
 * The template sites of the pinned charts whose output can differ between a render against an empty cluster
 * and a render against the cluster after the first apply (or between any two renders): each `lookup`, random
 * value, generated certificate and the checksums over them, modelled from the chart sources with the same
 * conditions on the values. Helm cannot render the charts here (they cannot be downloaded), so this model is
 * what stands in for the chart; each site names the template it was read from. `lookup` is a read of the
 * emulated cluster; the random functions really are random (two renders differ unless a value pins them).
 * Sites read at the pinned versions and found to depend on nothing (cert-manager, pgadmin4, gpu-operator,
 * kserve-resources) have none here.
 */
import * as crypto from "crypto";
import { valueAt as get } from "../../components/lib/valueAt";
import type { JsonObject } from "./harness";

/** An object a site renders: kind, name and the fields the site decides. */
export interface SiteObject {
  readonly type: string;
  readonly name: string;
  readonly props: JsonObject;
}

/** The emulated cluster: applied objects by `type/name`. */
export type Cluster = ReadonlyMap<string, JsonObject>;

export interface TemplateSite {
  readonly source: string;
  render(values: JsonObject, release: string, cluster: Cluster): SiteObject[];
}

const SECRET = "kubernetes:core/v1:Secret";
const lookup = (cluster: Cluster, type: string, name: string): JsonObject | undefined => cluster.get(`${type}/${name}`);
const b64 = (s: string) => Buffer.from(s).toString("base64");
const unb64 = (s: unknown) => (typeof s === "string" ? Buffer.from(s, "base64").toString() : "");
const randAlphaNum = (n: number) => crypto.randomBytes(n).toString("base64url").slice(0, n);
const sha256 = (v: unknown) => crypto.createHash("sha256").update(JSON.stringify(v)).digest("hex");
const truthy = (v: unknown) => v !== undefined && v !== null && v !== "" && v !== false;
/** A Secret's value as the cluster holds it: stringData is folded into data on write. */
const secretValue = (s: JsonObject | undefined, key: string): string =>
  s ? (get(s, `stringData.${key}`) as string | undefined) ?? unb64(get(s, `data.${key}`)) : "";

/** harbor-helm 1.18.x (templates/_helpers.tpl, database/, core/, jobservice/, registry/). */
const HARBOR: TemplateSite[] = [
  {
    source: "_helpers.tpl:112-123 harbor.database.rawPassword; database/database-secret.yaml; database/database-ss.yaml:29 checksum/secret",
    render(values, release, cluster) {
      if (get(values, "database.type") !== "internal") return [];
      const name = `${release}-database`;
      const existing = lookup(cluster, SECRET, name);
      const raw = String(get(values, "database.internal.password") || (existing && secretValue(existing, "POSTGRES_PASSWORD")) || "");
      const secret = { metadata: { name }, type: "Opaque", data: { POSTGRES_PASSWORD: b64(raw) } };
      return [
        { type: SECRET, name, props: secret },
        {
          type: "kubernetes:apps/v1:StatefulSet",
          name,
          props: {
            metadata: { name },
            spec: {
              template: {
                metadata: { annotations: { "checksum/secret": sha256(secret) } },
                // database-ss.yaml's container: the image from values, the data volume at PostgreSQL's path.
                spec: { containers: [{ name: "database", image: "goharbor/harbor-db:v2.14.2", env: [{ name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" }], volumeMounts: [{ name: "database-data", mountPath: "/var/lib/postgresql/data" }] }] },
              },
            },
          },
        },
      ];
    },
  },
  {
    source: "core/core-secret.yaml (secret, tls genCA, CSRF_KEY, POSTGRESQL_PASSWORD) and core/core-dpl.yaml:28 checksum/secret",
    render(values, release, cluster) {
      const name = `${release}-core`;
      const existing = lookup(cluster, SECRET, name);
      const data: Record<string, string> = {};
      if (!truthy(get(values, "core.existingSecret"))) data.secret = String(get(values, "core.secret") || secretValue(existing, "secret") || randAlphaNum(16));
      if (!truthy(get(values, "core.secretName"))) data["tls.key"] = String(get(values, "core.tokenKey") || `genCA key ${randAlphaNum(32)}`);
      if (!truthy(get(values, "core.existingXsrfSecret"))) data.CSRF_KEY = String(get(values, "core.xsrfKey") || secretValue(existing, "CSRF_KEY") || randAlphaNum(32));
      if (!truthy(get(values, "database.external.existingSecret"))) data.POSTGRESQL_PASSWORD = String(get(values, "database.internal.password") || "");
      return [{ type: "kubernetes:apps/v1:Deployment", name, props: { spec: { template: { metadata: { annotations: { "checksum/secret": sha256(data) } } } } } }];
    },
  },
  {
    source: "jobservice/jobservice-secrets.yaml JOBSERVICE_SECRET; registry/registry-secret.yaml REGISTRY_HTTP_SECRET; registry htpasswd (bcrypt, salted per render)",
    render(values, release, cluster) {
      const out: Record<string, string> = {};
      if (!truthy(get(values, "jobservice.existingSecret"))) out.JOBSERVICE_SECRET = String(get(values, "jobservice.secret") || secretValue(lookup(cluster, SECRET, `${release}-jobservice`), "JOBSERVICE_SECRET") || randAlphaNum(16));
      if (!truthy(get(values, "registry.existingSecret"))) out.REGISTRY_HTTP_SECRET = String(get(values, "registry.secret") || secretValue(lookup(cluster, SECRET, `${release}-registry`), "REGISTRY_HTTP_SECRET") || randAlphaNum(16));
      if (!truthy(get(values, "registry.credentials.existingSecret"))) out.REGISTRY_HTPASSWD = `bcrypt-salt-${randAlphaNum(22)}`;
      return Object.keys(out).length === 0 ? [] : [{ type: SECRET, name: `${release}-registry-and-jobservice`, props: { data: out } }];
    },
  },
];

/** kube-prometheus-stack 88.5.3 and its grafana 12.11.1 subchart. */
const KUBE_PROMETHEUS_STACK: TemplateSite[] = [
  {
    source: "grafana templates/_helpers.tpl:131-138 grafana.password (lookup, else randAlphaNum 40); secret.yaml; deployment.yaml:44-46 checksum/secret",
    render(values, _release, cluster) {
      if (truthy(get(values, "grafana.admin.existingSecret")) || truthy(get(values, "grafana.adminPassword"))) return [];
      const name = String(get(values, "grafana.fullnameOverride") || "grafana");
      const password = secretValue(lookup(cluster, SECRET, name), "admin-password") || randAlphaNum(40);
      return [{ type: SECRET, name, props: { data: { "admin-password": b64(password) } } }];
    },
  },
  {
    source: "grafana templates/pvc.yaml:28-32 volumeName from a lookup of the live claim (persistence.lookupVolumeName, default true)",
    render(values, _release, cluster) {
      if (get(values, "grafana.persistence.enabled") !== true || get(values, "grafana.persistence.lookupVolumeName") === false) return [];
      const name = String(get(values, "grafana.fullnameOverride") || "grafana");
      const live = lookup(cluster, "kubernetes:core/v1:PersistentVolumeClaim", name);
      return [{ type: "kubernetes:core/v1:PersistentVolumeClaim", name, props: { spec: (live ? { volumeName: `pvc-bound-${name}` } : {}) as JsonObject } }];
    },
  },
];

/** gateway-helm v1.9.x (charts/crds subchart). */
const GATEWAY_HELM: TemplateSite[] = [
  {
    source: "charts/crds/templates/gatewayapi-safe-upgrade-policy.yaml:14-28 (rendered only when absent or owned by a Helm release)",
    render(values, _release, cluster) {
      if (get(values, "crds.enabled") === false || get(values, "crds.gatewayAPI.safeUpgradePolicy.enabled") === false) return [];
      const type = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
      const name = "safe-upgrades.gateway.networking.k8s.io";
      const live = lookup(cluster, type, name);
      // Pulumi never writes Helm's ownership label and annotations, so a live policy is never "owned".
      const labels = get(live, "metadata.labels") as Record<string, unknown> | undefined;
      const owned = labels?.["app.kubernetes.io/managed-by"] === "Helm";
      return !live || owned ? [{ type, name, props: { metadata: { name } } }] : [];
    },
  },
];

/** kserve-crd / kserve-crd-minimal v0.20.0. */
const KSERVE_CRD: TemplateSite[] = [
  {
    source: "templates/serving.kserve.io_clusterstoragecontainers.yaml:1-11 (skipped when the live CRD names another Helm release)",
    render(_values, release, cluster) {
      const type = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
      const name = "clusterstoragecontainers.serving.kserve.io";
      const annotations = get(lookup(cluster, type, name), "metadata.annotations") as Record<string, unknown> | undefined;
      const other = annotations?.["meta.helm.sh/release-name"];
      return other !== undefined && other !== release ? [] : [{ type, name, props: { metadata: { name } } }];
    },
  },
];

/**
 * Secrets a chart's pods mount that only one of its Helm hooks creates: helm.v4.Chart drops every hook, so
 * unless the program makes them (and the chart waits for that), the pods never start and the first `up`
 * times out. Read from the charts: gateway-helm templates/certgen.yaml (and the controller's
 * envoy-gateway-deployment.yaml mount), kube-prometheus-stack admission-webhooks/job-patch (and the operator's
 * mount while tls.enabled).
 */
export const HOOK_ONLY_SECRETS: Readonly<Record<string, (values: JsonObject) => string[]>> = {
  "gateway-helm": () => ["envoy-gateway", "envoy"],
  "kube-prometheus-stack": (values) =>
    get(values, "prometheusOperator.admissionWebhooks.enabled") !== false || get(values, "prometheusOperator.tls.enabled") !== false ? [`${String(get(values, "fullnameOverride"))}-admission`] : [],
};

export const CHART_TEMPLATE_SITES: Readonly<Record<string, readonly TemplateSite[]>> = {
  harbor: HARBOR,
  "kube-prometheus-stack": KUBE_PROMETHEUS_STACK,
  "gateway-helm": GATEWAY_HELM,
  "kserve-crd": KSERVE_CRD,
  "kserve-crd-minimal": KSERVE_CRD,
  "cert-manager": [],
  pgadmin4: [],
  "gpu-operator": [],
  "kserve-resources": [],
};
