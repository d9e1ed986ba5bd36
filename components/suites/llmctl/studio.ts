/**
 * Section: the studio processes: backend (control plane; launches executor Jobs), frontend, Celery worker
 * (consumes every queue; slots = replicas x concurrency) and Celery beat (the only scheduler). Start-up
 * order is the init gates' job at run time, not the create order: every workload here waits, at create
 * time, only for the config objects it reads.
 */
import type * as pulumi from "@pulumi/pulumi";
import { execProbes, httpProbes, tcpProbes } from "../../lib/probes";
import { serviceHost } from "../../platform/exposure";
import { type ContainerArgs, emptyDir } from "../../workloads/pod";
import { waitForContainer } from "../../workloads/waitFor";
import { WebService } from "../../workloads/webService";
import { type SuiteContext, workloadOpts } from "../context";
import type { LlmctlConfig } from "./config";
import type { Datastores } from "./datastores";
import { datastoreGateTargets, mcpGateTargets } from "./decisions";
import type { LlmctlImage } from "./images";
import { CREDENTIALS_PATH, FRONTEND_SOURCE, NAMES, PORTS, SIZES } from "./names";
import { CELERY_APP, CELERY_QUEUES } from "./studioConfig";
import type { StudioShared } from "./studioConfigMap";

/** The init gates: every Python workload waits for the datastores; the backend also for the MCP servers. */
export function studioGates(ctx: SuiteContext<LlmctlImage>, cfg: LlmctlConfig): { all: ContainerArgs[]; backend: ContainerArgs[] } {
  const image = ctx.images["wait-for"];
  const all = [waitForContainer({ name: "wait-for-datastores", image, targets: datastoreGateTargets(ctx.namespaceName) })];
  const mcp = cfg.mcpWait.enabled
    ? [waitForContainer({ name: "wait-for-integrated-mcp", image, targets: mcpGateTargets(cfg), timeoutSeconds: cfg.mcpWait.timeoutSeconds })]
    : [];
  return { all, backend: [...all, ...mcp] };
}

