/**
 * Harbor, from the upstream chart, with no default credentials and nothing random at render time.
 *
 * helm.v4.Chart, not helm.v3.Release: v4 renders the chart into individual Kubernetes resources, so a
 * preview shows per-resource diffs, policies and transformations see every object, and the program can
 * be rendered to YAML; a Release is one opaque object. v4 drops Helm hooks (Harbor's only hook is the
 * optional pre-upgrade migration job, off by default) and re-renders on every run, which is why every
 * value the chart would randomize (core/jobservice/registry secrets, CSRF key, secretKey, htpasswd,
 * token CA) is pinned below from state-kept generated values; `lookup` then never matters.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import type { ResourceProfile } from "../../lib/resources";
import { EdgeRoutes, type EdgeAccess } from "../../platform/edge/edgeRoutes";
import { hasPublicHosts, publicOrigin, serviceHost } from "../../platform/exposure";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { SelfSignedKeyPair } from "../../platform/selfSignedKeyPair";
import { buildPodSpec } from "../../workloads/pod";
import { allowFlow, type Flow, INTERNET_PORTS, type NetworkConfig, type PodGroup } from "../../platform/flows";
import { chartNamespace, chartRelease, formerlyInLlmctl, nodePortFlow, rollWithSecrets } from "../shared";
import type { HarborConfig } from "./config";
import { harborDatabaseSecret } from "./database";
import { HARBOR, harborRouteGroup, harborValues } from "./values";

export { HARBOR } from "./values";

/** Keys of harbor-credentials, with the lengths the chart requires. */
const SET_ONCE = "Harbor sets the admin's password only when it creates its database: change it in Harbor (user menu, Change Password) and keep harbor-credentials in step";
export const HARBOR_GENERATED = {
  HARBOR_ADMIN_PASSWORD: { length: 32, notRotatable: SET_ONCE },
  // Harbor encrypts what it stores (registry endpoints' and robot accounts' secrets) with it: a new one cannot read them.
  secretKey: { length: 16, notRotatable: "Harbor encrypts the credentials it stores (replication endpoints, robots) with this key" },
  secret: { length: 16 },
  CSRF_KEY: { length: 32 },
  JOBSERVICE_SECRET: { length: 16 },
  REGISTRY_HTTP_SECRET: { length: 16 },
  REGISTRY_PASSWD: { length: 32 },
  DATABASE_PASSWORD: { length: 32 },
} as const;

export interface HarborArgs {
  readonly config: HarborConfig;
  /** The exposure, and what its public route needs. */
  readonly edge: EdgeAccess;
  readonly network: NetworkConfig;
  readonly persistence: boolean;
  /** Keep the namespace (the registry's images and database) when Harbor is deleted. */
  readonly dataProtection: boolean;
  /** undefined: the cluster default. */
  readonly storageClass?: string;
  readonly profile: ResourceProfile;
  /** Image of the project-bootstrap Job (curl). */
  readonly curlImage: string;
}

