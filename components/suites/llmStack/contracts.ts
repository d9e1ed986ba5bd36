/**
 * Contracts of the llm-stack suite's images (components/lib/contracts.ts). The four built images are the seed's
 * (llm-stack.md) around the upstream programs: their contracts are the upstream program's, read at the version
 * the package registries serve, with the seed's ports; every assumption is written down.
 */
import { flagValue, type ImageContract } from "../../lib/contracts";
import { POSTGRES_CONTRACT, QDRANT_CONTRACT, REDIS_CONTRACT } from "../../workloads/storeContracts";
import { LLAMACPP_CONTRACT } from "../../workloads/llamacpp";
import type { LlmStackImage } from "./images";
import { VLLM_CONTRACT } from "./vllm";

/**
 * LiteLLM's proxy (BerriAI/litellm Dockerfile, docker/prod_entrypoint.sh: `exec litellm "$@"`; PyPI litellm
 * 1.110.2: litellm/proxy/proxy_cli.py, proxy_server.py, health_endpoints/_health_endpoints.py): --port (or
 * PORT), LITELLM_MASTER_KEY, provider keys the config names as os.environ/<NAME>; /health/liveliness and
 * /health/readiness answer without the key. Assumption: the seed's llm-stack-litellm image is that program.
 * It does not read LITELLM_PORT (the seed's env is inert).
 */
const LITELLM: ImageContract = {
  source: { repo: "BerriAI/litellm", ref: "PyPI litellm 1.110.2", files: ["Dockerfile", "docker/prod_entrypoint.sh", "litellm/proxy/proxy_cli.py", "litellm/proxy/proxy_server.py", "litellm/proxy/health_endpoints/_health_endpoints.py"] },
  runs: ["docker/prod_entrypoint.sh"],
  // The provider and local-model keys are read through the config file's os.environ/<NAME> references.
  // DATABASE_HOST/USERNAME/PASSWORD/NAME: proxy_cli.py builds DATABASE_URL from them (construct_database_url_from_env_vars);
  // LITELLM_SALT_KEY: proxy/common_utils/encrypt_decrypt_utils.py.
  env: ["LITELLM_MASTER_KEY", "LITELLM_SALT_KEY", "CONFIG_FILE_PATH", "DATABASE_URL", "DATABASE_HOST", "DATABASE_USERNAME", "DATABASE_PASSWORD", "DATABASE_NAME", "PORT", "HOST", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "LOCAL_MODELS_API_KEY", "SEPARATE_HEALTH_APP"],
  listens: (c) => [Number(flagValue(c.args, "--port") ?? c.env.PORT ?? 4000)],
  httpPaths: ["/health/liveliness", "/health/liveness", "/health/readiness", "/metrics"],
};

/**
 * R2R (SciPhi-AI/R2R py/Dockerfile: `uvicorn core.main.app_entry:app --host $R2R_HOST --port $R2R_PORT`;
 * py/core/main/config.py, py/core/providers/database/postgres.py; PyPI r2r 3.6.6): R2R_* for config and Postgres,
 * the LLM providers' own env (OPENAI_*: its completions and embeddings go through LiteLLM's client), /v3/health.
 * Upstream R2R keeps vectors in Postgres (pgvector, `CREATE EXTENSION IF NOT EXISTS vector` at start): it reads
 * no Qdrant or Redis setting, so the seed's R2R_QDRANT_* and REDIS_URL were inert. Assumption: the seed's
 * llm-stack-r2r image is that program.
 */
const R2R: ImageContract = {
  source: { repo: "SciPhi-AI/R2R", ref: "v3.6.6 (PyPI r2r 3.6.6)", files: ["py/Dockerfile", "py/core/main/app_entry.py", "py/core/main/config.py", "py/core/providers/database/postgres.py", "py/r2r/r2r.toml", "py/core/main/api/v3/system_router.py"] },
  runs: ["sh", "-c", "uvicorn core.main.app_entry:app --host $R2R_HOST --port $R2R_PORT"],
  env: ["R2R_HOST", "R2R_PORT", "R2R_CONFIG_NAME", "R2R_CONFIG_PATH", "R2R_PROJECT_NAME", "R2R_POSTGRES_USER", "R2R_POSTGRES_PASSWORD", "R2R_POSTGRES_HOST", "R2R_POSTGRES_PORT", "R2R_POSTGRES_DBNAME", "OPENAI_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL"],
  listens: (c) => [Number(c.env.R2R_PORT ?? 8000)],
  httpPaths: ["/v3/health"],
};

/**
 * Open WebUI (open-webui/open-webui Dockerfile, backend/start.sh; PyPI open-webui 0.12.4: open_webui/env.py,
 * config.py, main.py): PORT (8080) and HOST, the OpenAI-compatible connection, WEBUI_AUTH/WEBUI_SECRET_KEY,
 * DATA_DIR, DATABASE_URL, VECTOR_DB with QDRANT_*, REDIS_URL; /health and /ready.
 */
const OPENWEBUI: ImageContract = {
  source: { repo: "open-webui/open-webui", ref: "PyPI open-webui 0.12.4", files: ["Dockerfile", "backend/start.sh", "open_webui/env.py", "open_webui/config.py", "open_webui/main.py"] },
  runs: ["bash", "start.sh"],
  env: ["PORT", "HOST", "DATA_DIR", "DATABASE_URL", "WEBUI_AUTH", "WEBUI_SECRET_KEY", "VECTOR_DB", "QDRANT_URI", "QDRANT_API_KEY", "REDIS_URL", "OFFLINE_MODE", "UVICORN_WORKERS", "DEFAULT_MODELS"],
  envPrefixes: ["OPENAI_API_", "ENABLE_", "RAG_", "OLLAMA_", "WEBSOCKET_"],
  listens: (c) => [Number(c.env.PORT ?? 8080)],
  httpPaths: ["/health", "/ready", "/health/db"],
};

/**
 * The seed's React client (llm-stack.md: port 3000, VITE_API_BASE_URL). No public source: the seed is the
 * contract; assumption: a static web server on 3000 that answers / (Vite bakes VITE_* at build time, so the
 * runtime value works only if the image templates it at start).
 */
const REACT_CLIENT: ImageContract = {
  source: { seed: "llm-stack.md", assumption: "a static web server on :3000 serving the built client; VITE_API_BASE_URL templated at start" },
  runs: [],
  env: ["VITE_API_BASE_URL"],
  listens: () => [3000],
  httpPaths: ["/"],
};

export const LLM_STACK_CONTRACTS: Readonly<Record<LlmStackImage, ImageContract>> = {
  // pgvector/pgvector's Dockerfile: FROM postgres:<16>, the extension built in; the entrypoint is postgres'.
  pgvector: { ...POSTGRES_CONTRACT, source: { repo: "pgvector/pgvector", ref: "v0.8.0 (image 0.8.0-pg16)", files: ["Dockerfile"] } },
  redis: REDIS_CONTRACT,
  qdrant: QDRANT_CONTRACT,
  "llm-stack-litellm": LITELLM,
  "llm-stack-r2r": R2R,
  "llm-stack-openwebui": OPENWEBUI,
  "llm-stack-react-client": REACT_CLIENT,
  "llamacpp-server": LLAMACPP_CONTRACT,
  vllm: VLLM_CONTRACT,
};
