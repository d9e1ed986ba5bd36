/**
 * Section: the model servers of llmStackLocalModels, one Deployment and claim each (model-<name>), behind
 * LiteLLM. Weights arrive once into the claim (llama.cpp: the GGUF from its URL, checked; vLLM: the directory
 * from the object store) and every later start reads them from there. Each server asks for the generated key in
 * Secret model-servers, which only LiteLLM is given; only LiteLLM may reach them (network.ts).
 */
import { httpProbes } from "../../lib/probes";
import type { Resources } from "../../lib/resources";
import { gpuPlacement } from "../../platform/gpu";
import type { PodGroup } from "../../platform/flows";
import { OBJECT_STORE_SECRET, type ObjectStore, type ObjectStoreGrant, type StoreSecret, useObjectStore } from "../../platform/objectStore";
import { modelFetch } from "../../workloads/modelFetch";
import { emptyDir, type Volume } from "../../workloads/pod";
import { WebService } from "../../workloads/webService";
import { childOpts, dataVolume, type SuiteContext, workloadOpts } from "../context";
import type { LlmStackConfig } from "./config";
import type { LlmStackImage } from "./images";
import { type LocalModel, MODEL_PORTS, modelWorkload } from "./models";
import { MODEL_RESOURCES, MODELS_DIR, NAMES } from "./names";
import type { StackSecrets } from "./secrets";
import { VLLM_COMMAND, WEIGHTS_SYNC_SCRIPT } from "./vllm";

/** The buckets the vLLM models' weights are in. */
export const weightBuckets = (cfg: LlmStackConfig): string[] => [...new Set(cfg.localModels.flatMap((m) => (m.weights ? [m.weights.bucket] : [])))];

export const WEIGHTS_USER = "llm-stack-models";

/** The suite's user in the object store: the weights' buckets, read-only (the copiers only download). */
export const weightGrants = (cfg: LlmStackConfig): ObjectStoreGrant[] => {
  const buckets = weightBuckets(cfg);
  return buckets.length === 0 ? [] : [{ user: WEIGHTS_USER, buckets, access: "readonly", holder: "the vLLM model servers' weight copiers (Secret object-store in the LLM stack's namespace)" }];
};

/** The object store's keys (Secret object-store) and the flow to it, for the vLLM models that copy their weights from it. */
export function weightsStore(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig, store: ObjectStore | undefined): StoreSecret | undefined {
  const buckets = weightBuckets(cfg);
  if (buckets.length === 0 || !store) return undefined;
  const copiers: PodGroup = {
    name: "model-weights",
    namespace: cfg.namespace,
    own: ctx.namespace,
    selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: cfg.localModels.filter((m) => m.weights).map(modelWorkload) }] },
  };
  return useObjectStore(ctx.instance, { namespace: ctx.namespace, instance: ctx.instance, store, user: WEIGHTS_USER, bucket: buckets[0], callers: copiers }, childOpts(ctx));
}

/** `store`: the object-store Secret in this namespace (vLLM models copy their weights with its keys). */
export function modelServers(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig, secrets: StackSecrets, store: StoreSecret | undefined): void {
  for (const m of cfg.localModels) {
    const weights = dataVolume(ctx, { claim: `${modelWorkload(m)}-weights`, volume: "weights", size: m.storage ?? cfg.storage.models });
    if (m.server === "llamacpp") llamacppServer(ctx, m, weights, secrets);
    else if (store) vllmServer(ctx, m, weights, secrets, store);
    // config.ts refuses a vllm model without the mlops suite, which provides the store.
    else throw new Error(`model ${m.name}: vllm weights need the platform's object store`);
  }
}

/** What every model server's WebService shares: its name, port, Recreate (one claim), the key's checksum. */
export function modelServerBase(ctx: SuiteContext<LlmStackImage>, m: LocalModel, secrets: StackSecrets) {
  return {
    namespace: ctx.namespace,
    instance: ctx.instance,
    profile: ctx.profile,
    imagePullSecrets: ctx.imagePullSecrets,
    component: "model-server",
    // A model's weights claim is ReadWriteOnce: the old pod lets go of it before the new one starts.
    strategy: "Recreate" as const,
    // The first start downloads or copies the weights (gigabytes for a GPU model), then loads them.
    readyTimeout: m.server === "vllm" ? "60m" : "30m",
    port: { port: MODEL_PORTS[m.server] },
    checksums: { key: secrets.modelServers.checksum },
  };
}

/** A model server's container resources: the table's, with its GPUs (requests equal limits, as Kubernetes wants). */
export function modelResources(m: LocalModel, gpuResourceName: string): Resources {
  const base = MODEL_RESOURCES[m.server];
  if (m.gpus === 0) return base;
  const gpus = { [gpuResourceName]: String(m.gpus) };
  return { requests: { ...base.requests, ...gpus }, limits: { ...base.limits, ...gpus } };
}

export const modelKeyEnv = (name: string) => ({ [name]: { secretKeyRef: { name: NAMES.modelServersSecret, key: "api-key" } } });

