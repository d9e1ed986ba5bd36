/**
 * A suite is a module: its config slice, its image catalogue, its declared capacity, and the
 * ComponentResource that deploys it. `defineSuite` erases the module's own types so the registry can
 * hold every suite in one list while each module stays fully typed inside its folder.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Claims, NamespaceQuota } from "../config/claims";
import type { PlatformConfig } from "../config/platform";
import { type Problems, type RawConfig, Reader } from "../config/reader";
import type { Schema } from "../config/schema";
import type { WorkloadDemand } from "../lib/capacity";
import type { ImageCatalogue, PlatformImage } from "../lib/images";
import type { ResourceProfile } from "../lib/resources";
import type { EdgeAccess } from "../platform/edge/edgeRoutes";
import type { ExposureConfig } from "../platform/exposure";
import type { NetworkConfig } from "../platform/flows";
import type { GpuConfig } from "../platform/gpu";
import type { MonitoringAccess } from "../platform/metrics";
import type { ModelGateway } from "../platform/modelGateway";
import type { BackupSettings, BackupTarget } from "../platform/backups/target";
import type { ObjectStore, ObjectStoreGrant } from "../platform/objectStore";
import type { RegistryAccess } from "../platform/pullSecret";

/** What the platform hands every suite: shared settings, resolved images, registry access. */
export interface PlatformContext<I extends string = string> {
  readonly exposure: ExposureConfig;
  /** Publishing routes: the exposure, edge-auth credentials, and what route objects wait for. */
  readonly edge: EdgeAccess;
  /** Internet and API-server peers for the flows a suite declares. */
  readonly network: NetworkConfig;
  readonly gpu: GpuConfig;
  readonly persistence: boolean;
  /** undefined: the cluster default. */
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
  readonly podDisruptionBudgets: boolean;
  /** Keep the suite's namespace and data volumes when it is deleted. */
  readonly dataProtection: boolean;
  /** Resolved reference of every image of the suite's catalogue and the platform's. */
  readonly images: Readonly<Record<I | PlatformImage, string>>;
  /** Existing dockerconfigjson Secrets (config imagePullSecrets) for every pod. */
  readonly imagePullSecrets: readonly string[];
  /** Credentials the suite turns into a generated pull secret in its namespace, when built images need one. */
  readonly registryAccess?: RegistryAccess;
  /** The model gateway another enabled suite provides, for a suite that uses one (`usesGateway`). */
  readonly modelGateway?: ModelGateway;
  /** The monitoring add-on, when on: a suite declares each metrics endpoint with `scrape`. */
  readonly monitoring?: MonitoringAccess;
  /** The object store another enabled suite provides, for a suite that asked for buckets. */
  readonly objectStore?: ObjectStore;
  /** The stack's backup settings (schedules, retention, external bucket). */
  readonly backups: BackupSettings;
  /**
   * Where this suite's datastores are backed up: the external bucket, or the object store another suite provides;
   * absent for the provider itself (it backs up to its own store) and when there is neither.
   */
  readonly backupTarget?: BackupTarget;
  /** For the model gateway's provider: the enabled suites that use it (each gets a key of its own). */
  readonly gatewayConsumers?: readonly string[];
  /** For the object store's provider: the other consumers' grants (a user each, its buckets, its access). */
  readonly objectStoreGrants?: readonly ObjectStoreGrant[];
}

export interface ParsedSlice<C> {
  readonly config: C;
  readonly claims: Claims;
  /** The ResourceQuotas it sets from config (checked against its own demand). */
  readonly quotas?: readonly NamespaceQuota[];
}

