/**
 * The data volumes the charts make, read from their templates at the pinned versions, so that what a destroy
 * keeps can be listed from the code (docs/operations.md is generated from it) and kept for real: a claim the
 * chart renders is an object in Pulumi's state, which `pulumi destroy` deletes even inside a kept namespace,
 * unless `keepChartClaims` marks it retainOnDelete; a claim a StatefulSet (or an operator) makes from a
 * volumeClaimTemplate is never in state and lives as long as its namespace.
 */
import type * as pulumi from "@pulumi/pulumi";
import { valueAt } from "../lib/valueAt";

export interface ChartVolume {
  /** The PersistentVolumeClaim's name. */
  readonly claim: string;
  /** `chart`: the chart renders the claim itself; `template`: a StatefulSet's (or an operator's) volumeClaimTemplate. */
  readonly madeBy: "chart" | "template";
  readonly holds: string;
}

type Values = Readonly<Record<string, unknown>>;

/** By chart name; charts without data volumes are absent. */
export const CHART_VOLUMES: Readonly<Record<string, (values: Values, release: string) => ChartVolume[]>> = {
  // harbor-helm 1.18: templates/registry/registry-pvc.yaml and jobservice-pvc.yaml render PVCs named
  // <fullname>-registry / -jobservice; database, redis and trivy are StatefulSets with volumeClaimTemplates.
  harbor: (v, release) =>
    valueAt(v, "persistence.enabled") === true
      ? [
          { claim: `${release}-registry`, madeBy: "chart", holds: "the registry's image layers" },
          { claim: `${release}-jobservice`, madeBy: "chart", holds: "job logs" },
          { claim: `database-data-${release}-database-0`, madeBy: "template", holds: "Harbor's PostgreSQL" },
          { claim: `data-${release}-redis-0`, madeBy: "template", holds: "Harbor's Redis" },
          ...(valueAt(v, "trivy.enabled") === true ? [{ claim: `data-${release}-trivy-0`, madeBy: "template" as const, holds: "Trivy's vulnerability database" }] : []),
        ]
      : [],
  // pgadmin4 1.59: templates/pvc.yaml, named by the fullname.
  pgadmin4: (v) => (valueAt(v, "persistentVolume.enabled") === true ? [{ claim: String(valueAt(v, "fullnameOverride")), madeBy: "chart", holds: "pgAdmin's settings and saved servers" }] : []),
  // kube-prometheus-stack: the operator makes Prometheus' StatefulSet from storageSpec.volumeClaimTemplate
  // (prometheus-<name>-db-prometheus-<name>-0, <name> = <fullname>-prometheus).
  "kube-prometheus-stack": (v) => {
    if (valueAt(v, "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate") === undefined) return [];
    const name = `${String(valueAt(v, "fullnameOverride"))}-prometheus`;
    return [{ claim: `prometheus-${name}-db-prometheus-${name}-0`, madeBy: "template", holds: "Prometheus' TSDB" }];
  },
};

/** A transform for a chart whose namespace is kept: its own claims stay in the cluster when the engine deletes them. */
export const keepChartClaims: pulumi.ResourceTransform = (args) =>
  args.type === "kubernetes:core/v1:PersistentVolumeClaim" ? { props: args.props, opts: { ...args.opts, retainOnDelete: true } } : undefined;