function llamacppServer(ctx: SuiteContext<LlmStackImage>, m: LocalModel, weights: Volume, secrets: StackSecrets): void {
  const gguf = m.gguf;
  if (!gguf) throw new Error(`model ${m.name}: a llamacpp model without a GGUF file`);
  new WebService(
    modelWorkload(m),
    {
      ...modelServerBase(ctx, m, secrets),
      uid: 1000,
      volumes: [weights, emptyDir("tmp")],
      initContainers: [
        modelFetch(
          { server: modelWorkload(m), namespace: ctx.namespace, instance: ctx.instance, image: ctx.images["wait-for"], model: gguf, volume: { ...weights, name: "weights" }, dir: MODELS_DIR, uid: 1000, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets },
          childOpts(ctx),
        ).init,
      ],
      container: {
        image: ctx.images["llamacpp-server"],
        size: "large",
        resourcesOverride: MODEL_RESOURCES.llamacpp,
        // --alias: the name LiteLLM asks for; --ctx-size: 8k tokens, not the model's full window (Qwen2.5's 32k would
        // quadruple the KV cache); --metrics: Prometheus' /metrics on the same port.
        args: [
          "--model",
          `${MODELS_DIR}/${gguf.file}`,
          "--alias",
          m.name,
          "--host",
          "0.0.0.0",
          "--port",
          String(MODEL_PORTS.llamacpp),
          "--ctx-size",
          "8192",
          "--metrics",
          ...(m.mode === "embedding" ? ["--embeddings"] : []),
        ],
        env: modelKeyEnv("LLAMA_API_KEY"),
        volumeMounts: [
          { name: "weights", mountPath: MODELS_DIR, readOnly: true },
          { name: "tmp", mountPath: "/tmp" },
        ],
        // /health answers 503 while the model loads, without the key.
        probes: httpProbes("http", "/health", 20),
      },
    },
    workloadOpts(ctx, [secrets.modelServers]),
  );
}

/**
 * vLLM on the model's GPUs: the weights copied once from the object store into the claim (WEIGHTS_SYNC_SCRIPT, with
 * the store's keys from Secret object-store), then served offline from there. Its caches and IPC sockets go to
 * /tmp, its shared memory to a memory-backed /dev/shm.
 */
function vllmServer(ctx: SuiteContext<LlmStackImage>, m: LocalModel, weights: Volume, secrets: StackSecrets, store: StoreSecret): void {
  const w = m.weights;
  if (!w) throw new Error(`model ${m.name}: a vllm model without weights in the object store`);
  const placement = gpuPlacement(ctx.gpu);
  new WebService(
    modelWorkload(m),
    {
      ...modelServerBase(ctx, m, secrets),
      // New object-store keys roll it too (its weights copy reads them).
      checksums: { ...modelServerBase(ctx, m, secrets).checksums, objectStore: store.checksum },
      // Its weights are uploaded outside the stack: `pulumi up` does not wait for them (the pod does, saying so).
      skipAwait: true,
      uid: 1000,
      nodeSelector: placement.nodeSelector,
      tolerations: placement.tolerations,
      runtimeClassName: placement.runtimeClassName,
      volumes: [weights, emptyDir("tmp", "20Gi"), { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "8Gi" } }],
      initContainers: [
        {
          name: "copy-weights",
          image: ctx.images["wait-for"],
          size: "small",
          command: ["/bin/sh", "-c", WEIGHTS_SYNC_SCRIPT],
          // The store's endpoint and keys from Secret object-store (platform/objectStore.ts); the bucket is the model's.
          env: {
            ...Object.fromEntries(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "S3_ENDPOINT_URL"].map((k) => [k, { secretKeyRef: { name: OBJECT_STORE_SECRET, key: k } }])),
            MODELS_DIR,
            MODEL_NAME: m.name,
            MODEL_BUCKET: w.bucket,
            MODEL_PREFIX: w.prefix,
            // Until an operator uploads the weights (a year: in practice, until then).
            WEIGHTS_WAIT_SECONDS: String(365 * 24 * 3600),
          },
          volumeMounts: [{ name: "weights", mountPath: MODELS_DIR }],
        },
      ],
      container: {
        image: ctx.images.vllm,
        size: "large",
        resourcesOverride: modelResources(m, ctx.gpu.resourceName),
        command: [...VLLM_COMMAND],
        args: [
          "--model",
          `${MODELS_DIR}/${m.name}`,
          "--served-model-name",
          m.name,
          "--host",
          "0.0.0.0",
          "--port",
          String(MODEL_PORTS.vllm),
          "--tensor-parallel-size",
          String(m.gpus),
        ],
        // USER: the image has no passwd entry for uid 1000, and torch's compile cache asks getpass.getuser(), which
        // reads USER before the passwd database.
        env: { ...modelKeyEnv("VLLM_API_KEY"), HOME: "/tmp", USER: "vllm", HF_HUB_OFFLINE: "1", VLLM_NO_USAGE_STATS: "1" },
        volumeMounts: [
          { name: "weights", mountPath: MODELS_DIR, readOnly: true },
          { name: "tmp", mountPath: "/tmp" },
          { name: "dshm", mountPath: "/dev/shm" },
        ],
        // Loading the weights onto the GPUs takes minutes (up to 20 here) before the probes start; /health answers without the key.
        startupProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 10, failureThreshold: 120 },
        probes: httpProbes("http", "/health"),
      },
    },
    workloadOpts(ctx, [secrets.modelServers, store.secret]),
  );
}
