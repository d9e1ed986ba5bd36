/**
 * Section: LiteLLM (the model gateway), R2R, OpenWebUI and the React client, wired by in-cluster URLs built
 * from the Service names. Start-up order is the init gates' job: R2R waits for Postgres and Qdrant, OpenWebUI
 * for LiteLLM (the seed's init containers).
 */
import * as k8s from "@pulumi/kubernetes";
import { checksum } from "../../lib/checksum";
import { standardLabels } from "../../lib/labels";
import { httpProbes, tcpProbes } from "../../lib/probes";
import { serviceHost } from "../../platform/exposure";
import type { EnvMap } from "../../workloads/pod";
import { emptyDir } from "../../workloads/pod";
import { waitForContainer } from "../../workloads/waitFor";
import { WebService } from "../../workloads/webService";
import { childOpts, dataVolume, type SuiteContext, workloadOpts } from "../context";
import type { LlmStackConfig } from "./config";
import { litellmConfigFile, r2rConfigFile, url } from "./decisions";
import { defaultChatModel, defaultEmbeddingModel, LOCAL_MODELS_KEY_ENV, PROVIDER_ENV } from "./models";
import { modelKeyEnv } from "./modelServers";
import { gatewayDbEnv, gatewayDbGate } from "./gatewayDb";
import { CONSUMER_KEY, type ConsumerKeys } from "./gatewayKeys";
import type { LlmStackImage } from "./images";
import { consumerKeySecret, KEYS, NAMES, PORTS, POSTGRES, SEED_RESOURCES } from "./names";
import type { StackSecrets } from "./secrets";

/** The built images run as this non-root user (the seed's Dockerfiles are ours to keep that way). */
/** The user the LLM stack's applications (and Qdrant) run as. */
export const APP_UID = 1000;

/**
 * `keys`: each consumer's gateway key Secret (OpenWebUI and R2R read theirs); `metrics`: the monitoring add-on
 * scrapes LiteLLM (network.ts), so its config turns the Prometheus callback on.
 */
