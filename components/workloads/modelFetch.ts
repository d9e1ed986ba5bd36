/**
 * How a llama.cpp server gets its GGUF without the server's pod reaching the internet. A NetworkPolicy selects
 * pods, not containers: an init container that downloads would leave the server's pod with internet egress for its
 * whole life. With a claim, the download is a Job of its own (`<server>-download`, its pods labelled apart and alone
 * given the internet flow), scheduled beside the server (the claim may be ReadWriteOnce), and the server's init
 * container only waits for the file the Job completes. Without a claim (persistence off) there is nothing to share
 * between two pods: the server's init container downloads, and its pod keeps the flow (the flow's reason says so).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { checksum } from "../lib/checksum";
import { selectorLabels, standardLabels } from "../lib/labels";
import type { WorkloadDemand } from "../lib/capacity";
import { workloadDemand } from "../lib/demand";
import { type Resources, resources, type ResourceProfile } from "../lib/resources";
import { type GgufModel, modelDownload } from "./llamacpp";
import { buildPodSpec, type ContainerArgs, type Volume } from "./pod";

/**
 * The server's wait: the file present, recorded as from this URL, and no download in progress (MODEL_DOWNLOAD_SCRIPT
 * records the URL before it renames the finished file, so a `.part` beside it means the old file is still there).
 */
export const MODEL_WAIT_SCRIPT = waitScript(
  'target="$MODELS_DIR/$LLAMACPP_MODEL_NAME"',
  '[ -f "$target" ] && [ ! -f "$target.part" ] && [ "$(cat "$target.url" 2>/dev/null)" = "$LLAMACPP_MODEL_URL" ]',
  "$target from $LLAMACPP_MODEL_URL",
  "model $target present",
);

/**
 * A pod's wait for what a download Job writes (a model, offline): `until` the condition, a line every minute naming
 * what it waits for and the Job ($DOWNLOAD_JOB), a check every 5 s; the Job's deadline and the pod's readiness bound it.
 */
export function waitScript(setup: string, condition: string, what: string, done: string): string {
  return ["set -eu", setup, "n=0", `until ${condition}; do`, `  [ $((n % 12)) -ne 0 ] || echo "waiting for ${what} (Job $DOWNLOAD_JOB)"`, "  n=$((n + 1))", "  sleep 5", "done", `echo "${done}"`]
    .filter((line) => line !== "")
    .join("\n");
}

export interface ModelFetchArgs {
  /** The server's workload name (its pods' selector name). */
  readonly server: string;
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  /** A curl image with /bin/sh (the platform's wait-for). */
  readonly image: string;
  readonly model: GgufModel;
  /** The server's model volume: a claim (download Job) or an emptyDir (download in the pod). */
  readonly volume: Volume & { readonly name: string };
  readonly dir: string;
  readonly uid: number;
  readonly profile: ResourceProfile;
  readonly imagePullSecrets: readonly string[];
}

export interface DownloadJobArgs {
  readonly name: string;
  readonly namespace: pulumi.Input<string>;
  readonly instance: string;
  readonly profile: ResourceProfile;
  readonly uid: number;
  readonly imagePullSecrets: readonly string[];
  readonly deadlineSeconds: number;
  /** What is downloaded: its digest is in the template, so a new model replaces the Job. */
  readonly model: pulumi.Input<Record<string, string>>;
  readonly volumes: Volume[];
  /** Schedule beside these pods (a ReadWriteOnce claim they share). */
  readonly besidePods?: Readonly<Record<string, string>>;
  readonly container: ContainerArgs;
}

/**
 * A Job that downloads a model into a claim its readers wait on (the llama.cpp GGUF, the context engine's embedding
 * model): not awaited (the readers' readiness is what `up` waits for), replaced (deleted first: its name is fixed, its
 * template immutable) when the model changes, no API token, the only pod of the download's internet flow.
 */
export function downloadJob(a: DownloadJobArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
  const labels = standardLabels(a.name, a.instance, "model-download");
  return new k8s.batch.v1.Job(
    a.name,
    {
      metadata: { name: a.name, namespace: a.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: a.deadlineSeconds,
        template: {
          metadata: { labels, annotations: { "llm-platform/model": checksum(a.model) } },
          spec: buildPodSpec({
            profile: a.profile,
            uid: a.uid,
            restartPolicy: "OnFailure",
            automountServiceAccountToken: false,
            imagePullSecrets: a.imagePullSecrets,
            volumes: a.volumes,
            ...(a.besidePods ? { besidePods: a.besidePods } : {}),
            containers: [a.container],
          }),
        },
      },
    },
    { ...opts, deleteBeforeReplace: true },
  );
}

/** What the fetch asks of the cluster: the server's init container, and with a claim the download Job's pod. */
export function modelFetchDemand(namespace: string, server: string, profile: ResourceProfile, claim: boolean): { init: Resources; jobs: WorkloadDemand[] } {
  if (!claim) return { init: resources(profile, "small"), jobs: [] };
  return { init: resources(profile, "tiny"), jobs: [workloadDemand({ namespace, workload: modelDownloader(server, true), kind: "Job", containers: [resources(profile, "small")] })] };
}

/** The workload whose pods download (and so reach the internet): the Job with a claim, the server without. */
export const modelDownloader = (server: string, claim: boolean): string => (claim ? `${server}-download` : server);

/** The server's init container, and with a claim the download Job. */
export function modelFetch(a: ModelFetchArgs, opts: pulumi.CustomResourceOptions): { init: ContainerArgs; job?: k8s.batch.v1.Job } {
  const download = modelDownload(a.image, a.model, a.volume.name, a.dir);
  if (!a.volume.persistentVolumeClaim) return { init: download };
  const name = modelDownloader(a.server, true);
  const job = downloadJob(
    {
      name,
      namespace: a.namespace,
      instance: a.instance,
      profile: a.profile,
      uid: a.uid,
      imagePullSecrets: a.imagePullSecrets,
      // Gigabytes over a slow link: four hours, then the Job fails and says so.
      deadlineSeconds: 4 * 3600,
      // A new URL or checksum is a new template: the Job is replaced and downloads again.
      model: { url: a.model.url, file: a.model.file, sha256: a.model.sha256 ?? "" },
      volumes: [a.volume],
      besidePods: selectorLabels(a.server, a.instance),
      container: download,
    },
    opts,
  );
  const init: ContainerArgs = {
    name: "wait-for-model",
    image: a.image,
    size: "tiny",
    command: ["/bin/sh", "-c", MODEL_WAIT_SCRIPT],
    env: { MODELS_DIR: a.dir, LLAMACPP_MODEL_URL: a.model.url, LLAMACPP_MODEL_NAME: a.model.file, DOWNLOAD_JOB: name },
    volumeMounts: [{ name: a.volume.name, mountPath: a.dir, readOnly: true }],
  };
  return { init, job };
}
