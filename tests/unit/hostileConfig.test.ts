/**
 * Hostile config refused: values an operator with a typo, or an attacker with write access to a stack file, could
 * set, each refused at preview with a message naming the key (and nothing created). Kubernetes' own namespaces,
 * allow-lists that let in the internet, a metadata address left reachable, live code outside a laptop, sizes of
 * zero, nothing or a petabyte, schedules a CronJob would reject, a quota its own namespace does not fit in.
 * Each row: the stack file it starts from, the values set, the key the problem names, what the message says.
 */
import { configProblems, parsedStack, type StackName } from "../helpers/harness";

type Values = Record<string, string | number | boolean | string[]>;
type Row = [string, StackName, Values, string, RegExp];
const RESERVED = /must not be ".*": the platform owns its namespaces .* choose a namespace of its own/;
const ZERO = /must be more than zero/;
const CRON = /must be a cron schedule such as .* or @daily: /;

const HOSTILE: Row[] = [
  // Kubernetes' own namespaces: our default-deny would cut cluster DNS, our destroy would delete them.
  ["the studio in kube-system", "dev", { llmctlNamespace: "kube-system" }, "llmctlNamespace", RESERVED],
  ["the LLM stack in default", "dev", { llmStackNamespace: "default" }, "llmStackNamespace", RESERVED],
  ["MLOps in kube-public", "dev", { mlopsNamespace: "kube-public" }, "mlopsNamespace", RESERVED],
  ["the context engine in kube-node-lease", "dev", { contextEngineNamespace: "kube-node-lease" }, "contextEngineNamespace", RESERVED],
  ["the code executor in any kube-* namespace", "dev", { codeExecutorNamespace: "kube-flannel" }, "codeExecutorNamespace", RESERVED],
  ["Harbor in kube-system", "dev", { harborNamespace: "kube-system" }, "harborNamespace", RESERVED],
  ["pgAdmin in default", "dev", { pgadminNamespace: "default" }, "pgadminNamespace", RESERVED],
  ["monitoring in kube-system", "prod", { monitoringNamespace: "kube-system" }, "monitoringNamespace", RESERVED],
  ["the GPU operator in kube-system", "prod", { gpuOperatorNamespace: "kube-system" }, "gpuOperatorNamespace", RESERVED],
  ["the platform Gateway in default", "prod", { gatewayNamespace: "default" }, "gatewayNamespace", RESERVED],
  ["two suites in one namespace", "dev", { llmStackNamespace: "llmctl" }, "llmStackNamespace", /must differ from the other namespaces/],
  // Allow-lists that open to everything (edgeAuth none is refused; these are the same thing).
  ["an allow-list of 0.0.0.0/0", "prod", { edgeAuth: "ipAllowList", edgeAllowedCidrs: ["0.0.0.0/0"] }, "edgeAllowedCidrs", /"0\.0\.0\.0\/0" lets in a large part of the internet/],
  ["an allow-list of ::/0", "prod", { edgeAuth: "ipAllowList", edgeAllowedCidrs: ["::/0"] }, "edgeAllowedCidrs", /"::\/0" lets in a large part of the internet/],
  ["the internet in two halves", "prod", { edgeAuth: "ipAllowList", edgeAllowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }, "edgeAllowedCidrs", /"128\.0\.0\.0\/1" lets in/],
  ["a /4 (a sixteenth of IPv4)", "prod", { edgeAuth: "ipAllowList", edgeAllowedCidrs: ["203.0.113.0/24", "64.0.0.0/4"] }, "edgeAllowedCidrs", /"64\.0\.0\.0\/4" lets in/],
  ["an IPv6 /8", "prod", { edgeAuth: "ipAllowList", edgeAllowedCidrs: ["2000::/8"] }, "edgeAllowedCidrs", /wider than a \/8 for IPv4, a \/16 for IPv6/],
  ["edge auth none", "prod", { edgeAuth: "none" }, "edgeAuth", /cannot be none/],
  ["an empty allow-list", "prod", { edgeAuth: "ipAllowList", edgeAllowedCidrs: [] }, "edgeAllowedCidrs", /needs at least one CIDR/],
  // The metadata address must stay out of every internet egress rule.
  ["no excluded ranges at all", "dev", { networkExcludedCidrs: [] }, "networkExcludedCidrs", /must cover the cloud metadata address 169\.254\.169\.254/],
  ["private ranges only, metadata left reachable", "prod", { networkExcludedCidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] }, "networkExcludedCidrs", /must cover the cloud metadata address/],
  ["a link-local slice that misses the metadata address", "dev", { networkExcludedCidrs: ["169.254.0.0/24"] }, "networkExcludedCidrs", /must cover the cloud metadata address/],
  // The API server as "anywhere" (internet egress on 443/6443/8443 for every API caller) only on a laptop's cluster.
  ["the API server anywhere in prod", "prod", { networkApiServerCidrs: ["0.0.0.0/0"] }, "networkApiServerCidrs", /opens the API server rules to the internet .* production-like stack .* kubectl get endpointslice kubernetes -n default/],
  ["half the internet as the API server, on protected data", "dev", { networkApiServerCidrs: ["0.0.0.0/1"], dataProtection: true }, "networkApiServerCidrs", /0\.0\.0\.0\/1 opens the API server rules to the internet .*dataProtection is on/],
  ["an API server address that is not a CIDR", "dev", { networkApiServerCidrs: ["192.168.49.2"] }, "networkApiServerCidrs", /is not an IPv4 CIDR/],
  // Live code (a node path in the studio's pods, llmctl privileged) only on a laptop's cluster.
  ["live code in prod", "prod", { llmctlLiveCode: true }, "llmctlLiveCode", /local development cluster only .* dataProtection is on, requirePinnedImages is on, exposure is gateway/],
  ["live code behind a Gateway", "dev", { llmctlLiveCode: true, exposure: "gateway", ingressHost: "llm.example.com", edgeAuth: "basic" }, "llmctlLiveCode", /not one: exposure is gateway/],
  ["live code with pinned images", "dev", { llmctlLiveCode: true, requirePinnedImages: true, imageTag: "1.2.3" }, "llmctlLiveCode", /requirePinnedImages is on/],
  ["live code on protected data", "dev", { llmctlLiveCode: true, dataProtection: true }, "llmctlLiveCode", /dataProtection is on/],
  // Sizes: zero, nothing, a fraction, negative, or more than any cluster has.
  ["a claim of 0Gi", "dev", { llmctlPostgresStorageSize: "0Gi" }, "llmctlPostgresStorageSize", /must be a storage size such as 512Mi, 10Gi or 1Ti \(got "0Gi"\)/],
  ["an empty claim size", "dev", { llmctlDataStorageSize: "" }, "llmctlDataStorageSize", /must be a storage size .* \(got ""\)/],
  ["a negative claim size", "dev", { llmStackQdrantStorageSize: "-5Gi" }, "llmStackQdrantStorageSize", /must be a storage size/],
  ["a fractional claim size", "dev", { contextEngineReposStorageSize: "1.5Gi" }, "contextEngineReposStorageSize", /must be a storage size/],
  ["a 5000Ti claim", "dev", { mlopsMinioStorageSize: "5000Ti" }, "mlopsMinioStorageSize", /must be at most 1Pi: "5000Ti" is not a size any cluster here has/],
  ["an empty registry size", "dev", { harborRegistryStorageSize: "" }, "harborRegistryStorageSize", /must be a storage size/],
  ["Prometheus on 0 bytes", "prod", { monitoringPrometheusStorageSize: "0" }, "monitoringPrometheusStorageSize", /must be a storage size/],
  ["a heavy Job requesting no CPU", "dev", { codeExecutorHeavyCpuRequest: "0" }, "codeExecutorHeavyCpuRequest", ZERO],
  ["a heavy Job's CPU left empty", "dev", { codeExecutorHeavyCpuRequest: "" }, "codeExecutorHeavyCpuRequest", /must be a CPU quantity such as 2 or 500m \(got ""\)/],
  ["a heavy Job requesting 0Mi", "dev", { codeExecutorHeavyMemoryRequest: "0Mi" }, "codeExecutorHeavyMemoryRequest", ZERO],
  ["a heavy Job limited to 5000 CPUs", "dev", { codeExecutorHeavyCpuLimit: "5000" }, "codeExecutorHeavyCpuLimit", /must be at most 1024 CPUs/],
  ["a heavy Job limited to 100Ti", "dev", { codeExecutorHeavyMemoryLimit: "100Ti" }, "codeExecutorHeavyMemoryLimit", /must be at most 64Ti/],
  ["MinIO on 0m CPU", "dev", { mlopsMinioCpu: "0m" }, "mlopsMinioCpu", ZERO],
  ["MLOps' Postgres memory empty", "dev", { mlopsPostgresMemory: "" }, "mlopsPostgresMemory", /must be a memory quantity such as 512Mi or 2Gi/],
  ["nodes with no CPU", "prod", { clusterNodeCpu: "0" }, "clusterNodeCpu", ZERO],
  ["nodes with no memory", "prod", { clusterNodeMemory: "0Gi" }, "clusterNodeMemory", ZERO],
  // Schedules the CronJob controller would refuse, or read differently than meant.
  ["minute 61", "dev", { backupSchedule: "61 2 * * *" }, "backupSchedule", /minute "61" is outside 0-59/],
  ["hour 24", "dev", { backupSchedule: "30 24 * * *" }, "backupSchedule", /hour "24" is outside 0-23/],
  ["weekday 8", "dev", { backupDrillSchedule: "30 4 * * 8" }, "backupDrillSchedule", /day of week "8" is outside 0-7 \(or sun-sat\)/],
  ["day of month 0", "dev", { backupSchedule: "30 2 0 * *" }, "backupSchedule", /day of month "0" is outside 1-31/],
  ["month 13", "dev", { backupSchedule: "30 2 * 13 *" }, "backupSchedule", /month "13" is outside 1-12 \(or jan-dec\)/],
  ["a step of zero", "dev", { backupSchedule: "*/0 * * * *" }, "backupSchedule", /a step is \/<positive number>/],
  ["a range backwards", "dev", { backupSchedule: "50-10 2 * * *" }, "backupSchedule", /minute "50-10" is outside/],
  ["six fields (seconds)", "dev", { backupSchedule: "0 30 2 * * *" }, "backupSchedule", /has 6 fields, a cron schedule has five/],
  ["a time zone in the schedule", "dev", { backupSchedule: "TZ=UTC 30 2 * * *" }, "backupSchedule", /a time zone does not go in the schedule/],
  ["an unknown macro", "dev", { contextEngineBackupSchedule: "@sometimes" }, "contextEngineBackupSchedule", /unknown macro "@sometimes" \(allowed: @yearly/],
  ["@every is not a CronJob schedule here", "dev", { contextEngineBackupSchedule: "@every 1h" }, "contextEngineBackupSchedule", CRON],
  // A quota the namespace's own pods do not fit in.
  ["the context engine's CPU quota below its pods", "dev", { contextEngineQuotaCpu: "1" }, "contextEngineQuotaCpu", /must be at least [\d.]+m?, what context-engine's own pods request at their most \(got 1\)/],
  ["the context engine's memory quota below its pods", "prod", { contextEngineQuotaMemory: "1Gi" }, "contextEngineQuotaMemory", /must be at least [\d.]+[GM]i, what context-engine's own pods request at their most \(got 1Gi\)/],
  ["a quota of zero", "dev", { contextEngineQuotaCpu: "0" }, "contextEngineQuotaCpu", ZERO],
];

describe("hostile config is refused at preview, naming the key", () => {
  test("there are at least 40 kinds of it here", () => expect(HOSTILE.length).toBeGreaterThanOrEqual(40));

  test.each(HOSTILE)("%s", (_what, stack, values, key, says) => {
    const mine = configProblems(stack, values).filter((p) => p.startsWith(`llm-platform:${key}:`));
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.join("\n")).toMatch(says);
  });
});

describe("what is fine stays fine", () => {
  const accepted: Array<[string, StackName, Values]> = [
    ["macros", "dev", { backupSchedule: "@daily", backupDrillSchedule: "@weekly", contextEngineBackupSchedule: "@hourly" }],
    ["names, lists, ranges and steps", "dev", { backupSchedule: "0 */6 1,15 jan-jun mon-fri", backupDrillSchedule: "30 4 * * 7" }],
    ["a link-local /16 covers the metadata address", "dev", { networkExcludedCidrs: ["169.254.0.0/16"] }],
    ["an office network and a VPN range", "prod", { edgeAuth: "ipAllowList", edgeAllowedCidrs: ["203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32"] }],
    ["live code on the laptop stack", "dev", { llmctlLiveCode: true }],
    ["the API server anywhere on the laptop stack, said explicitly", "dev", { networkApiServerCidrs: ["0.0.0.0/0"] }],
    ["the API server's address listed", "prod", { networkApiServerCidrs: ["10.0.0.1/32", "10.0.0.2/32"] }],
    ["large but real sizes", "prod", { mlopsMinioStorageSize: "20Ti", codeExecutorHeavyMemoryLimit: "512Gi", codeExecutorHeavyCpuLimit: "64" }],
  ];
  test.each(accepted)("%s", (_what, stack, values) => {
    expect(() => parsedStack(stack, { set: values })).not.toThrow();
  });
});
