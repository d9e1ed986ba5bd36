/**
 * What index.ts wires: the platform context every suite gets, the registry access a suite turns into a pull
 * secret, and the deployment of each enabled suite. Kept here, not in index.ts, so tests can deploy a
 * registry of their own (a fake suite) through exactly the same code.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Harbor } from "./addons/harbor";
import { PLATFORM_IMAGES, mergeCatalogues, resolveImages } from "./lib/images";
import type { EdgeAccess } from "./platform/edge/edgeRoutes";
import type { MonitoringAccess } from "./platform/metrics";
import type { RegistryAccess } from "./platform/pullSecret";
import type { StackConfig } from "./stack";
import type { DeployedSuite, PlatformContext } from "./suites/types";
import { kserveGrant } from "./addons/kserve/config";
import { BACKUP_GRANT, backupTarget } from "./platform/backups/target";
import { mergeGrants, type ObjectStoreGrant } from "./platform/objectStore";

/** Pull credentials for built images: Harbor's generated admin, or the operator's, or none. */
export function registryAccess(stack: StackConfig, harbor: Harbor | undefined): RegistryAccess | undefined {
  const creds = stack.pullCredentials;
  if (creds.kind === "harbor" && harbor) return { kind: "harbor", server: creds.server, username: harbor.adminUsername, password: harbor.adminPassword };
  if (creds.kind === "operator") return { kind: "operator", server: creds.server, username: creds.username, password: creds.password };
  return undefined;
}

/**
 * Deploys every enabled suite, each with the platform context and its own resolved images. A suite that
 * provides the model gateway is deployed first; the suites that use one get it in their context.
 */
export function deploySuites(
  stack: StackConfig,
  access: RegistryAccess | undefined,
  edge: EdgeAccess,
  opts: pulumi.ComponentResourceOptions,
  monitoring?: MonitoringAccess,
): DeployedSuite[] {
  const p = stack.platform;
  // Providers first (the object store, then the gateway), so their users are handed what they provide.
  const rank = (s: (typeof stack.suites)[number]) => (s.providesObjectStore ? 0 : s.providesGateway ? 1 : 2);
  const ordered = [...stack.suites].sort((a, b) => rank(a) - rank(b));
  const objectStoreGrants = storeGrants(stack);
  const gatewayConsumers = stack.suites.filter((s) => s.usesGateway).map((s) => s.name);
  const deployed: DeployedSuite[] = [];
  for (const suite of ordered) {
    const gateway = suite.usesGateway ? deployed.find((d) => d.gateway)?.gateway : undefined;
    const provided = deployed.find((d) => d.objectStore)?.objectStore;
    const objectStore = suite.grants.length > 0 ? provided : undefined;
    const target = backupTarget(stack.backups, provided);
    const context: PlatformContext = {
      exposure: p.exposure,
      edge,
      network: p.network,
      gpu: p.gpu,
      persistence: p.persistence,
      storageClass: p.storageClass,
      profile: p.resourceProfile,
      podDisruptionBudgets: p.podDisruptionBudgets,
      dataProtection: p.dataProtection,
      images: resolveImages(mergeCatalogues([PLATFORM_IMAGES, suite.images]), stack.images),
      imagePullSecrets: p.images.pullSecrets,
      registryAccess: access,
      backups: stack.backups,
      ...(target ? { backupTarget: target } : {}),
      ...(gateway ? { modelGateway: gateway } : {}),
      ...(monitoring ? { monitoring } : {}),
      ...(objectStore ? { objectStore } : {}),
      ...(suite.providesObjectStore ? { objectStoreGrants } : {}),
      ...(suite.providesGateway ? { gatewayConsumers } : {}),
    };
    deployed.push(suite.deploy(context, opts));
  }
  // In the order `suites` lists them, as the outputs show them.
  return stack.suites.map((s) => deployed.find((d) => d.name === s.name) as DeployedSuite);
}

/**
 * Every user the object store's provider creates for others: each enabled suite's, the backups' (when they go to
 * the store: no external bucket) and KServe's example's. Known before any suite is deployed, so the provider's user
 * step is complete in the first `up`.
 */
export function storeGrants(stack: StackConfig): ObjectStoreGrant[] {
  const kserve = kserveGrant(stack.kserve);
  return mergeGrants([...stack.suites.flatMap((s) => s.grants), ...(stack.backups.external ? [] : [BACKUP_GRANT]), ...(kserve ? [kserve] : [])]);
}
