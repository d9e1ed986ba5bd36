/**
 * Section: the flows of the wiring (MLflow -> PostgreSQL and MinIO, the bucket Job -> MinIO; default deny
 * otherwise), the metrics Prometheus scrapes when monitoring is on, and the public routes (MinIO console, MLflow).
 */
import { selectorLabels } from "../../lib/labels";
import { EdgeRoutes } from "../../platform/edge/edgeRoutes";
import type { RouteGroup } from "../../platform/edge/routes";
import { hasPublicHosts } from "../../platform/exposure";
import { allowFlow, type Flow, type PodGroup, workloadPods } from "../../platform/flows";
import { type MonitoringAccess, scrape } from "../../platform/metrics";
import { childOpts, type SuiteContext } from "../context";
import type { MlopsConfig } from "./config";
import type { MlopsImage } from "./images";
import { INSTANCE, KEYS, NAMES, PORTS } from "./names";

type Ctx = SuiteContext<MlopsImage>;

export function mlopsFlows(cfg: MlopsConfig, nodePorts: boolean, own?: PodGroup["own"]): Flow[] {
  const pods = (name: string) => workloadPods(name, INSTANCE, cfg.namespace, own);
  const flows: Flow[] = [
    { name: "mlflow-to-postgresql", from: { pods: pods(NAMES.mlflow) }, to: { pods: pods(NAMES.postgres) }, ports: [{ port: PORTS.postgres }], why: "--backend-store-uri (and the init gate)" },
    { name: "mlflow-to-minio", from: { pods: pods(NAMES.mlflow) }, to: { pods: pods(NAMES.minio) }, ports: [{ port: PORTS.minioApi }], why: "MLFLOW_S3_ENDPOINT_URL (artifacts, and the init gate)" },
    { name: "buckets-to-minio", from: { pods: pods(NAMES.buckets) }, to: { pods: pods(NAMES.minio) }, ports: [{ port: PORTS.minioApi }], why: "minio-create-buckets" },
  ];
  if (nodePorts) {
    flows.push(
      { name: "nodeport-to-minio-console", from: { anywhere: true }, to: { pods: pods(NAMES.minio) }, ports: [{ port: PORTS.minioConsole }], why: "the MinIO console NodePort" },
      { name: "nodeport-to-mlflow", from: { anywhere: true }, to: { pods: pods(NAMES.mlflow) }, ports: [{ port: PORTS.mlflow }], why: "the MLflow NodePort" },
    );
  }
  return flows;
}

/** The console logs in with MinIO's credentials; MLflow with its basic auth, or behind the edge's without it. */
export function mlopsRouteGroups(cfg: MlopsConfig): RouteGroup[] {
  const groups: RouteGroup[] = [];
  if (cfg.hosts.console) {
    groups.push({ name: "minio-console", instance: INSTANCE, namespace: cfg.namespace, host: cfg.hosts.console, auth: { kind: "app", reason: "MinIO's console login (minio-credentials)" }, routes: [{ name: "minio-console", path: "/", service: NAMES.minio, port: PORTS.minioConsole }], largeBodies: true });
  }
  if (cfg.hosts.mlflow) {
    groups.push({
      name: NAMES.mlflow,
      instance: INSTANCE,
      namespace: cfg.namespace,
      host: cfg.hosts.mlflow,
      auth: cfg.mlflowAuth ? { kind: "app", reason: "MLflow's basic-auth login (mlopsMlflowAuth)" } : { kind: "edge" },
      routes: [{ name: NAMES.mlflow, path: "/", service: NAMES.mlflow, port: PORTS.mlflow }],
      largeBodies: true,
    });
  }
  return groups;
}

/** MinIO's cluster metrics (public to whoever the flows admit) and MLflow's /metrics (behind its login when on). */
export function mlopsMetrics(ctx: Pick<Ctx, "namespace" | "instance">, cfg: MlopsConfig, monitoring: MonitoringAccess | undefined, opts: Parameters<typeof scrape>[2]): void {
  const pods = (name: string) => workloadPods(name, INSTANCE, cfg.namespace, ctx.namespace);
  scrape({ name: NAMES.minio, namespace: ctx.namespace, instance: INSTANCE, serviceLabels: selectorLabels(NAMES.minio, INSTANCE), portName: "api", port: PORTS.minioApi, path: "/minio/v2/metrics/cluster", pods: pods(NAMES.minio), why: "MinIO's cluster metrics" }, monitoring, opts);
  scrape(
    {
      name: NAMES.mlflow,
      namespace: ctx.namespace,
      instance: INSTANCE,
      serviceLabels: selectorLabels(NAMES.mlflow, INSTANCE),
      portName: "http",
      port: PORTS.mlflow,
      path: "/metrics",
      pods: pods(NAMES.mlflow),
      ...(cfg.mlflowAuth ? { auth: { kind: "basic" as const, username: { name: NAMES.mlflowAuth, key: KEYS.mlflowAdminUser }, password: { name: NAMES.mlflowAuth, key: KEYS.mlflowAdminPassword } } } : {}),
      why: "MLflow's request metrics (--expose-prometheus)",
    },
    monitoring,
    opts,
  );
}

export function mlopsNetwork(ctx: Ctx, cfg: MlopsConfig, monitoring: MonitoringAccess | undefined): void {
  for (const f of mlopsFlows(cfg, ctx.exposure.mode === "nodePort", ctx.namespace)) allowFlow(f, INSTANCE, childOpts(ctx));
  mlopsMetrics(ctx, cfg, monitoring, childOpts(ctx));
  if (!hasPublicHosts(ctx.exposure)) return;
  for (const g of mlopsRouteGroups(cfg)) new EdgeRoutes(`${INSTANCE}-${g.name}`, { group: g, namespace: ctx.namespace, edge: ctx.edge }, childOpts(ctx));
}
