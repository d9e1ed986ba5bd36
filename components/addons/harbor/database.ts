/**
 * Harbor's internal database (the chart's `harbor-database` StatefulSet, image goharbor/harbor-db): the generated
 * password into the chart's Secret, and the password kept in step with that Secret on existing data.
 *
 * The image (goharbor/harbor make/photon/db: Dockerfile.base, docker-entrypoint.sh, initdb.sh) keeps its data in
 * $PGDATA/pg<version> under PGDATA=/var/lib/postgresql/data, runs as postgres (uid 999), and sets the `postgres`
 * superuser's password from POSTGRES_PASSWORD only inside initPG, when it creates that directory. A password that
 * changed since (a rotation, or a stack whose generated values were deleted while `dataProtection` kept the claim)
 * would lock Harbor's core out of its own database; the same init container the platform's Postgres servers run
 * (POSTGRES_PASSWORD_SYNC_SCRIPT) sets it again at every start.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES_PASSWORD_SYNC_SCRIPT } from "../../workloads/datastores";
import { HARBOR } from "./values";

/**
 * The PostgreSQL major version the harbor-db image serves at the pinned chart (harbor-helm 1.18.2, Harbor 2.14.2:
 * ENTRYPOINT ["/docker-entrypoint.sh", "14", "15"]): its data is $PGDATA/pg15 (pg14 data is upgraded once first).
 * The chart sets PGDATA=/var/lib/postgresql/data/pgdata (database-ss.yaml); the image's default is its mount. Before
 * that directory exists (a new claim, or an upgrade still to run) the sync has nothing to do.
 */
export const HARBOR_DB_VERSION_DIR = "pg15";
const DATA_MOUNT = "/var/lib/postgresql/data";
const PASSWORD_DIR = "/etc/harbor-database-password";

type Container = { name?: string; image?: string; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string; subPath?: string }[] };
type PodSpec = { containers?: Container[]; initContainers?: Container[]; volumes?: unknown[] };
type StatefulSetSpec = { template?: { metadata?: { annotations?: Record<string, unknown> }; spec?: PodSpec } };

/** The init container that sets `postgres`'s password from harbor-database-password, with the database container's image and data mount. */
export function harborPasswordSync(database: Container): Record<string, unknown> {
  const data = database.volumeMounts?.find((m) => m.mountPath === DATA_MOUNT);
  if (!database.image || !data) throw new Error(`harbor chart: the database container has no image or no ${DATA_MOUNT} mount; the password sync cannot follow it`);
  const pgdata = database.env?.find((e) => e.name === "PGDATA")?.value ?? DATA_MOUNT;
  return {
    name: "sync-passwords",
    image: database.image,
    command: ["/bin/sh", "-c", POSTGRES_PASSWORD_SYNC_SCRIPT],
    env: [
      { name: "PGDATA", value: `${pgdata}/${HARBOR_DB_VERSION_DIR}` },
      { name: "POSTGRES_USER", value: "postgres" },
      { name: "POSTGRES_PASSWORD_FILE", value: `${PASSWORD_DIR}/password` },
    ],
    volumeMounts: [
      { name: data.name, mountPath: DATA_MOUNT, ...(data.subPath ? { subPath: data.subPath } : {}) },
      { name: "harbor-database-password", mountPath: PASSWORD_DIR, readOnly: true },
    ],
    securityContext: { runAsUser: 999, runAsGroup: 999, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  };
}

/**
 * The engine applies this to the objects the harbor chart renders: the internal database's Secret
 * (`<release>-database`, POSTGRES_PASSWORD) gets the generated password; the database StatefulSet gets the password
 * sync (after the chart's own init containers, which fix the volume first) and a `checksum/secret` of the password.
 * The chart hashes its own rendering of that Secret, which `lookup`s the live one (templates/_helpers.tpl
 * `harbor.database.rawPassword`): empty at a new stack's first render, the generated password afterwards, so every
 * new stack's second `up` restarted the database for nothing. The hash of the password is the same at every render
 * and still rolls the pod when the password changes, which the sync then applies.
 */
export function harborDatabaseSecret(password: pulumi.Input<string>): pulumi.ResourceTransform {
  return (args) => {
    const metadata = (args.props.metadata ?? {}) as { name?: string };
    if (metadata.name !== `${HARBOR.release}-database`) return undefined;
    if (args.type === "kubernetes:core/v1:Secret") {
      // The chart's `data` holds the empty placeholder; stringData alone replaces it.
      const props: pulumi.Inputs = { ...args.props, stringData: { POSTGRES_PASSWORD: password } };
      delete props.data;
      return { props, opts: args.opts };
    }
    if (args.type === "kubernetes:apps/v1:StatefulSet") {
      const spec = (args.props.spec ?? {}) as StatefulSetSpec;
      const template = spec.template ?? {};
      const pod = template.spec ?? {};
      const database = (pod.containers ?? []).find((c) => c.name === "database") ?? {};
      const annotations = { ...(template.metadata?.annotations ?? {}), "checksum/secret": pulumi.output(password).apply(sha256) };
      const podSpec = {
        ...pod,
        initContainers: [...(pod.initContainers ?? []), harborPasswordSync(database)],
        // Readable by every user of the pod (0444): the chart sets no fsGroup, so a group-only file would be root's
        // alone, and the pod's only other user is the database itself.
        volumes: [...(pod.volumes ?? []), { name: "harbor-database-password", secret: { secretName: HARBOR.databasePassword, items: [{ key: "password", path: "password" }], defaultMode: 0o444 } }],
      };
      return { props: { ...args.props, spec: { ...spec, template: { ...template, metadata: { ...template.metadata, annotations }, spec: podSpec } } }, opts: args.opts };
    }
    return undefined;
  };
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}