export class Harbor extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly externalUrl: string;
  readonly adminUsername: string = HARBOR.adminUsername;
  /** Generated admin password (a Pulumi secret). */
  readonly adminPassword: pulumi.Output<string>;
  /** Registry host the nodes pull from, and the project holding the built images. */
  readonly registryEndpoint: string;
  readonly project: string;
  readonly chartVersion: string;

  constructor(name: string, args: HarborArgs, opts?: pulumi.ComponentResourceOptions) {
    // Until the suites-as-modules layout, Harbor was a child of the llmctl suite with another type token.
    super("llm-platform:addons:Harbor", name, {}, formerlyInLlmctl("llm-platform:llmctl:Harbor", opts));
    const cfg = args.config;
    const keepData = args.dataProtection && args.persistence;
    const ns = chartNamespace(
      name,
      {
        namespace: cfg.namespace,
        instance: name,
        reason: "Harbor's internal database runs a root init container to fix volume ownership",
        keepOnDelete: keepData,
      },
      this,
    );
    this.namespace = ns.name;
    const inNs = { parent: this };

    const credentials = new GeneratedSecret(
      `${name}-credentials`,
      { namespace: this.namespace, secretName: HARBOR.credentials, instance: name, generate: HARBOR_GENERATED },
      { ...inNs, aliases: [{ name: HARBOR.credentials }] },
    );
    this.adminPassword = credentials.values.HARBOR_ADMIN_PASSWORD;
    // The registry's htpasswd: bcrypt kept in state (the chart would re-salt it on every render).
    const registryCredentials = new GeneratedSecret(
      `${name}-registry-credentials`,
      {
        namespace: this.namespace,
        secretName: HARBOR.registryCredentials,
        instance: name,
        generate: {},
        extra: {
          REGISTRY_PASSWD: credentials.values.REGISTRY_PASSWD,
          REGISTRY_HTPASSWD: pulumi.interpolate`${HARBOR.registryUsername}:${credentials.bcrypt.REGISTRY_PASSWD}`,
        },
      },
      { ...inNs, aliases: [{ name: HARBOR.registryCredentials }] },
    );
    // The token CA (the chart's genCA would mint a new one per render and roll core and registry).
    const tokenCa = new SelfSignedKeyPair(`${name}-token-ca`, { commonName: "harbor-token-ca" }, { parent: this });
    const tokenSecret = new k8s.core.v1.Secret(
      `${name}-token`,
      {
        metadata: { name: HARBOR.tokenSecret, namespace: this.namespace, labels: standardLabels(HARBOR.tokenSecret, name) },
        type: "kubernetes.io/tls",
        stringData: pulumi.secret(pulumi.all([tokenCa.privateKeyPem, tokenCa.certificatePem]).apply(([key, crt]) => ({ "tls.key": key, "tls.crt": crt }))),
      },
      inNs,
    );

    this.externalUrl =
      cfg.externalUrl ??
      publicOrigin(args.edge.exposure, { host: cfg.host ?? "", nodePort: cfg.nodePort, inCluster: `http://${serviceHost(HARBOR.service, cfg.namespace)}` }, "inCluster");
    this.registryEndpoint = cfg.registryEndpoint;
    this.project = cfg.project;
    this.chartVersion = cfg.chart.version;

    const values = harborValues({
      config: cfg,
      exposure: args.edge.exposure,
      externalUrl: this.externalUrl,
      persistence: args.persistence,
      dataProtection: args.dataProtection,
      storageClass: args.storageClass,
      profile: args.profile,
    });
    const databasePassword = new k8s.core.v1.Secret(
      `${name}-database-password`,
      {
        metadata: { name: HARBOR.databasePassword, namespace: this.namespace, labels: standardLabels(HARBOR.databasePassword, name) },
        type: "Opaque",
        stringData: { password: credentials.values.DATABASE_PASSWORD },
      },
      { parent: this },
    );

    chartRelease(
      name,
      { release: HARBOR.release, chart: "harbor", source: cfg.chart, namespace: this.namespace, values,
        // Its pods read our Secrets by name: a rotated value rolls them all (core, jobservice, registry share them).
        transforms: [harborDatabaseSecret(credentials.values.DATABASE_PASSWORD), rollWithSecrets(credentials.checksum, () => true)],
      },
      this,
      { apis: args.edge.apis, keepClaims: keepData, after: [credentials, registryCredentials, tokenSecret, databasePassword] },
    );

    // Create the project through Harbor's API once core answers (idempotent: 201 or 409). The script waits
    // for core itself, so the Job need not wait for the whole chart at create time.
    new k8s.batch.v1.Job(
      `${name}-create-project`,
      {
        metadata: { name: HARBOR.createProjectJob, namespace: this.namespace, labels: standardLabels(HARBOR.createProjectJob, name, "bootstrap") },
        spec: {
          backoffLimit: 6,
          activeDeadlineSeconds: 1800,
          ttlSecondsAfterFinished: 86400,
          template: {
            metadata: { labels: standardLabels(HARBOR.createProjectJob, name, "bootstrap") },
            spec: buildPodSpec({
              profile: args.profile,
              restartPolicy: "OnFailure",
              // The admin password as a file, not in the environment.
              volumes: [{ name: "admin", secret: { secretName: HARBOR.credentials, items: [{ key: "HARBOR_ADMIN_PASSWORD", path: "password" }], defaultMode: 0o440 } }],
              containers: [
                {
                  name: "create-project",
                  image: args.curlImage,
                  size: "tiny",
                  command: ["/bin/sh", "-c", CREATE_PROJECT_SCRIPT],
                  env: {
                    HARBOR_API: `http://${serviceHost(HARBOR.coreService, cfg.namespace)}/api/v2.0`,
                    HARBOR_PROJECT: cfg.project,
                    HARBOR_USER: HARBOR.adminUsername,
                    HARBOR_PASSWORD_FILE: "/harbor-admin/password",
                  },
                  volumeMounts: [{ name: "admin", mountPath: "/harbor-admin", readOnly: true }],
                },
              ],
            }),
          },
        },
      },
      { parent: this, dependsOn: [credentials] },
    );

    // Inside the namespace the chart's components talk freely (chartNamespace); across it: NodePort traffic in
    // dev, and the components that reach out (replication, Trivy's database, webhooks) to the internet only.
    const pods = (pick: PodGroup["selector"], suffix: string): PodGroup => ({ name: `harbor-${suffix}`, namespace: cfg.namespace, own: this.namespace, selector: pick });
    const flows: Flow[] = [
      {
        name: "harbor-to-internet",
        from: { pods: pods({ matchLabels: { release: HARBOR.release, app: "harbor" }, matchExpressions: [{ key: "component", operator: "In", values: ["core", "jobservice", "trivy"] }] }, "outbound") },
        to: { external: args.network.internet },
        ports: INTERNET_PORTS,
        why: "replication to other registries, webhooks, Trivy's vulnerability database",
      },
      ...(args.edge.exposure.mode === "nodePort" ? [nodePortFlow(HARBOR.service, pods({ matchLabels: HARBOR.nginxPods }, "nginx"), HARBOR.nginxPort)] : []),
    ];
    for (const f of flows) allowFlow(f, name, { parent: this });

    if (hasPublicHosts(args.edge.exposure) && cfg.host) {
      new EdgeRoutes(`${name}-routes`, { group: harborRouteGroup(cfg, name, cfg.host), namespace: this.namespace, edge: args.edge }, { parent: this });
    }

    this.registerOutputs({ externalUrl: this.externalUrl, adminUsername: this.adminUsername });
  }
}

export const CREATE_PROJECT_SCRIPT = `
set -eu
until curl -sf -o /dev/null "$HARBOR_API/ping"; do echo "waiting for $HARBOR_API"; sleep 5; done
# The credentials reach curl on stdin (-K -), not on its command line.
code=$(printf 'user = "%s:%s"\\n' "$HARBOR_USER" "$(cat "$HARBOR_PASSWORD_FILE")" | curl -s -K - -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \\
  -X POST "$HARBOR_API/projects" -d "{\\"project_name\\":\\"$HARBOR_PROJECT\\",\\"metadata\\":{\\"public\\":\\"false\\"}}")
case "$code" in
  201) echo "created project $HARBOR_PROJECT" ;;
  409) echo "project $HARBOR_PROJECT exists" ;;
  *) echo "creating project $HARBOR_PROJECT failed: HTTP $code"; exit 1 ;;
esac
`.trim();
