import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig, type StackConfig } from "../../components/stack";
import { Problems, Reader } from "../../components/config/reader";
import { llmctl } from "../../components/suites/llmctl";
import type { LlmctlConfig } from "../../components/suites/llmctl/config";

function parse(values: Record<string, string>, secretKeys: string[] = []): StackConfig {
  return parseStackConfig({ values, secretKeys: new Set(secretKeys) });
}

/** The llmctl slice of the same raw config, as its module parses it (after the whole stack validated). */
function llmctlOf(values: Record<string, string>, secretKeys: string[] = []): LlmctlConfig {
  const stack = parse(values, secretKeys);
  const raw = { values, secretKeys: new Set(secretKeys) };
  return llmctl.module.parse(new Reader(llmctl.module.schema, raw, new Problems()), stack.platform).config;
}

function problemsOf(values: Record<string, string>, secretKeys: string[] = []): string[] {
  try {
    parse(values, secretKeys);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    // A RunError is what makes the CLI print the message without a stack trace.
    expect(pulumi.RunError.isInstance(e as Error)).toBe(true);
    return [...(e as ConfigError).problems];
  }
  throw new Error(`config was accepted: ${JSON.stringify(values)}`);
}

describe("stack config defaults", () => {
  test("an empty stack gets the documented defaults", () => {
    const c = parse({});
    expect(c.suites.map((s) => s.name)).toEqual(["llmctl"]);
    expect(c.platform.exposure.mode).toBe("clusterIP");
    expect(c.platform.gpu).toMatchObject({ enabled: false, limit: 0, resourceName: "nvidia.com/gpu" });
    expect(c.platform.cluster).toEqual({ nodes: 1, nodeCpu: "8", nodeMemory: "16Gi", gpuNodes: 0, gpusPerNode: 1 });
    const l = llmctlOf({});
    expect(l.namespace).toBe("llmctl");
    expect(l.backend).toEqual({ nodePort: 30155, replicas: 1, maxReplicas: 0 });
    expect(l.frontend.nodePort).toBe(30157);
    expect(l.celery).toEqual({ workerReplicas: 4, workerConcurrency: 1 });
    expect(l.executor.liveCodeHostPath).toBeUndefined();
    expect(l.secrets.githubToken).toBeUndefined();
  });

  test("typed values are parsed from their string form", () => {
    const values = {
      exposure: "ingress",
      ingressHost: "llm.example.com",
      harborHost: "harbor.example.com",
      pgadminEnabled: "false",
      ingressClassName: "nginx",
      edgeAuth: "external",
      tlsClusterIssuer: "letsencrypt",
      llmctlCeleryWorkerReplicas: "6",
      persistence: "false",
      gpuEnabled: "true",
      executorGpuLimit: "2",
      gpuNodeSelector: '["nvidia.com/gpu.present=true"]',
      gpuTolerations: '["nvidia.com/gpu:NoSchedule","dedicated=gpu:NoExecute"]',
      imageOverrides: '["postgres=docker.io/library/postgres:17.2"]',
    };
    const c = parse(values);
    expect(c.platform.exposure).toMatchObject({ mode: "ingress", host: "llm.example.com", ingressClassName: "nginx", tls: { mode: "existingIssuer", clusterIssuer: "letsencrypt" } });
    expect(llmctlOf(values).celery.workerReplicas).toBe(6);
    expect(c.platform.persistence).toBe(false);
    expect(c.platform.gpu.nodeSelector).toEqual({ "nvidia.com/gpu.present": "true" });
    expect(c.platform.gpu.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoExecute" },
    ]);
    expect(c.images.overrides).toEqual({ postgres: "docker.io/library/postgres:17.2" });
  });

  test("an operator secret set with --secret becomes a Pulumi secret", async () => {
    const l = llmctlOf({ githubToken: "ghp_abc" }, ["githubToken"]);
    expect(l.secrets.githubToken).toBeDefined();
    expect(await pulumi.isSecret(l.secrets.githubToken!)).toBe(true);
  });
});