export function apps(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig, secrets: StackSecrets, keys: ConsumerKeys, metrics: boolean): void {
  const ns = ctx.namespaceName;
  const common = { namespace: ctx.namespace, instance: ctx.instance, profile: ctx.profile, imagePullSecrets: ctx.imagePullSecrets, uid: APP_UID };
  const nodePort = (port: number) => (ctx.exposure.mode === "nodePort" ? port : undefined);
  const stackSecret = (key: string) => ({ secretKeyRef: { name: NAMES.stackSecret, key } });
  const gate = waitForContainer;

  // LiteLLM: its model list from stack config; keys from litellm-secret (only those set exist).
  const dbGate = gatewayDbGate(ctx);
  const file = litellmConfigFile({ local: cfg.localModels, providers: cfg.models, namespace: ns }, metrics);
  const config = new k8s.core.v1.ConfigMap(
    NAMES.litellmConfig,
    { metadata: { name: NAMES.litellmConfig, namespace: ctx.namespace, labels: standardLabels(NAMES.litellmConfig, ctx.instance, "config") }, data: { "config.yaml": file } },
    childOpts(ctx),
  );
  const providerEnv: EnvMap = Object.fromEntries(
    (Object.keys(cfg.keys) as Array<keyof typeof PROVIDER_ENV>).map((p) => [PROVIDER_ENV[p], { secretKeyRef: { name: NAMES.litellmSecret, key: p === "openai" ? KEYS.openai : KEYS.anthropic } }]),
  );
  const scaled = (replicas: number) => ({ replicas, podDisruptionBudget: ctx.podDisruptionBudgets });
  new WebService(
    NAMES.litellm,
    {
      ...common,
      ...scaled(cfg.replicas.litellm),
      component: "gateway",
      port: { port: PORTS.litellm, nodePort: nodePort(cfg.nodePorts.litellm) },
      volumes: [{ name: "config", configMap: { name: NAMES.litellmConfig } }, emptyDir("tmp"), dbGate.volume],
      checksums: { config: checksum({ file }), secret: secrets.litellm.checksum, models: secrets.modelServers.checksum, database: secrets.gatewayDb.checksum },
      // Its database first (the litellm-database Job's role and database, not just Postgres' port): LiteLLM
      // migrates its schema at start and exits without it.
      initContainers: [dbGate.container],
      container: {
        image: ctx.images["llm-stack-litellm"],
        size: "medium",
        resourcesOverride: SEED_RESOURCES.litellm,
        args: ["--config", "/etc/litellm/config.yaml", "--port", String(PORTS.litellm)],
        // The port is the --port arg: LiteLLM reads no LITELLM_PORT (the seed's env was inert; contracts.ts).
        env: {
          LITELLM_MASTER_KEY: { secretKeyRef: { name: NAMES.litellmSecret, key: KEYS.masterKey } },
          // Encrypts the credentials LiteLLM keeps in its database; it must outlive them (it falls back to the master key).
          LITELLM_SALT_KEY: { secretKeyRef: { name: NAMES.litellmSecret, key: KEYS.saltKey } },
          ...gatewayDbEnv(ns),
          ...providerEnv,
          ...(cfg.localModels.length > 0 ? modelKeyEnv(LOCAL_MODELS_KEY_ENV) : {}),
        },
        volumeMounts: [
          { name: "config", mountPath: "/etc/litellm", readOnly: true },
          { name: "tmp", mountPath: "/tmp" },
        ],
        // The seed's timings. /health needs the master key and calls every model; LiteLLM's own unauthenticated
        // probes are /health/liveliness and /health/readiness.
        probes: {
          livenessProbe: { httpGet: { path: "/health/liveliness", port: "http" }, initialDelaySeconds: 30, periodSeconds: 10 },
          readinessProbe: { httpGet: { path: "/health/readiness", port: "http" }, initialDelaySeconds: 10, periodSeconds: 5 },
        },
        // LiteLLM writes its Prisma client and caches under its install directory.
        readOnlyRootFilesystem: false,
      },
    },
    workloadOpts(ctx, [config, secrets.litellm, secrets.modelServers, secrets.gatewayDb]),
  );

  const redisUrl = secrets.stack.values[KEYS.redisPassword].apply((pw) => `redis://:${pw}@${serviceHost(NAMES.redis, ns)}:${PORTS.redis}/0`);
  // The Redis URL carries the password: a Secret of its own, read by key (OpenWebUI's app state and websockets).
  const redisSecret = new k8s.core.v1.Secret(
    NAMES.openwebuiRedis,
    { metadata: { name: NAMES.openwebuiRedis, namespace: ctx.namespace, labels: standardLabels(NAMES.openwebui, ctx.instance, "config") }, type: "Opaque", stringData: { REDIS_URL: redisUrl } },
    childOpts(ctx),
  );
  const defaultModel = defaultChatModel(cfg.localModels, cfg.models);
  const embeddingModel = defaultEmbeddingModel(cfg.localModels);
  const r2rFile = r2rConfigFile(defaultModel, embeddingModel);
  const r2rConfig = new k8s.core.v1.ConfigMap(
    NAMES.r2rConfig,
    { metadata: { name: NAMES.r2rConfig, namespace: ctx.namespace, labels: standardLabels(NAMES.r2rConfig, ctx.instance, "config") }, data: { "r2r.toml": r2rFile } },
    childOpts(ctx),
  );
  // Each consumer's own key (gatewayKeys.ts), never the master key.
  const gatewayKey = (consumer: string) => ({ OPENAI_API_KEY: { secretKeyRef: { name: consumerKeySecret(consumer), key: CONSUMER_KEY } } });
  new WebService(
    NAMES.r2r,
    {
      ...common,
      ...scaled(cfg.replicas.r2r),
      component: "rag",
      port: { port: PORTS.r2r },
      volumes: [emptyDir("tmp", "1Gi"), { name: "config", configMap: { name: NAMES.r2rConfig } }],
      checksums: { secret: secrets.stack.checksum, gateway: keys.r2r.checksum, config: checksum({ r2rFile }) },
      initContainers: [
        gate({
          name: "wait-for-stores",
          image: ctx.images["wait-for"],
          targets: [
            { kind: "tcp", host: serviceHost(NAMES.postgres, ns), port: PORTS.postgres },
            { kind: "http", url: url(NAMES.litellm, PORTS.litellm, ns, "/health/liveliness") },
          ],
        }),
      ],
      container: {
        image: ctx.images["llm-stack-r2r"],
        size: "large",
        resourcesOverride: SEED_RESOURCES.r2r,
        env: {
          R2R_PORT: String(PORTS.r2r),
          R2R_HOST: "0.0.0.0",
          R2R_POSTGRES_HOST: serviceHost(NAMES.postgres, ns),
          R2R_POSTGRES_PORT: String(PORTS.postgres),
          R2R_POSTGRES_USER: POSTGRES.user,
          R2R_POSTGRES_DBNAME: POSTGRES.database,
          R2R_POSTGRES_PASSWORD: stackSecret(POSTGRES.passwordKey),
          // Completions and embeddings through the platform's gateway: R2R's embeddings go through LiteLLM's
          // client (OPENAI_API_BASE), its completions through the OpenAI SDK (OPENAI_BASE_URL). Either one unset
          // would send the gateway key to api.openai.com.
          OPENAI_API_BASE: url(NAMES.litellm, PORTS.litellm, ns, "/v1"),
          OPENAI_BASE_URL: url(NAMES.litellm, PORTS.litellm, ns, "/v1"),
          ...gatewayKey("r2r"),
          // The gateway's models (r2rConfigFile), merged over R2R's defaults.
          ...(r2rFile ? { R2R_CONFIG_PATH: "/etc/r2r/r2r.toml" } : {}),
        },
        volumeMounts: [
          { name: "tmp", mountPath: "/tmp" },
          { name: "config", mountPath: "/etc/r2r", readOnly: true },
        ],
        probes: tcpProbes("http", 20),
        // R2R downloads models and writes caches under its home directory.
        readOnlyRootFilesystem: false,
      },
    },
    workloadOpts(ctx, [secrets.stack, keys.r2r, r2rConfig]),
  );

  new WebService(
    NAMES.openwebui,
    {
      ...common,
      component: "ui",
      port: { port: PORTS.openwebui, nodePort: nodePort(cfg.nodePorts.openwebui) },
      volumes: [dataVolume(ctx, { claim: NAMES.openwebuiData, volume: "data", size: cfg.storage.openwebui }), emptyDir("tmp")],
      checksums: { secret: keys.openwebui.checksum, stack: secrets.stack.checksum },
      initContainers: [gate({ name: "wait-for-litellm", image: ctx.images["wait-for"], targets: [{ kind: "http", url: url(NAMES.litellm, PORTS.litellm, ns, "/health/liveliness") }] })],
      container: {
        image: ctx.images["llm-stack-openwebui"],
        size: "medium",
        resourcesOverride: SEED_RESOURCES.openwebui,
        env: {
          OPENAI_API_BASE_URL: url(NAMES.litellm, PORTS.litellm, ns, "/v1"),
          // The model a new chat opens with: the platform's own, so a chat works with no provider key.
          ...(defaultModel ? { DEFAULT_MODELS: defaultModel } : {}),
          // Documents are embedded through the gateway too (open_webui/config.py: the engine "openai" posts to
          // <RAG_OPENAI_API_BASE_URL>/embeddings), not by a sentence-transformers model fetched from Hugging Face at start.
          ...(embeddingModel
            ? {
                RAG_EMBEDDING_ENGINE: "openai",
                RAG_EMBEDDING_MODEL: embeddingModel,
                RAG_OPENAI_API_BASE_URL: url(NAMES.litellm, PORTS.litellm, ns, "/v1"),
                RAG_OPENAI_API_KEY: gatewayKey("openwebui").OPENAI_API_KEY,
              }
            : {}),
          // No Ollama: OpenWebUI would probe localhost:11434 at start.
          ENABLE_OLLAMA_API: "false",
          // This config is code: OpenWebUI reads these settings at every start instead of keeping the first ones in its database.
          ENABLE_PERSISTENT_CONFIG: "false",
          ...gatewayKey("openwebui"),
          // The stack's Qdrant for documents' vectors, and its Redis for app state and websockets.
          VECTOR_DB: "qdrant",
          QDRANT_URI: url(NAMES.qdrant, PORTS.qdrant, ns),
          QDRANT_API_KEY: stackSecret(KEYS.qdrantApiKey),
          REDIS_URL: { secretKeyRef: { name: NAMES.openwebuiRedis, key: "REDIS_URL" } },
          ENABLE_WEBSOCKET_SUPPORT: "true",
          WEBSOCKET_MANAGER: "redis",
          WEBSOCKET_REDIS_URL: { secretKeyRef: { name: NAMES.openwebuiRedis, key: "REDIS_URL" } },
          WEBUI_AUTH: String(cfg.webuiAuth),
          WEBUI_SECRET_KEY: stackSecret(KEYS.webuiSecret),
          DATA_DIR: "/app/backend/data",
          PORT: String(PORTS.openwebui),
        },
        volumeMounts: [
          { name: "data", mountPath: "/app/backend/data" },
          { name: "tmp", mountPath: "/tmp" },
        ],
        probes: httpProbes("http", "/health", 15),
        // OpenWebUI writes caches (models, static assets) under its install directory.
        readOnlyRootFilesystem: false,
      },
    },
    workloadOpts(ctx, [secrets.stack, keys.openwebui, redisSecret]),
  );

  new WebService(
    NAMES.reactClient,
    {
      ...common,
      ...scaled(cfg.replicas.reactClient),
      component: "web",
      port: { port: PORTS.reactClient, nodePort: nodePort(cfg.nodePorts.reactClient) },
      volumes: [emptyDir("tmp")],
      container: {
        image: ctx.images["llm-stack-react-client"],
        size: "small",
        resourcesOverride: SEED_RESOURCES.reactClient,
        env: { VITE_API_BASE_URL: url(NAMES.openwebui, PORTS.openwebui, ns) },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        probes: httpProbes("http", "/"),
        // nginx writes its pid and temp files outside /tmp in the seed's image.
        readOnlyRootFilesystem: false,
      },
    },
    workloadOpts(ctx),
  );
}
