/**
 * The whole program: load the typed stack config, install the add-ons, deploy each enabled suite, and
 * return what a person needs after `pulumi up`. index.ts runs it and exports the result; the tests and
 * scripts run this same function under mocks (several stacks per process, sharing one SDK instance).
 */
import * as pulumi from "@pulumi/pulumi";
import { GpuOperator } from "./addons/gpuOperator";
import { Harbor } from "./addons/harbor";
import { harborBackups } from "./addons/harbor/backups";
import { Kserve } from "./addons/kserve";
import { Monitoring } from "./addons/monitoring";
import { PgAdmin } from "./addons/pgadmin";
import { ADDON_INSTANCES } from "./addons/shared";
import { deploySuites, registryAccess } from "./deploy";
import { deployEdge } from "./edge";
import { PLATFORM_IMAGES, resolveImages } from "./lib/images";
import { PlatformApis } from "./platform/apis";
import { resolveApiServer } from "./platform/apiServer";
import { backupTarget } from "./platform/backups/target";
import * as path from "path";
import { enableGitopsRender } from "./platform/gitops";
import { kubernetesProvider } from "./platform/provider";
import { checkRotations, configureRotation } from "./platform/rotation";
import { loadStackConfig, type StackConfig } from "./stack";
import { llmctl as llmctlModule } from "./suites/llmctl";
import { deployedResource } from "./suites/types";

export function deployPlatform(parsed: StackConfig = loadStackConfig()) {
  configureRotation(parsed.platform.credentialRotation);
  // Render mode first: its transform must see every resource registered after it.
  const root = process.cwd();
  if (parsed.gitops) enableGitopsRender(parsed.gitops, root);
  const opts = { providers: { kubernetes: kubernetesProvider(parsed.platform.kubeContext, parsed.gitops && path.join(root, parsed.gitops.directory)) } };
  // The API server's addresses: configured, or read from the cluster (every flow to or from it uses these).
  const stack: StackConfig = { ...parsed, platform: { ...parsed.platform, network: resolveApiServer(parsed.platform.network, { provider: opts.providers.kubernetes }) } };
  const p = stack.platform;
  const platformImages = resolveImages(PLATFORM_IMAGES, stack.images);
  // What each add-on supplies to the cluster (CRDs, webhooks): every object and chart that uses a kind waits for its supplier.
  const apis = new PlatformApis();
  const edge = deployEdge(stack, apis, opts);
  const shared = { edge: edge.access, network: p.network, persistence: p.persistence, dataProtection: p.dataProtection, storageClass: p.storageClass, profile: p.resourceProfile };

  const harborAddon = stack.harbor.enabled
    ? new Harbor(ADDON_INSTANCES.harbor, { ...shared, config: stack.harbor, curlImage: platformImages["wait-for"] }, opts)
    : undefined;
  // Monitoring before the suites: they declare their metrics endpoints against its access.
  const monitoringAddon = stack.monitoring.enabled
    ? new Monitoring("monitoring", { ...shared, config: stack.monitoring }, opts)
    : undefined;
  const gpuOperatorAddon = stack.gpuOperator.install
    ? new GpuOperator("gpu-operator", { config: stack.gpuOperator, gpu: p.gpu, profile: p.resourceProfile, network: p.network, monitoring: monitoringAddon?.access, apis }, opts)
    : undefined;
  const deployed = deploySuites(stack, registryAccess(stack, harborAddon), edge.access, opts, monitoringAddon?.access);
  // The backup target is known once the suites are: the object store is one of theirs.
  const target = backupTarget(stack.backups, deployed.find((d) => d.objectStore)?.objectStore);
  if (p.persistence && !target) pulumi.log.warn("backups: no target, so no datastore is backed up: enable the mlops suite (its object store) or set backupS3Endpoint");
  if (p.persistence && p.dataProtection && target?.store) {
    pulumi.log.warn(`backups: they go to ${target.location}, inside the cluster they protect; set backupS3Endpoint (and its bucket and keys) so they outlive it`);
  }
  const harborStores =
    harborAddon &&
    harborBackups(ADDON_INSTANCES.harbor, { namespace: harborAddon.namespace, config: stack.harbor, target, persistence: p.persistence, network: p.network, profile: p.resourceProfile, curlImage: platformImages["wait-for"] }, { parent: harborAddon });
  // KServe after the suites: its example reads its model from the object store the mlops suite provides.
  const kserveAddon = stack.kserve.enabled
    ? new Kserve("kserve", { config: stack.kserve, profile: p.resourceProfile, network: p.network, objectStore: deployed.find((d) => d.objectStore)?.objectStore, apis }, opts)
    : undefined;
  const studio = deployedResource(deployed, llmctlModule);
  // pgAdmin is wired to the studio's Postgres: the same generated password, no copy.
  const pgadminAddon =
    stack.pgadmin.enabled && studio
      ? new PgAdmin(ADDON_INSTANCES.pgadmin, { ...shared, config: stack.pgadmin, postgres: studio.postgres, initImage: platformImages["wait-for"] }, opts)
      : undefined;

  const harbor = harborAddon && {
    url: harborAddon.externalUrl,
    adminUsername: harborAddon.adminUsername,
    // A secret output: `pulumi stack output --show-secrets harbor` reveals it.
    adminPassword: harborAddon.adminPassword,
    imagePrefix: `${harborAddon.registryEndpoint}/${harborAddon.project}`,
    chartVersion: harborAddon.chartVersion,
    backups: harborStores,
  };
  const pgadmin = pgadminAddon && { url: pgadminAddon.url, email: pgadminAddon.email, password: pgadminAddon.password };
  const monitoring = monitoringAddon && {
    grafanaUrl: monitoringAddon.grafanaUrl,
    grafanaAdminUser: monitoringAddon.grafanaAdminUser,
    // A secret output: `pulumi stack output --show-secrets monitoring` reveals it.
    grafanaAdminPassword: monitoringAddon.grafanaAdminPassword,
    prometheusUrl: monitoringAddon.prometheusUrl,
  };
  const gpuOperator = gpuOperatorAddon && { runtimeClassName: gpuOperatorAddon.runtimeClassName, chartVersion: gpuOperatorAddon.chartVersion };
  const kserve = kserveAddon && { chartVersion: kserveAddon.chartVersion, exampleUrl: kserveAddon.exampleUrl };
  const llmctl = deployed.find((d) => d.name === "llmctl")?.outputs;
  // Every GeneratedSecret exists now: a credentialRotation entry that named none of them fails preview.
  checkRotations();
  return definedOnly({
    /** How to reach the platform from outside: public URLs, DNS target, TLS and edge auth (secret password). */
    edge: edge.outputs,
    harbor,
    pgadmin,
    /** Grafana (URL, admin login with a secret password) and the in-cluster Prometheus URL, when monitoring is on. */
    monitoring,
    gpuOperator,
    kserve,
    /** Every enabled suite's outputs by suite name: a new suite appears here without an edit to this file. */
    suites: Object.fromEntries(deployed.map((d) => [d.name, d.outputs])),
    // Kept from before suites were modules: llmctl's outputs with its add-ons' under it, where existing scripts read them.
    llmctl: llmctl && { ...llmctl, harbor, pgadmin },
  });
}

/**
 * The outputs without the absent ones (an add-on that is off): the engine warns for every top-level
 * undefined export ("Undefined value (x) will not show as a stack output"); an absent key just is not there.
 */
export function definedOnly<T extends Record<string, unknown>>(outputs: T): T {
  return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)) as T;
}

export type PlatformOutputs = ReturnType<typeof deployPlatform>;
