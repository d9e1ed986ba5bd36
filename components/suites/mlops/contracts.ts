/** Contracts of the mlops suite's images (components/lib/contracts.ts), read at their pinned tags. */
import { type ContainerView, flagValue, type ImageContract } from "../../lib/contracts";
import { POSTGRES_CONTRACT } from "../../workloads/storeContracts";
import type { MlopsImage } from "./images";

/** The port part of `--address :9000` / `--console-address :9001`. */
const portOf = (address: string | undefined, fallback?: number) => (address ? Number(address.split(":").pop()) : fallback);

/**
 * minio/minio RELEASE.2025-09-07T16-13-09Z (Dockerfile.release, dockerscripts/docker-entrypoint.sh,
 * cmd/common-main.go, cmd/server-main.go, cmd/healthcheck-router.go, cmd/metrics-router.go): the entrypoint
 * prepends `minio`; S3 API on --address (9000), the console only with --console-address; MINIO_* env and the
 * root credentials (or their _FILE twins); HOME must be writable (certs dir, EROFS is fatal).
 */
const MINIO: ImageContract = {
  source: { repo: "minio/minio", ref: "RELEASE.2025-09-07T16-13-09Z", files: ["Dockerfile.release", "dockerscripts/docker-entrypoint.sh", "cmd/common-main.go", "cmd/server-main.go", "cmd/healthcheck-router.go", "cmd/metrics-router.go", "cmd/config-dir.go"] },
  runs: ["/usr/bin/docker-entrypoint.sh", "minio"],
  env: ["HOME"],
  envPrefixes: ["MINIO_"],
  listens: (c: ContainerView) => [portOf(flagValue(c.args, "--address") ?? c.env.MINIO_ADDRESS, 9000), portOf(flagValue(c.args, "--console-address") ?? c.env.MINIO_CONSOLE_ADDRESS)].filter((p): p is number => p !== undefined),
  httpPaths: ["/minio/health/live", "/minio/health/ready", "/minio/health/cluster", "/minio/v2/metrics/cluster"],
  writes: ["/data", "$HOME"],
};

/**
 * mlflow/mlflow v3.17.2-full: python:3.11-slim with `pip install mlflow[extras,azure,db,gateway,genai,auth]==3.17.2`
 * (docker/Dockerfile.full); the server's options from the wheel's mlflow/cli/__init__.py and
 * mlflow/environment_variables.py; /health answers without auth (mlflow/server/auth/__init__.py).
 */
const MLFLOW: ImageContract = {
  source: { repo: "mlflow/mlflow", ref: "v3.17.2 (PyPI mlflow==3.17.2)", files: ["docker/Dockerfile.full", "mlflow/cli/__init__.py", "mlflow/utils/cli_args.py", "mlflow/environment_variables.py", "mlflow/server/__init__.py", "mlflow/server/auth/__init__.py", "mlflow/server/auth/config.py"] },
  runs: ["python3"],
  env: ["HOME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "PGPASSWORD", "DO_NOT_TRACK"],
  envPrefixes: ["MLFLOW_"],
  listens: (c) => [Number(flagValue([...c.command, ...c.args], "--port") ?? c.env.MLFLOW_PORT ?? 5000)],
  httpPaths: ["/health", "/version", "/metrics"],
  writes: ["/tmp", "$HOME"],
};

/**
 * minio/mc RELEASE.2025-03-12T17-29-24Z (Dockerfile.release: ubi-micro, /usr/bin/mc, ENTRYPOINT ["mc"]; the same
 * ubi-micro base as the minio image, whose entrypoint is a /bin/sh script, so /bin/sh and coreutils are there;
 * cmd/flags.go and cmd/config.go: --config-dir, env MC_CONFIG_DIR, else $HOME/.mc, holds the aliases and must be writable;
 * alias-set.go and admin-user-add.go read a missing secret key from stdin; admin-policy-attach.go treats an attached
 * policy as done; admin-user-add.go's --json list prints accessKey and policyName).
 */
const MC: ImageContract = {
  source: { repo: "minio/mc", ref: "RELEASE.2025-03-12T17-29-24Z", files: ["Dockerfile.release", "cmd/flags.go", "cmd/config.go", "cmd/alias-set.go", "cmd/mirror-main.go", "cmd/diff-main.go", "cmd/mb-main.go", "cmd/admin-user-add.go", "cmd/admin-user-list.go", "cmd/admin-policy-create.go", "cmd/admin-policy-attach.go"] },
  runs: ["mc"],
  env: ["HOME"],
  envPrefixes: ["MC_"],
  listens: () => [],
  writes: ["$HOME", "/tmp"],
};

export const MLOPS_CONTRACTS: Readonly<Record<MlopsImage, ImageContract>> = { minio: MINIO, postgres: POSTGRES_CONTRACT, mlflow: MLFLOW, mc: MC };
