/**
 * Contracts of the images the platform itself runs (PLATFORM_IMAGES) and of the add-on images the program runs
 * outside a chart (components/lib/contracts.ts).
 */
import type { ImageContract } from "./contracts";
import { LIBPQ_ENV } from "../workloads/storeContracts";
import type { PlatformImage } from "./images";

/**
 * curlimages/curl 8.11.1 (curl/curl-container, alpine/latest/Dockerfile and entrypoint.sh): ENTRYPOINT
 * /entrypoint.sh, CMD curl; the entrypoint runs curl when the first argument is a flag, the command otherwise,
 * so `/bin/sh -c <script>` runs our script with BusyBox sh. User curl_user (uid 100). It reads no env of its own:
 * what a container sets is for its script.
 */
export const CURL_CONTRACT: ImageContract = {
  source: { repo: "curl/curl-container", ref: "8.11.1", files: ["alpine/latest/Dockerfile", "alpine/latest/entrypoint.sh"] },
  runs: ["/entrypoint.sh", "curl"],
  env: [],
  listens: () => [],
  user: 100,
};

export const PLATFORM_CONTRACTS: Readonly<Record<PlatformImage, ImageContract>> = { "wait-for": CURL_CONTRACT };

/**
 * envoyproxy/gateway (tools/docker/envoy-gateway/Dockerfile at the chart's version): ENTRYPOINT
 * /usr/local/bin/envoy-gateway on distroless, user 65532. `certgen` reads the namespace and cluster domain from
 * ENVOY_GATEWAY_NAMESPACE and KUBERNETES_CLUSTER_DOMAIN (internal/envoygateway/config/config.go) and opens no port.
 */
const ENVOY_GATEWAY_CONTRACT: ImageContract = {
  source: { repo: "envoyproxy/gateway", ref: "v1.9.0", files: ["tools/docker/envoy-gateway/Dockerfile", "internal/envoygateway/config/config.go", "internal/cmd/certgen.go"] },
  runs: ["/usr/local/bin/envoy-gateway"],
  env: ["ENVOY_GATEWAY_NAMESPACE", "KUBERNETES_CLUSTER_DOMAIN"],
  listens: () => [],
  user: 65532,
};

/** Add-on images the program runs itself (not through a chart), recognised by their reference. */
/**
 * goharbor/harbor-db v2.14.2 (make/photon/db/Dockerfile and Dockerfile.base, docker-entrypoint.sh, initdb.sh): photon
 * with PostgreSQL 14 and 15, ENTRYPOINT ["/docker-entrypoint.sh", "14", "15"] (upgrades pg14 data once, serves
 * $PGDATA/pg15), user postgres (999); initdb, pg_ctl and psql on the PATH. Harbor's backups run its clients.
 */
const HARBOR_DB_CONTRACT: ImageContract = {
  source: { repo: "goharbor/harbor", ref: "v2.14.2", files: ["make/photon/db/Dockerfile", "make/photon/db/Dockerfile.base", "make/photon/db/docker-entrypoint.sh", "make/photon/db/initdb.sh"] },
  runs: ["/docker-entrypoint.sh", "14", "15"],
  env: ["PGDATA", "POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB", "POSTGRES_INITDB_ARGS", "POSTGRES_MAX_CONNECTIONS", "POSTGRES_PARAMETER", ...LIBPQ_ENV],
  listens: () => [5432],
  user: 999,
};

export const ADDON_IMAGE_CONTRACTS: ReadonlyArray<{ readonly key: string; readonly matches: (image: string) => boolean; readonly contract: ImageContract }> = [
  { key: "envoy-gateway", matches: (image) => image.startsWith("docker.io/envoyproxy/gateway:"), contract: ENVOY_GATEWAY_CONTRACT },
  { key: "harbor-db", matches: (image) => image.startsWith("docker.io/goharbor/harbor-db:"), contract: HARBOR_DB_CONTRACT },
];
