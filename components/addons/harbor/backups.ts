/**
 * Harbor's backups (platform/backups), added once the platform's backup target is known (after the suites: the
 * object store is a suite's): its internal PostgreSQL (projects, users, artifacts' metadata, robot accounts) and
 * its registry claim (the image layers). Its Redis (job queue, caches) and Trivy's database are made again.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceProfile } from "../../lib/resources";
import { type BackedUpStore, namespaceBackups } from "../../platform/backups/jobs";
import { claimBackup, postgresBackup } from "../../platform/backups/stores";
import type { BackupTarget } from "../../platform/backups/target";
import { serviceHost } from "../../platform/exposure";
import type { NetworkConfig } from "../../platform/flows";
import type { HarborConfig } from "./config";
import { HARBOR } from "./values";

/**
 * The harbor-db image of the pinned chart (harbor-helm 1.18.2 values.yaml: database.internal.image), whose pg_dump
 * matches its server. Harbor's components run as 10000 (their pods' securityContext), the owner of the registry's files.
 */
export const HARBOR_DB_IMAGE = "docker.io/goharbor/harbor-db:v2.14.2";
const HARBOR_UID = 10000;
const component = (c: string) => ({ release: HARBOR.release, app: "harbor", component: c });

export function harborBackups(
  instance: string,
  a: { readonly namespace: pulumi.Output<string>; readonly config: HarborConfig; readonly target: BackupTarget | undefined; readonly persistence: boolean; readonly network: NetworkConfig; readonly profile: ResourceProfile; readonly curlImage: string },
  opts: pulumi.CustomResourceOptions,
): Record<string, BackedUpStore> | undefined {
  if (!a.target || !a.persistence) return undefined;
  const ns = a.config.namespace;
  const backUp = namespaceBackups({ namespace: a.namespace, namespaceName: ns, instance, target: a.target, network: a.network, profile: a.profile, imagePullSecrets: [], curlImage: a.curlImage }, opts);
  return {
    "harbor-database": backUp(
      postgresBackup("harbor-database", {
        image: HARBOR_DB_IMAGE,
        host: serviceHost(`${HARBOR.release}-database`, ns),
        user: "postgres",
        password: { name: HARBOR.databasePassword, key: "password" },
        pods: { name: "harbor-database", namespace: ns, own: a.namespace, selector: { matchLabels: component("database") } },
        what: "Harbor's PostgreSQL (projects, users, robot accounts, artifacts' metadata)",
      }),
    ),
    "harbor-registry": backUp(
      claimBackup("harbor-registry", {
        image: a.curlImage,
        claim: `${HARBOR.release}-registry`,
        uid: HARBOR_UID,
        besidePods: component("registry"),
        owner: `deployment/${HARBOR.release}-registry`,
        what: "Harbor's registry claim (the image layers)",
        // The archive is as large as the registry at most.
        space: a.config.registryStorageSize,
      }),
    ),
  };
}
