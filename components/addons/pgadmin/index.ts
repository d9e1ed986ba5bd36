/**
 * pgAdmin, from the runix chart, logged in with a generated password and bootstrapped with a server
 * definition for llmctl-postgres that uses the SAME generated Postgres password as the studio (one
 * RandomPassword, two consumers; no copy).
 *
 * helm.v4.Chart: the chart has no `lookup`, no random values and only a `helm test` hook (which v4 drops
 * and nothing here needs); v4 gives per-resource diffs and policy visibility (see addons/harbor).
 */
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadDemand } from "../../lib/capacity";
import { chartPodDemand } from "../../lib/demand";
import { resources, type ResourceProfile } from "../../lib/resources";
import { EdgeRoutes, type EdgeAccess } from "../../platform/edge/edgeRoutes";
import type { RouteGroup } from "../../platform/edge/routes";
import { hasPublicHosts, publicOrigin, serviceHost } from "../../platform/exposure";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { selectorLabels } from "../../lib/labels";
import { allowFlow, type Flow, type PodGroup } from "../../platform/flows";
import { chartNamespace, chartRelease, formerlyInLlmctl, nodePortFlow, wholeHostRoute } from "../shared";
import type { PgAdminConfig } from "./config";

export const PGADMIN = {
  release: "llmctl-pgadmin",
  credentials: "llmctl-pgadmin-credentials",
  passwordKey: "password",
  pgpassKey: "pgpass",
  /** libpq ignores a pgpass file that is group-readable, which a Secret mount with fsGroup always is. */
  pgpassPath: "/pgpass/pgpass",
  containerPort: 8080,
  /** The chart's pod labels (pgadmin4's name and instance labels). */
  pods: { "app.kubernetes.io/name": "pgadmin4", "app.kubernetes.io/instance": "llmctl-pgadmin" },
} as const;

/** pgAdmin's public route: the whole host to its Service. */
export function pgadminRouteGroup(cfg: PgAdminConfig, instance: string, host: string): RouteGroup {
  const pods = { matchLabels: PGADMIN.pods, port: PGADMIN.containerPort };
  return wholeHostRoute({ name: PGADMIN.release, instance, namespace: cfg.namespace, host, port: 80, pods, login: "pgAdmin has its own login (generated password)" });
}

export interface PostgresConnection {
  /** Service name, in-cluster host name and the instance label of the Postgres pods. */
  readonly service: string;
  readonly instance: string;
  readonly namespace: pulumi.Input<string>;
  /** The namespace's name (selectors). */
  readonly namespaceName: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** The generated password (a Pulumi secret). */
  readonly password: pulumi.Output<string>;
}

export interface PgAdminArgs {
  readonly config: PgAdminConfig;
  /** The exposure, and what its public route needs. */
  readonly edge: EdgeAccess;
  readonly persistence: boolean;
  /** Keep the namespace (pgAdmin's settings volume) when pgAdmin is deleted. */
  readonly dataProtection: boolean;
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
  readonly postgres: PostgresConnection;
  /** Image of the init container that installs the pgpass file with mode 0600 (needs sh, cp, chmod). */
  readonly initImage: string;
}