// Each bad input: the raw config, the key the message must name, and words that say what is allowed.
const BAD: Array<[string, Record<string, string>, string, RegExp]> = [
  ["wrong integer type", { llmctlBackendNodePort: "abc" }, "llm-platform:llmctlBackendNodePort", /must be an integer/],
  ["NodePort below range", { llmctlBackendNodePort: "8080" }, "llm-platform:llmctlBackendNodePort", /between 30000 and 32767/],
  ["NodePort above range", { llmctlFrontendNodePort: "40000" }, "llm-platform:llmctlFrontendNodePort", /between 30000 and 32767/],
  ["duplicate NodePort", { exposure: "nodePort", llmctlFrontendNodePort: "30155" }, "llm-platform:llmctlFrontendNodePort", /duplicates llmctlBackendNodePort/],
  ["unknown suite", { suites: '["llmctl","chatbot"]' }, "llm-platform:suites", /unknown suite "chatbot"; allowed: llmctl/],
  ["suites not a list", { suites: "llmctl" }, "llm-platform:suites", /list of strings/],
  ["duplicate suite", { suites: '["llmctl","llmctl"]' }, "llm-platform:suites", /twice/],
  ["unknown exposure", { exposure: "loadBalancer" }, "llm-platform:exposure", /one of nodePort, ingress, gateway, clusterIP/],
  ["ingress without host", { exposure: "ingress" }, "llm-platform:ingressHost", /required when exposure is ingress/],
  ["ingress host not DNS", { exposure: "ingress", ingressHost: "Not A Host" }, "llm-platform:ingressHost", /DNS name/],
  ["boolean typo", { persistence: "yes" }, "llm-platform:persistence", /true or false/],
  ["malformed image override", { imageOverrides: '["postgres=Postgres:::16"]' }, "llm-platform:imageOverrides", /not a valid image reference/],
  ["override of unknown image", { imageOverrides: '["mysql=mysql:8"]' }, "llm-platform:imageOverrides", /image-name one of/],
  ["malformed registry", { imageRegistry: "https://harbor.local" }, "llm-platform:imageRegistry", /registry host/],
  ["malformed tag", { imageTag: "v1 beta" }, "llm-platform:imageTag", /valid image tag/],
  ["unpinned image when pins required", { requirePinnedImages: "true", imageTag: "latest" }, "llm-platform:imageTag", /not pinned/],
  ["unpinned override when pins required", { requirePinnedImages: "true", imageTag: "1.2.3", imageOverrides: '["redis=redis"]' }, "llm-platform:imageOverrides", /not pinned/],
  ["negative GPU limit", { executorGpuLimit: "-1" }, "llm-platform:executorGpuLimit", /between 0 and 8/],
  ["GPU limit without GPUs", { executorGpuLimit: "1" }, "llm-platform:executorGpuLimit", /must be 0 when gpuEnabled is false/],
  ["GPUs without a limit", { gpuEnabled: "true" }, "llm-platform:executorGpuLimit", /at least 1 when gpuEnabled/],
  ["bad toleration effect", { gpuTolerations: '["nvidia.com/gpu:Sometimes"]' }, "llm-platform:gpuTolerations", /Effect one of NoSchedule/],
  ["bad node selector", { gpuNodeSelector: '["gpu"]' }, "llm-platform:gpuNodeSelector", /key=value/],
  ["bad storage size", { llmctlPostgresStorageSize: "10GB" }, "llm-platform:llmctlPostgresStorageSize", /storage size such as/],
  ["bad access mode", { llmctlDataAccessMode: "ReadWriteSometimes" }, "llm-platform:llmctlDataAccessMode", /ReadWriteOnce, ReadWriteMany/],
  ["zero worker replicas", { llmctlCeleryWorkerReplicas: "0" }, "llm-platform:llmctlCeleryWorkerReplicas", /between 1 and 100/],
  ["HPA max below min", { llmctlBackendReplicas: "3", llmctlBackendMaxReplicas: "2" }, "llm-platform:llmctlBackendMaxReplicas", /at least llmctlBackendReplicas/],
  ["namespace not a DNS label", { llmctlNamespace: "LLMCTL_NS" }, "llm-platform:llmctlNamespace", /DNS label/],
  ["unknown resource profile", { resourceProfile: "huge" }, "llm-platform:resourceProfile", /small, standard, large/],
  ["MCP wait timeout out of range", { llmctlMcpWaitTimeoutSeconds: "5" }, "llm-platform:llmctlMcpWaitTimeoutSeconds", /between 10 and 3600/],
  ["public base URL not a URL", { mcpPublicBaseUrl: "llm.example.com" }, "llm-platform:mcpPublicBaseUrl", /http\(s\) URL/],
  ["public base URL with a path", { mcpPublicBaseUrl: "https://llm.example.com/x" }, "llm-platform:mcpPublicBaseUrl", /origin without a path/],
  ["relative live-code path", { llmctlLiveCode: "true", llmctlLiveCodeHostPath: "workspace" }, "llm-platform:llmctlLiveCodeHostPath", /absolute path/],
  ["plaintext credential", { githubToken: "ghp_plaintext" }, "llm-platform:githubToken", /pulumi config set --secret githubToken/],
  ["unknown key (typo)", { exposre: "nodePort" }, "llm-platform:exposre", /unknown config key/],
  ["bad impersonation user", { googleWorkspaceImpersonateUser: "admin" }, "llm-platform:googleWorkspaceImpersonateUser", /email address/],
  ["bad pull secret name", { imagePullSecrets: '["Harbor Creds"]' }, "llm-platform:imagePullSecrets", /not a valid Secret name/],
  ["runtime class to manage without a name", { gpuManageRuntimeClass: "true", gpuRuntimeClassName: "" }, "llm-platform:gpuManageRuntimeClass", /needs gpuRuntimeClassName/],
  // Harbor and pgAdmin
  ["chart version not exact", { harborChartVersion: "latest" }, "llm-platform:harborChartVersion", /exact chart version such as 1.18.2/],
  ["chart repo not a repository URL", { pgadminChartRepo: "ftp://charts.example.com" }, "llm-platform:pgadminChartRepo", /https:\/\/, http:\/\/ or oci:\/\//],
  ["Harbor host missing under ingress", { exposure: "ingress", ingressHost: "llm.example.com", pgadminEnabled: "false" }, "llm-platform:harborHost", /required when exposure is ingress/],
  ["pgAdmin host equals the studio host", { exposure: "ingress", ingressHost: "llm.example.com", harborHost: "h.example.com", pgadminHost: "llm.example.com" }, "llm-platform:pgadminHost", /must differ from ingressHost/],
  ["Harbor NodePort collides with the backend", { exposure: "nodePort", harborNodePort: "30155" }, "llm-platform:harborNodePort", /duplicates llmctlBackendNodePort/],
  ["pgAdmin NodePort collides with Harbor", { exposure: "nodePort", pgadminNodePort: "30082" }, "llm-platform:pgadminNodePort", /duplicates harborNodePort/],
  ["pgAdmin email", { pgadminEmail: "admin" }, "llm-platform:pgadminEmail", /email address/],
  ["Harbor registry without Harbor", { useHarborRegistry: "true", harborEnabled: "false" }, "llm-platform:useHarborRegistry", /needs harborEnabled/],
  ["Harbor registry and an external registry", { useHarborRegistry: "true", imageRegistry: "r.example.com/x" }, "llm-platform:useHarborRegistry", /conflicts with imageRegistry/],
  ["pull user without password", { imageRegistry: "r.example.com/x", registryUsername: "bot" }, "llm-platform:registryPassword", /must be set together/],
  ["pull password in plaintext", { imageRegistry: "r.example.com/x", registryUsername: "bot", registryPassword: "pw" }, "llm-platform:registryPassword", /--secret registryPassword/],
  ["Harbor namespace reuses llmctl's", { harborNamespace: "llmctl" }, "llm-platform:harborNamespace", /must differ from the other namespaces/],
  ["Harbor project name", { harborProject: "LLMCTL" }, "llm-platform:harborProject", /Harbor project name/],
  // The edge: Gateway API, TLS, edge auth
  ["gateway without a host", { exposure: "gateway" }, "llm-platform:ingressHost", /required when exposure is gateway/],
  ["gateway with plain HTTP", { exposure: "gateway", ingressHost: "llm.example.com", harborHost: "h.example.com", pgadminHost: "p.example.com", tlsMode: "none" }, "llm-platform:tlsMode", /cannot be none when exposure is gateway/],
  [
    "gateway, Envoy Gateway off and no class named",
    { exposure: "gateway", ingressHost: "llm.example.com", harborHost: "h.example.com", pgadminHost: "p.example.com", envoyGatewayEnabled: "false" },
    "llm-platform:gatewayClassName",
    /required when exposure is gateway and envoyGatewayEnabled is false/,
  ],
  ["unknown TLS mode", { tlsMode: "letsencrypt" }, "llm-platform:tlsMode", /one of auto, none, selfSigned, acmeHttp01, acmeDns01, existingIssuer/],
  ["ACME without an email", { exposure: "gateway", ingressHost: "llm.example.com", harborEnabled: "false", pgadminEnabled: "false", tlsMode: "acmeHttp01" }, "llm-platform:acmeEmail", /email address for the ACME account/],
  ["DNS-01 without the token", { exposure: "gateway", ingressHost: "llm.example.com", harborEnabled: "false", pgadminEnabled: "false", tlsMode: "acmeDns01", acmeEmail: "a@example.com" }, "llm-platform:acmeDns01CloudflareApiToken", /required when tlsMode is acmeDns01/],
  ["existing issuer not named", { tlsMode: "existingIssuer" }, "llm-platform:tlsClusterIssuer", /required when tlsMode is existingIssuer/],
  ["ingress with edge auth it cannot enforce", { exposure: "ingress", ingressHost: "llm.example.com", ingressClassName: "nginx", harborEnabled: "false", pgadminEnabled: "false" }, "llm-platform:edgeAuth", /must be external when exposure is ingress/],
  ["ingress class that cannot rewrite the MCP paths", { exposure: "ingress", ingressHost: "llm.example.com", ingressClassName: "traefik", edgeAuth: "external", harborEnabled: "false", pgadminEnabled: "false" }, "llm-platform:ingressClassName", /must be nginx for the llmctl suite/],
  ["publishing the studio and /mcp/* without auth", { edgeAuth: "none" }, "llm-platform:edgeAuth", /cannot be none: .*MCP servers act with the operator's .* credentials/],
  ["IP allow-list without CIDRs", { edgeAuth: "ipAllowList" }, "llm-platform:edgeAllowedCidrs", /at least one CIDR/],
  ["malformed CIDR", { edgeAllowedCidrs: '["10.0.0.0/33"]' }, "llm-platform:edgeAllowedCidrs", /not a CIDR/],
  ["OIDC without issuer, client or secret", { edgeAuth: "oidc" }, "llm-platform:edgeOidcClientSecret", /required when edgeAuth is oidc/],
  ["OIDC issuer over plain HTTP", { edgeAuth: "oidc", edgeOidcIssuer: "http://id.example.com" }, "llm-platform:edgeOidcIssuer", /https issuer URL/],
  ["OIDC client secret in plaintext", { edgeOidcClientSecret: "s3cret" }, "llm-platform:edgeOidcClientSecret", /--secret edgeOidcClientSecret/],
  ["Harbor on the studio's host", { exposure: "gateway", ingressHost: "llm.example.com", harborHost: "llm.example.com", pgadminHost: "p.example.com" }, "llm-platform:harborHost", /must differ from ingressHost \(llm.example.com\)/],
  ["gateway namespace taken by a suite", { exposure: "gateway", ingressHost: "llm.example.com", harborHost: "h.example.com", pgadminHost: "p.example.com", gatewayNamespace: "llmctl" }, "llm-platform:gatewayNamespace", /must differ from the other namespaces/],
  // The LLM stack suite
  ["llm-stack namespace not a DNS label", { llmStackNamespace: "LLM_Stack" }, "llm-platform:llmStackNamespace", /DNS label/],
  ["llm-stack namespace taken by llmctl", { suites: '["llmctl","llm-stack"]', llmStackNamespace: "llmctl" }, "llm-platform:llmStackNamespace", /must differ from the other namespaces/],
  ["Postgres size not a quantity", { llmStackPostgresStorageSize: "20 GB" }, "llm-platform:llmStackPostgresStorageSize", /storage size such as/],
  ["Redis size not a quantity", { llmStackRedisStorageSize: "1G" }, "llm-platform:llmStackRedisStorageSize", /storage size such as/],
  ["Qdrant size not a quantity", { llmStackQdrantStorageSize: "ten" }, "llm-platform:llmStackQdrantStorageSize", /storage size such as/],
  ["OpenWebUI size not a quantity", { llmStackOpenWebuiStorageSize: "0Gi" }, "llm-platform:llmStackOpenWebuiStorageSize", /storage size such as/],
  ["model without a provider", { llmStackModels: '["gpt-4o"]' }, "llm-platform:llmStackModels", /<model name>=<provider>\/<model>/],
  ["model with an unknown provider", { llmStackModels: '["m=mistral/large"]' }, "llm-platform:llmStackModels", /provider one of openai, anthropic/],
  ["model named twice", { llmStackModels: '["m=openai/a","m=anthropic/b"]' }, "llm-platform:llmStackModels", /names the model "m" twice/],
  ["no models at all", { llmStackModels: "[]", llmStackLocalModels: "[]" }, "llm-platform:llmStackLocalModels", /and llmStackModels are both empty: LiteLLM would serve nothing/],
  ["a local model in no known format", { llmStackLocalModels: '["chat=ollama:llama3"]' }, "llm-platform:llmStackLocalModels", /<name>=llamacpp:<https URL of a \.gguf>/],
  ["a local model fetched over plain http", { llmStackLocalModels: '["chat=llamacpp:http://example.com/m.gguf"]' }, "llm-platform:llmStackLocalModels", /model chat: llamacpp weights must be an https:\/\/ URL of a \.gguf file/],
  ["a local model name that is no DNS label", { llmStackLocalModels: '["Chat_1=llamacpp:https://example.com/m.gguf"]' }, "llm-platform:llmStackLocalModels", /"Chat_1" must be a lower-case DNS label/],
  ["a malformed checksum", { llmStackLocalModels: '["chat=llamacpp:https://example.com/m.gguf,sha256=abc"]' }, "llm-platform:llmStackLocalModels", /option "sha256=abc" is not one of sha256=<64 lower-case hex digits>, embedding, storage=<size such as 40Gi>/],
  ["a vllm model without GPUs", { suites: '["llm-stack","mlops"]', llmStackLocalModels: '["big=vllm:s3://models/llm/qwen"]' }, "llm-platform:llmStackLocalModels", /model big runs on vllm, which needs GPUs: set gpuEnabled/],
  [
    "a vllm model without the object store",
    { suites: '["llm-stack"]', gpuEnabled: "true", executorGpuLimit: "1", llmStackLocalModels: '["big=vllm:s3://models/llm/qwen"]' },
    "llm-platform:llmStackLocalModels",
    /model big takes its weights from the object store: enable the mlops suite/,
  ],
  ["a vllm model outside the object store", { llmStackLocalModels: '["big=vllm:https://hf.co/qwen"]' }, "llm-platform:llmStackLocalModels", /vllm weights must be s3:\/\/<bucket>\/<prefix>/],
  ["a gateway key limit with a budget that is no amount", { llmStackGatewayKeys: '["r2r,budget=ten"]' }, "llm-platform:llmStackGatewayKeys", /r2r: option "budget=ten" is not one of budget=<USD such as 50 or 12\.5>/],
  ["a gateway key limited to a model nobody serves", { llmStackGatewayKeys: '["r2r,models=gpt-5"]' }, "llm-platform:llmStackGatewayKeys", /r2r: models gpt-5 are not served by the gateway/],
  ["a gateway consumer listed twice", { llmStackGatewayKeys: '["r2r,rpm=5","r2r"]' }, "llm-platform:llmStackGatewayKeys", /lists r2r twice/],
  ["a model claim size that is no quantity", { llmStackLocalModelsStorageSize: "ten gigs" }, "llm-platform:llmStackLocalModelsStorageSize", /must be a storage size such as 512Mi, 10Gi or 1Ti \(got "ten gigs"\)/],
  ["a local model named like a provider model", { llmStackLocalModels: '["gpt-4o-mini=llamacpp:https://example.com/m.gguf"]' }, "llm-platform:llmStackLocalModels", /"gpt-4o-mini", which llmStackModels names too/],
  ["OpenWebUI without login behind the Gateway", { suites: '["llmctl","llm-stack"]', exposure: "gateway", ingressHost: "llm.example.com", harborHost: "h.example.com", pgadminHost: "p.example.com", llmStackOpenWebuiHost: "chat.example.com", llmStackReactClientHost: "app.example.com", llmStackWebuiAuth: "false" }, "llm-platform:llmStackWebuiAuth", /anyone on the internet in as admin/],
  ["OpenWebUI host missing behind the Gateway", { suites: '["llmctl","llm-stack"]', exposure: "gateway", ingressHost: "llm.example.com", harborHost: "h.example.com", pgadminHost: "p.example.com", llmStackReactClientHost: "app.example.com" }, "llm-platform:llmStackOpenWebuiHost", /required when exposure is gateway or ingress/],
  ["React client host missing behind the Gateway", { suites: '["llmctl","llm-stack"]', exposure: "gateway", ingressHost: "llm.example.com", harborHost: "h.example.com", pgadminHost: "p.example.com", llmStackOpenWebuiHost: "chat.example.com" }, "llm-platform:llmStackReactClientHost", /required when exposure is gateway or ingress/],
  ["OpenWebUI host not a DNS name", { llmStackOpenWebuiHost: "Chat Host" }, "llm-platform:llmStackOpenWebuiHost", /lower-case DNS name/],
  ["LiteLLM host on the studio's host", { suites: '["llmctl","llm-stack"]', exposure: "gateway", ingressHost: "llm.example.com", harborHost: "h.example.com", pgadminHost: "p.example.com", llmStackOpenWebuiHost: "chat.example.com", llmStackReactClientHost: "app.example.com", llmStackLitellmHost: "llm.example.com" }, "llm-platform:llmStackLitellmHost", /must differ from ingressHost/],
  ["OpenWebUI NodePort out of range", { llmStackOpenWebuiNodePort: "8080" }, "llm-platform:llmStackOpenWebuiNodePort", /between 30000 and 32767/],
  ["LiteLLM NodePort collides with the studio", { suites: '["llmctl","llm-stack"]', exposure: "nodePort", llmStackLitellmNodePort: "30157" }, "llm-platform:llmStackLitellmNodePort", /duplicates llmctlFrontendNodePort/],
  ["OpenAI key in plaintext", { llmStackOpenaiApiKey: "sk-plain" }, "llm-platform:llmStackOpenaiApiKey", /--secret llmStackOpenaiApiKey/],
  ["Anthropic key in plaintext", { llmStackAnthropicApiKey: "sk-ant-plain" }, "llm-platform:llmStackAnthropicApiKey", /--secret llmStackAnthropicApiKey/],
  // The code executor suite
  ["code-executor namespace not a DNS label", { codeExecutorNamespace: "LLM Executor" }, "llm-platform:codeExecutorNamespace", /DNS label/],
  ["no llm-service replicas", { codeExecutorLlmReplicas: "0" }, "llm-platform:codeExecutorLlmReplicas", /between 1 and 20/],
  ["HPA minimum of zero", { codeExecutorMinReplicas: "0" }, "llm-platform:codeExecutorMinReplicas", /between 1 and 100/],
  ["HPA maximum below its minimum", { codeExecutorMinReplicas: "5", codeExecutorMaxReplicas: "4" }, "llm-platform:codeExecutorMaxReplicas", /at least codeExecutorMinReplicas \(5\)/],
  ["unknown log level", { codeExecutorLogLevel: "TRACE" }, "llm-platform:codeExecutorLogLevel", /DEBUG, INFO, WARNING, ERROR/],
  ["too many retries", { codeExecutorMaxRetries: "11" }, "llm-platform:codeExecutorMaxRetries", /between 0 and 10/],
  ["zero execution timeout", { codeExecutorExecutionTimeout: "0" }, "llm-platform:codeExecutorExecutionTimeout", /between 1 and 3600/],
  ["heavy CPU not a quantity", { codeExecutorHeavyCpuRequest: "two" }, "llm-platform:codeExecutorHeavyCpuRequest", /CPU quantity/],
  ["heavy memory not a quantity", { codeExecutorHeavyMemoryLimit: "8GB" }, "llm-platform:codeExecutorHeavyMemoryLimit", /memory quantity such as 4Gi/],
  ["heavy CPU limit below its request", { codeExecutorHeavyCpuRequest: "4", codeExecutorHeavyCpuLimit: "2" }, "llm-platform:codeExecutorHeavyCpuLimit", /at least codeExecutorHeavyCpuRequest \(4\)/],
  ["heavy memory limit below its request", { codeExecutorHeavyMemoryRequest: "8Gi", codeExecutorHeavyMemoryLimit: "4Gi" }, "llm-platform:codeExecutorHeavyMemoryLimit", /at least codeExecutorHeavyMemoryRequest/],
  ["heavy deadline too short", { codeExecutorHeavyDeadlineSeconds: "10" }, "llm-platform:codeExecutorHeavyDeadlineSeconds", /between 60 and 86400/],
  ["no heavy Jobs allowed at all", { codeExecutorHeavyJobsMax: "0" }, "llm-platform:codeExecutorHeavyJobsMax", /between 1 and 100/],
  ["unknown heavy egress", { codeExecutorHeavyEgress: "cluster" }, "llm-platform:codeExecutorHeavyEgress", /none, internet/],
  ["public host not a DNS name", { codeExecutorHost: "Exec Host" }, "llm-platform:codeExecutorHost", /lower-case DNS name/],
  ["LLM key in plaintext", { codeExecutorLlmApiKey: "sk-plain" }, "llm-platform:codeExecutorLlmApiKey", /--secret codeExecutorLlmApiKey/],
  ["no gateway and no endpoint", { suites: '["code-executor"]' }, "llm-platform:codeExecutorLlmBaseUrl", /required when the llm-stack suite .* is not in suites/],
  ["half an S3 key pair", { codeExecutorAwsAccessKeyId: "AKIAEXAMPLE" }, "llm-platform:codeExecutorAwsAccessKeyId", /must be set together|--secret/],
  ["Event Hub string in plaintext", { codeExecutorEventHubConnectionString: "Endpoint=sb://x" }, "llm-platform:codeExecutorEventHubConnectionString", /--secret codeExecutorEventHubConnectionString/],
  ["code-executor namespace taken by the LLM stack", { suites: '["llm-stack","code-executor"]', codeExecutorNamespace: "llm-stack" }, "llm-platform:codeExecutorNamespace", /must differ from the other namespaces/],
  // The context engine suite
  ["context-engine namespace not a DNS label", { contextEngineNamespace: "Context Engine" }, "llm-platform:contextEngineNamespace", /DNS label/],
  ["duplicate repository names", { contextEngineRepositories: '["backend","backend=other"]' }, "llm-platform:contextEngineRepositories", /names the repository "backend" twice/],
  ["repository name not a DNS label", { contextEngineRepositories: '["My_Repo"]' }, "llm-platform:contextEngineRepositories", /DNS label/],
  ["repository subPath escaping the claim", { contextEngineRepositories: '["x=../secrets"]' }, "llm-platform:contextEngineRepositories", /without \.\./],
  ["repository option unknown", { contextEngineRepositories: '["x,fast"]' }, "llm-platform:contextEngineRepositories", /allowed: debounce=<secs>, git=<https url>, ref=<branch\|tag\|commit>, disabled/],
  ["repository git URL not https", { contextEngineRepositories: '["x,git=git@github.com:a/b.git"]' }, "llm-platform:contextEngineRepositories", /git= must be an https:\/\/ URL without credentials/],
  ["repository git URL with a token in it", { contextEngineRepositories: '["x,git=https://ghp_x@github.com/a/b.git"]' }, "llm-platform:contextEngineRepositories", /a token goes in contextEngineGitToken/],
  ["repository git URL with a query", { contextEngineRepositories: '["x,git=https://github.com/a/b.git?token=t"]' }, "llm-platform:contextEngineRepositories", /without credentials, query or fragment/],
  ["two repositories on one subPath", { contextEngineRepositories: '["a=src","b=src"]' }, "llm-platform:contextEngineRepositories", /uses the subPath "src" twice/],
  ["a repository in git-sync's directory", { contextEngineRepositories: '["a=.git-sync"]' }, "llm-platform:contextEngineRepositories", /\.git-sync is reserved/],
  ["repository ref without git", { contextEngineRepositories: '["x,ref=main"]' }, "llm-platform:contextEngineRepositories", /ref= needs git=<url>/],
  ["Workspace OAuth client id malformed", { googleWorkspaceOauthClientId: "my-client" }, "llm-platform:googleWorkspaceOauthClientId", /a Google OAuth client id/],
  ["git user name with a space", { contextEngineGitUsername: "my user" }, "llm-platform:contextEngineGitUsername", /a user name/],
  ["model URL over plain HTTP", { contextEngineModelUrl: "http://example.com/m.gguf" }, "llm-platform:contextEngineModelUrl", /https:\/\//],
  ["model URL not a URL", { contextEngineModelUrl: "huggingface/model" }, "llm-platform:contextEngineModelUrl", /http\(s\) URL/],
  ["model name not a .gguf file", { contextEngineModelName: "model.bin" }, "llm-platform:contextEngineModelName", /ending in \.gguf/],
  ["model checksum malformed", { contextEngineModelSha256: "abc" }, "llm-platform:contextEngineModelSha256", /64 lower-case hex digits/],
  ["Qdrant storage not a quantity", { contextEngineQdrantStorageSize: "50GB" }, "llm-platform:contextEngineQdrantStorageSize", /storage size such as/],
  ["repos storage not a quantity", { contextEngineReposStorageSize: "lots" }, "llm-platform:contextEngineReposStorageSize", /storage size such as/],
  ["debounce not seconds", { contextEngineWatchDebounceSecs: "1.5s" }, "llm-platform:contextEngineWatchDebounceSecs", /seconds such as 1\.5/],
  ["unknown network policy mode", { contextEngineNetworkPolicy: "open" }, "llm-platform:contextEngineNetworkPolicy", /defaultDeny, intraNamespace/],
  ["quota CPU not a quantity", { contextEngineQuotaCpu: "forty" }, "llm-platform:contextEngineQuotaCpu", /CPU quantity/],
  ["backup schedule not cron", { contextEngineBackupSchedule: "nightly" }, "llm-platform:contextEngineBackupSchedule", /a cron schedule has five \(minute hour day-of-month month day-of-week\) or is a macro such as @daily/],
  ["backup retention zero", { contextEngineBackupRetention: "0" }, "llm-platform:contextEngineBackupRetention", /between 1 and 365/],
  ["micro-chunks out of range", { contextEngineMaxMicroChunksPerFile: "0" }, "llm-platform:contextEngineMaxMicroChunksPerFile", /between 1 and 10000/],
  ["Qdrant NodePort collides with the studio", { suites: '["llmctl","context-engine"]', exposure: "nodePort", contextEngineQdrantNodePort: "30155" }, "llm-platform:contextEngineQdrantNodePort", /duplicates llmctlBackendNodePort/],
  ["no host behind the Gateway", { suites: '["context-engine"]', exposure: "gateway", ingressHost: "llm.example.com", harborEnabled: "false", pgadminEnabled: "false" }, "llm-platform:contextEngineHost", /required when exposure is gateway/],
  // The cluster profile the capacity check fits against
  ["no nodes", { clusterNodes: "0" }, "llm-platform:clusterNodes", /between 1 and 1000/],
  ["node CPU not a quantity", { clusterNodeCpu: "eight" }, "llm-platform:clusterNodeCpu", /CPU quantity such as 8 or 7500m/],
  ["node memory without a unit suffix we know", { clusterNodeMemory: "16GB" }, "llm-platform:clusterNodeMemory", /memory quantity such as 16Gi/],
  ["more GPU nodes than nodes", { clusterNodes: "2", clusterGpuNodes: "3" }, "llm-platform:clusterGpuNodes", /at most clusterNodes \(2\)/],
  ["GPUs per node out of range", { clusterGpusPerNode: "0" }, "llm-platform:clusterGpusPerNode", /between 1 and 16/],
  ["requests over a too-small cluster", { clusterNodeCpu: "500m", clusterNodeMemory: "1Gi" }, "llm-platform:clusterNodes", /CPU requests total [\d.]+ but the cluster has 0\.5 \(1 node x 0\.5 CPU \/ 1Gi\): [\d.]+ over/],
  ["a GPU Job on a GPU-less profile", { gpuEnabled: "true", executorGpuLimit: "1", llmctlExecutorSmokeTest: "true" }, "llm-platform:clusterNodes", /llmctl\/llmctl-executor-smoke \(Job\): one pod requests 1 GPU but the cluster profile has no GPU nodes/],
];

describe("bad stack config is rejected at preview with the key and what is allowed", () => {
  test.each(BAD)("%s", (_what, values, key, allowed) => {
    const problems = problemsOf(values);
    const mine = problems.filter((p) => p.startsWith(`${key}:`));
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.join("\n")).toMatch(allowed);
  });

  test("every problem is reported at once, not just the first", () => {
    const problems = problemsOf({ exposure: "lb", llmctlBackendNodePort: "1", persistence: "maybe" });
    expect(problems.map((p) => p.split(":")[1])).toEqual(expect.arrayContaining(["exposure", "llmctlBackendNodePort", "persistence"]));
  });

  test("the error message lists the problems, one per line", () => {
    expect(() => parse({ exposure: "lb" })).toThrow(/Invalid stack configuration \(1 problem\):\n {2}- llm-platform:exposure: must be one of/);
  });
});
