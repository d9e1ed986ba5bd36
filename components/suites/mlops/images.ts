/** The mlops suite's images, all third-party and pinned (prod's requirePinnedImages holds for them too). */
import { MLOPS_CONTRACTS } from "./contracts";
import type { ImageCatalogue } from "../../lib/images";

export const MLOPS_THIRD_PARTY = {
  // The last community release MinIO published (community images stopped in October 2025).
  minio: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
  postgres: "docker.io/library/postgres:16.6",
  // The -full variant carries psycopg2 and boto3, which a Postgres backend store and S3 artifacts need.
  mlflow: "ghcr.io/mlflow/mlflow:v3.17.2-full",
  // MinIO's client for the bucket mirror to an external backup target (the release the Go module proxy's
  // github.com/minio/mc@v0.0.0-20250313080218-cf909e1063a9 follows by three fixes; the software tier runs that build).
  mc: "quay.io/minio/mc:RELEASE.2025-03-12T17-29-24Z",
} as const;
export type MlopsImage = keyof typeof MLOPS_THIRD_PARTY;
export const MLOPS_CATALOGUE: ImageCatalogue<MlopsImage> = { built: [], thirdParty: MLOPS_THIRD_PARTY, contracts: MLOPS_CONTRACTS };