export class PgAdmin extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly url: string;
  readonly email: string;
  /** Generated login password (a Pulumi secret). */
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: PgAdminArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:addons:PgAdmin", name, {}, formerlyInLlmctl("llm-platform:llmctl:PgAdmin", opts));
    const cfg = args.config;
    // The chart ships its own NetworkPolicy for the pgAdmin pod.
    const reason = "the chart's pod spec is the chart's; restricted is warned and audited";
    const ns = chartNamespace(name, { namespace: cfg.namespace, instance: name, reason, keepOnDelete: args.dataProtection && args.persistence }, this);
    this.namespace = ns.name;
    const pg = args.postgres;
    const credentials = new GeneratedSecret(
      PGADMIN.credentials,
      {
        namespace: this.namespace,
        secretName: PGADMIN.credentials,
        instance: name,
        generate: { [PGADMIN.passwordKey]: { length: 24, notRotatable: "pgAdmin sets its login's password only when it creates its settings database: change it in pgAdmin" } },
        // host:port:database:user:password; generated passwords have no ':' or '\\' to escape.
        extra: { [PGADMIN.pgpassKey]: pulumi.interpolate`${pg.host}:${pg.port}:*:${pg.user}:${pg.password}\n` },
      },
      { parent: this },
    );
    this.password = credentials.values[PGADMIN.passwordKey];
    this.email = cfg.email;

    const mode = args.edge.exposure.mode;
    const inCluster = `http://${serviceHost(PGADMIN.release, cfg.namespace)}`;
    this.url = `${publicOrigin(args.edge.exposure, { host: cfg.host ?? "", nodePort: cfg.nodePort, inCluster })}/`;

    const values = {
      fullnameOverride: PGADMIN.release,
      env: {
        email: cfg.email,
        pgpassfile: PGADMIN.pgpassPath,
        // Port 80 would need NET_BIND_SERVICE; listen unprivileged instead.
        variables: [{ name: "PGADMIN_LISTEN_PORT", value: String(PGADMIN.containerPort) }],
      },
      containerPorts: { http: PGADMIN.containerPort },
      existingSecret: PGADMIN.credentials,
      secretKeys: { pgadminPasswordKey: PGADMIN.passwordKey },
      serverDefinitions: {
        enabled: true,
        resourceType: "ConfigMap",
        servers: {
          llmctl: {
            Name: "llmctl",
            Group: "Servers",
            Host: pg.host,
            Port: pg.port,
            MaintenanceDB: pg.database,
            Username: pg.user,
            ConnectionParameters: { sslmode: "prefer", connect_timeout: 10, passfile: PGADMIN.pgpassPath },
          },
        },
      },
      extraVolumes: [
        { name: "pgpass-secret", secret: { secretName: PGADMIN.credentials, items: [{ key: PGADMIN.pgpassKey, path: "pgpass" }] } },
        { name: "pgpass", emptyDir: { sizeLimit: "1Mi" } },
      ],
      extraVolumeMounts: [{ name: "pgpass", mountPath: "/pgpass", readOnly: true }],
      // A tpl'd YAML string in this chart version.
      extraInitContainers: [
        "- name: install-pgpass",
        `  image: ${JSON.stringify(args.initImage)}`,
        `  command: ["/bin/sh", "-c", "cp /pgpass-secret/pgpass ${PGADMIN.pgpassPath} && chmod 0600 ${PGADMIN.pgpassPath}"]`,
        "  securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true}",
        `  resources: ${JSON.stringify(resources(args.profile, "tiny"))}`,
        "  volumeMounts:",
        "    - {name: pgpass-secret, mountPath: /pgpass-secret, readOnly: true}",
        "    - {name: pgpass, mountPath: /pgpass}",
      ].join("\n"),
      service: {
        type: mode === "nodePort" ? "NodePort" : "ClusterIP",
        port: 80,
        targetPort: PGADMIN.containerPort,
        ...(mode === "nodePort" ? { nodePort: cfg.nodePort } : {}),
      },
      // The platform edge routes to the Service (EdgeRoutes below); the chart's own Ingress stays off.
      ingress: { enabled: false },
      persistentVolume: { enabled: args.persistence, size: "1Gi", ...(args.storageClass ? { storageClass: args.storageClass } : {}) },
      containerSecurityContext: { enabled: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true },
      securityContext: { runAsUser: 5050, runAsGroup: 5050, fsGroup: 5050, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      resources: resources(args.profile, "small"),
      test: { enabled: false },
      // The chart's ingress-only NetworkPolicy for the pgAdmin pod (its default, stated), beside the platform's flows.
      networkPolicy: { enabled: true },
      // Its init container that would chmod the data volume as root stays off (the default): fsGroup does it.
      VolumePermissions: { enabled: false },
    };

    chartRelease(name, { release: PGADMIN.release, chart: "pgadmin4", source: cfg.chart, namespace: this.namespace, values }, this, { apis: args.edge.apis, after: [credentials], keepClaims: args.dataProtection && args.persistence });
    // The flows this wiring needs: pgAdmin -> the studio's Postgres, and NodePort traffic in dev.
    const pods: PodGroup = { name: PGADMIN.release, namespace: cfg.namespace, own: this.namespace, selector: { matchLabels: PGADMIN.pods } };
    const flows: Flow[] = [
      {
        name: `${PGADMIN.release}-to-${pg.service}`,
        from: { pods },
        to: { pods: { name: pg.service, namespace: pg.namespaceName, own: pg.namespace, selector: { matchLabels: selectorLabels(pg.service, pg.instance) } } },
        ports: [{ port: pg.port }],
        why: "pgAdmin's predefined server connects to the studio's Postgres",
      },
      ...(mode === "nodePort" ? [nodePortFlow(PGADMIN.release, pods, PGADMIN.containerPort)] : []),
    ];
    for (const f of flows) allowFlow(f, name, { parent: this });
    if (hasPublicHosts(args.edge.exposure) && cfg.host) {
      new EdgeRoutes(`${name}-routes`, { group: pgadminRouteGroup(cfg, name, cfg.host), namespace: this.namespace, edge: args.edge }, { parent: this });
    }
    this.registerOutputs({ url: this.url, email: this.email });
  }
}

/** The pgAdmin pod (its main container and the pgpass init container, sized as in the values above). */
export function pgadminDemand(cfg: PgAdminConfig, profile: ResourceProfile): WorkloadDemand[] {
  return [chartPodDemand(cfg.namespace, PGADMIN.release, "chart:pgadmin4", [resources(profile, "small")], [resources(profile, "tiny")])];
}