export function studioWorkloads(
  ctx: SuiteContext<LlmctlImage>,
  cfg: LlmctlConfig,
  shared: StudioShared,
  stores: Datastores,
  executorAccounts: pulumi.Resource,
): void {
  const gates = studioGates(ctx, cfg);
  const common = { namespace: ctx.namespace, instance: ctx.instance, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets };
  const nodePort = (port: number) => (ctx.exposure.mode === "nodePort" ? port : undefined);
  const liveCode = cfg.executor.liveCodeHostPath !== undefined;
  const pythonApp = {
    image: ctx.images["llmctl-studio-backend"],
    envFrom: shared.envFrom,
    // The studio writes workspaces and caches under /app/data; its image does not document a fixed
    // set of writable paths, so its root stays writable (still non-root, no capabilities).
    readOnlyRootFilesystem: false,
  };

  new WebService(
    NAMES.backend,
    {
      ...common,
      component: "api",
      port: { port: PORTS.backend, nodePort: nodePort(cfg.backend.nodePort) },
      replicas: cfg.backend.replicas,
      maxReplicas: cfg.backend.maxReplicas,
      podDisruptionBudget: ctx.podDisruptionBudgets,
      serviceAccountName: NAMES.controllerServiceAccount,
      // The backend creates executor Jobs through the API server.
      automountServiceAccountToken: true,
      initContainers: gates.backend,
      volumes: [shared.tmp, stores.dataVolume, ...shared.liveCodeVolumes],
      checksums: shared.checksums,
      container: {
        ...pythonApp,
        size: SIZES.backend,
        volumeMounts: [shared.tmpMount, { name: stores.dataVolume.name, mountPath: CREDENTIALS_PATH }, ...shared.liveCodeMounts],
        probes: tcpProbes("http", 10),
      },
    },
    // Its ServiceAccount must exist before its pods are created.
    workloadOpts(ctx, [...shared.configObjects, executorAccounts]),
  );

  new WebService(
    NAMES.frontend,
    {
      ...common,
      component: "ui",
      port: { port: PORTS.frontend, nodePort: nodePort(cfg.frontend.nodePort) },
      replicas: cfg.frontend.replicas,
      maxReplicas: cfg.frontend.maxReplicas,
      podDisruptionBudget: ctx.podDisruptionBudgets,
      volumes: [shared.tmp, ...shared.liveCodeVolumes, ...(liveCode ? [emptyDir("node-modules", "2Gi")] : [])],
      container: {
        image: ctx.images["llmctl-studio-frontend"],
        size: SIZES.frontend,
        volumeMounts: [shared.tmpMount, ...shared.liveCodeMounts, ...(liveCode ? [{ name: "node-modules", mountPath: `${FRONTEND_SOURCE}/node_modules` }] : [])],
        // Live code runs the Vite dev server with polling watches (the seed's dev overlay).
        ...(liveCode
          ? {
              command: ["npm", "run", "dev", "--", "--host", "0.0.0.0", "--port", String(PORTS.frontend)],
              env: { CHOKIDAR_USEPOLLING: "true", VITE_BACKEND_URL: `http://${serviceHost(NAMES.backend, ctx.namespaceName)}:${PORTS.backend}` },
            }
          : {}),
        probes: httpProbes("http", "/"),
        // The web server writes its pid and temp files (and Vite its cache) outside /tmp.
        readOnlyRootFilesystem: false,
      },
    },
    workloadOpts(ctx),
  );

  const celery = (...cmd: string[]) => ["celery", "-A", CELERY_APP, ...cmd];
  new WebService(
    NAMES.worker,
    {
      ...common,
      component: "worker",
      replicas: cfg.celery.workerReplicas,
      podDisruptionBudget: ctx.podDisruptionBudgets,
      initContainers: gates.all,
      volumes: [shared.tmp, ...shared.liveCodeVolumes],
      checksums: shared.checksums,
      terminationGracePeriodSeconds: 120,
      container: {
        ...pythonApp,
        image: ctx.images["llmctl-celery-worker"],
        size: SIZES.worker,
        command: celery("worker", "--loglevel=INFO", `--concurrency=${cfg.celery.workerConcurrency}`, "-Q", CELERY_QUEUES.join(",")),
        volumeMounts: [shared.tmpMount, ...shared.liveCodeMounts],
        probes: {
          // Ready when the broker relays a ping to this worker; alive while its own main process runs. A liveness
          // check through the broker would restart every worker whenever Redis is briefly away.
          readinessProbe: execProbes(["/bin/sh", "-c", `celery -A ${CELERY_APP} inspect ping -d "celery@$HOSTNAME" --timeout 10`], 20, 20).readinessProbe,
          livenessProbe: execProbes(["/bin/sh", "-c", "kill -0 1"], 20, 5).livenessProbe,
        },
      },
    },
    workloadOpts(ctx, shared.configObjects),
  );

  // Recreate, so a rollout never runs two schedulers.
  new WebService(
    NAMES.beat,
    {
      ...common,
      component: "scheduler",
      replicas: 1,
      strategy: "Recreate",
      initContainers: gates.all,
      volumes: [shared.tmp, ...shared.liveCodeVolumes],
      checksums: shared.checksums,
      container: {
        ...pythonApp,
        image: ctx.images["llmctl-celery-worker"],
        size: SIZES.beat,
        command: celery("beat", "--loglevel=INFO", "--schedule", "/tmp/celerybeat-schedule"),
        volumeMounts: [shared.tmpMount, ...shared.liveCodeMounts],
        // Beat rewrites its schedule file at least every few minutes; a stale file means a stuck beat.
        probes: execProbes(["/bin/sh", "-c", "find /tmp -maxdepth 1 -name 'celerybeat-schedule*' -mmin -10 | grep -q ."], 30),
      },
    },
    workloadOpts(ctx, shared.configObjects),
  );
}
