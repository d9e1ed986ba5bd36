/**
 * Section: the embedding model. The context-engine image carries no model: fastembed's TextEmbedding(EMBEDDING_MODEL)
 * without a cache_dir (Context-Engine scripts/embedder.py) downloads it into FASTEMBED_CACHE_PATH, else
 * /tmp/fastembed_cache, at the first embedding. With contextEngineEmbeddingDownload:
 * - with persistence, the Job `embedding-download` (the same image and library) downloads it once into the
 *   ReadWriteMany claim `embedding-models`, and writes a marker when it is complete; the MCP servers and watchers mount
 *   the claim, wait for the marker, and never reach the internet (the Job's pods alone do);
 * - without persistence there is no claim to share: each pod downloads into a volume of its own at start, and the
 *   index pods keep the internet flow (ops.ts says so).
 * Without it, the image must carry the model at its own FASTEMBED_CACHE_PATH (outside /tmp, where the pods mount an
 * emptyDir), and nothing here is set.
 */
import { downloadJob, waitScript } from "../../workloads/modelFetch";
import { type ContainerArgs, emptyDir, type EnvMap, type Volume, type VolumeMount } from "../../workloads/pod";
import { childOpts, dataVolume, type SuiteContext } from "../context";
import type { ContextEngineConfig } from "./config";
import type { ContextEngineImage } from "./images";

type Ctx = SuiteContext<ContextEngineImage>;

export const EMBEDDING = { claim: "embedding-models", volume: "embedding-models", dir: "/embedding-models", job: "embedding-download", size: "4Gi" } as const;
const CACHE_PATH = `${EMBEDDING.dir}/fastembed`;

/** The Job's script: the library's own download of the model, then the marker the index pods wait for. */
export const EMBEDDING_DOWNLOAD_SCRIPT = `
set -eu
python -c 'import os; from fastembed import TextEmbedding; TextEmbedding(model_name=os.environ["EMBEDDING_MODEL"])'
printf '%s\\n' "$EMBEDDING_MODEL" > "$FASTEMBED_CACHE_PATH/.complete"
echo "embedding model $EMBEDDING_MODEL in $FASTEMBED_CACHE_PATH"
`.trim();

/** The index pods' wait: the marker names this model (a new EMBEDDING_MODEL waits for its own download). */
export const EMBEDDING_WAIT_SCRIPT = waitScript(
  "",
  '[ "$(cat "$FASTEMBED_CACHE_PATH/.complete" 2>/dev/null)" = "$EMBEDDING_MODEL" ]',
  "$EMBEDDING_MODEL in $FASTEMBED_CACHE_PATH",
  "embedding model $EMBEDDING_MODEL present",
);

/** What the index pods (MCP servers, watchers) get: env, volumes, mounts, and the wait for the Job. */
export interface EmbeddingUse {
  readonly env: EnvMap;
  readonly volumes: Volume[];
  readonly mounts: VolumeMount[];
  readonly init: ContainerArgs[];
}

/** Which pods reach the internet for the model: the Job's (a claim), the index pods (no claim), or none. */
export function embeddingDownloader(cfg: ContextEngineConfig, persistence: boolean): "job" | "index" | undefined {
  if (!cfg.index.embeddingDownload) return undefined;
  return persistence ? "job" : "index";
}

/** The cache, the Job and what the index pods mount; nothing without contextEngineEmbeddingDownload. */
export function embedding(ctx: Ctx, cfg: ContextEngineConfig, uid: number): EmbeddingUse {
  const mode = embeddingDownloader(cfg, ctx.persistence);
  if (!mode) return { env: {}, volumes: [], mounts: [], init: [] };
  const env = { FASTEMBED_CACHE_PATH: CACHE_PATH };
  const mounts = [{ name: EMBEDDING.volume, mountPath: EMBEDDING.dir }];
  if (mode === "index") return { env, volumes: [emptyDir(EMBEDDING.volume, EMBEDDING.size)], mounts, init: [] };
  const volume = dataVolume(ctx, { claim: EMBEDDING.claim, volume: EMBEDDING.volume, size: EMBEDDING.size, accessMode: "ReadWriteMany" });
  embeddingJob(ctx, cfg, uid, volume);
  const wait: ContainerArgs = {
    name: "wait-for-embedding-model",
    image: ctx.images["context-engine"],
    size: "tiny",
    command: ["/bin/sh", "-c", EMBEDDING_WAIT_SCRIPT],
    env: { ...env, EMBEDDING_MODEL: cfg.index.embeddingModel, DOWNLOAD_JOB: EMBEDDING.job },
    volumeMounts: [{ ...mounts[0], readOnly: true }],
  };
  return { env, volumes: [volume], mounts, init: [wait] };
}

/** embedding-download (workloads/modelFetch.ts downloadJob): its pods alone get the internet flow (ops.ts). */
function embeddingJob(ctx: Ctx, cfg: ContextEngineConfig, uid: number, volume: Volume): void {
  downloadJob(
    {
      name: EMBEDDING.job,
      namespace: ctx.namespace,
      instance: ctx.instance,
      profile: ctx.profile,
      uid,
      imagePullSecrets: ctx.imagePullSecrets,
      deadlineSeconds: 3600,
      model: { model: cfg.index.embeddingModel },
      volumes: [volume, emptyDir("tmp", "1Gi")],
      container: {
        name: "download-embedding-model",
        image: ctx.images["context-engine"],
        size: "small",
        command: ["/bin/sh", "-c", EMBEDDING_DOWNLOAD_SCRIPT],
        env: { FASTEMBED_CACHE_PATH: CACHE_PATH, EMBEDDING_MODEL: cfg.index.embeddingModel },
        volumeMounts: [
          { name: EMBEDDING.volume, mountPath: EMBEDDING.dir },
          { name: "tmp", mountPath: "/tmp" },
        ],
      },
    },
    childOpts(ctx),
  );
}