export interface SuiteModule<S extends Schema, C, I extends string, R> {
  /** The value of the `suites` key that enables it. */
  readonly name: string;
  readonly schema: S;
  readonly images: ImageCatalogue<I>;
  /** Reads its own slice (all of it, also when disabled, so typos are caught), returns what it claims. */
  parse(r: Reader<S>, platform: PlatformConfig): ParsedSlice<C>;
  /** The pods it will run under `config`, for the capacity check before anything is created. */
  demand(config: C, platform: PlatformConfig): WorkloadDemand[];
  /** The ComponentResource. */
  create(config: C, context: PlatformContext<I>, opts: pulumi.ComponentResourceOptions): R;
  /** What a person needs after `pulumi up` (the stack output named after the suite). */
  outputs(resource: R): Record<string, unknown>;
  /** The OpenAI-compatible gateway this suite provides to the others (deployed before its users). */
  gateway?(resource: R): ModelGateway;
  /** This suite calls the platform's model gateway: it gets `modelGateway` when a provider is enabled. */
  readonly usesGateway?: boolean;
  /** The S3 store this suite provides to the others (deployed before its users, creating their buckets). */
  objectStore?(resource: R): ObjectStore;
  /**
   * The users this suite wants in the platform's object store (each with its buckets, read-write or read-only); it
   * gets `objectStore` when a provider is enabled, and from it only those users' keys.
   */
  objectStoreGrants?(config: C): readonly ObjectStoreGrant[];
}

/** A suite whose slice has been parsed: ready to deploy when enabled. */
export interface ParsedSuite {
  readonly name: string;
  readonly claims: Claims;
  readonly quotas: readonly NamespaceQuota[];
  readonly images: ImageCatalogue;
  demand(platform: PlatformConfig): WorkloadDemand[];
  deploy(context: PlatformContext, opts: pulumi.ComponentResourceOptions): DeployedSuite;
  readonly providesGateway: boolean;
  readonly usesGateway: boolean;
  readonly providesObjectStore: boolean;
  /** Its users in the platform's object store (empty: it uses none). */
  readonly grants: readonly ObjectStoreGrant[];
}

export interface DeployedSuite {
  readonly name: string;
  readonly resource: unknown;
  readonly outputs: Record<string, unknown>;
  readonly gateway?: ModelGateway;
  readonly objectStore?: ObjectStore;
}

/** A registry entry: the module with its types erased. */
export interface RegisteredSuite {
  readonly name: string;
  readonly schema: Schema;
  readonly images: ImageCatalogue;
  parse(raw: RawConfig, problems: Problems, platform: PlatformConfig): ParsedSuite;
}

export function defineSuite<S extends Schema, C, I extends string, R>(m: SuiteModule<S, C, I, R>): RegisteredSuite & { readonly module: SuiteModule<S, C, I, R> } {
  return {
    name: m.name,
    schema: m.schema,
    images: m.images,
    module: m,
    parse(raw, problems, platform) {
      const { config, claims, quotas } = m.parse(new Reader(m.schema, raw, problems), platform);
      return {
        name: m.name,
        claims,
        quotas: quotas ?? [],
        images: m.images,
        demand: (p) => m.demand(config, p),
        providesGateway: m.gateway !== undefined,
        usesGateway: m.usesGateway ?? false,
        providesObjectStore: m.objectStore !== undefined,
        grants: m.objectStoreGrants?.(config) ?? [],
        deploy(context, opts) {
          // The platform resolves every image of this suite's catalogue, so the narrowing holds.
          const resource = m.create(config, context as PlatformContext<I>, opts);
          return {
            name: m.name,
            resource,
            outputs: m.outputs(resource),
            ...(m.gateway ? { gateway: m.gateway(resource) } : {}),
            ...(m.objectStore ? { objectStore: m.objectStore(resource) } : {}),
          };
        },
      };
    },
  };
}

/** The typed resource of `module` among the deployed suites, when it was deployed. */
export function deployedResource<R>(deployed: readonly DeployedSuite[], module: { readonly name: string; readonly module: { create(...args: never[]): R } }): R | undefined {
  const found = deployed.find((d) => d.name === module.name);
  // deploy() stored exactly what module.create returned.
  return found ? (found.resource as R) : undefined;
}
