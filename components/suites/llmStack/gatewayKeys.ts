/**
 * Section: a LiteLLM virtual key per consumer. Each key is generated here ("sk-" and 48 characters; a new
 * `rotate=` token in llmStackGatewayKeys generates a new one for that consumer only) and kept in Secret
 * gateway-<consumer> of this namespace; a consumer in another suite also gets its own copy in its namespace
 * (platform/modelGateway.ts). The litellm-keys Job registers every key with LiteLLM under the consumer's alias and
 * limits (keysScript.ts), whenever a key, a limit or the master key changes. The master key stays in litellm-secret.
 */
import * as k8s from "@pulumi/kubernetes";
import { checksum } from "../../lib/checksum";
import { standardLabels } from "../../lib/labels";
import { GeneratedSecret } from "../../platform/generatedSecret";
import { setupJob } from "../../workloads/setupJob";
import { childOpts, type SuiteContext, workloadOpts } from "../context";
import type { LlmStackConfig } from "./config";
import { keySettings } from "./consumers";
import { url } from "./decisions";
import type { LlmStackImage } from "./images";
import { GATEWAY_KEYS_SCRIPT } from "./keysScript";
import { consumerKeySecret, KEYS, NAMES, PORTS } from "./names";
import type { StackSecrets } from "./secrets";

/** Where the Job mounts the consumers' keys (one file per consumer) and its spec. */
const KEYS_DIR = "/etc/gateway-keys";
const SPEC_DIR = "/etc/litellm-keys";
/** The master key's file among the keys (a consumer name never starts with a dot). */
const MASTER_FILE = ".master";
export const CONSUMER_KEY = "api-key";

/** Each consumer's Secret gateway-<consumer> in this namespace, by consumer. */
export type ConsumerKeys = Readonly<Record<string, GeneratedSecret>>;

/** The Job's spec file: per consumer, where its key is mounted and what LiteLLM is told about it. */
export function keysSpec(consumers: readonly string[], cfg: LlmStackConfig): string {
  return JSON.stringify(consumers.map((c) => ({ file: `${KEYS_DIR}/${c}`, settings: keySettings(c, cfg.gatewayKeys[c]) })), null, 2);
}

/** The consumers' key Secrets (before their pods, which read them). */
export function consumerKeys(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig, consumers: readonly string[]): ConsumerKeys {
  return Object.fromEntries(
    consumers.map((c) => [
      c,
      new GeneratedSecret(
        consumerKeySecret(c),
        {
          namespace: ctx.namespace,
          secretName: consumerKeySecret(c),
          instance: ctx.instance,
          generate: { [CONSUMER_KEY]: { length: 48, prefix: "sk-", keepers: { rotate: cfg.gatewayKeys[c]?.rotate ?? "" } } },
        },
        childOpts(ctx),
      ),
    ]),
  );
}

/**
 * The litellm-keys Job. It waits for LiteLLM and its database in its script, not on the Deployment: nothing in the
 * first `up` waits a wave for it (tests/invariants/stack.test.ts).
 */
export function registerKeys(ctx: SuiteContext<LlmStackImage>, cfg: LlmStackConfig, keySecrets: ConsumerKeys, secrets: StackSecrets): k8s.batch.v1.Job {
  const consumers = Object.keys(keySecrets);
  const spec = keysSpec(consumers, cfg);
  const config = new k8s.core.v1.ConfigMap(
    NAMES.gatewayKeys,
    { metadata: { name: NAMES.gatewayKeys, namespace: ctx.namespace, labels: standardLabels(NAMES.gatewayKeys, ctx.instance, "config") }, data: { "keys.json": spec } },
    childOpts(ctx),
  );
  // The rotation tokens too: known at preview, while a rotated key's new value is not.
  const stamp = checksum({
    spec,
    script: GATEWAY_KEYS_SCRIPT,
    master: secrets.litellm.checksum,
    keys: consumers.map((c) => keySecrets[c].checksum),
    rotations: consumers.map((c) => cfg.gatewayKeys[c]?.rotate ?? ""),
  });
  // A new key, limit or master key changes the stamp: the Job registers again.
  return setupJob(
    NAMES.gatewayKeys,
    {
      namespace: ctx.namespace,
      instance: ctx.instance,
      component: "gateway-setup",
      profile: ctx.profile,
      imagePullSecrets: ctx.imagePullSecrets,
      stamp,
      deadlineSeconds: 1200,
      volumes: [
        { name: "spec", configMap: { name: NAMES.gatewayKeys } },
        // Every consumer's key, and the master key as .master (a file: never in the environment).
        {
          name: "keys",
          projected: {
            sources: [
              ...consumers.map((c) => ({ secret: { name: consumerKeySecret(c), items: [{ key: CONSUMER_KEY, path: c }] } })),
              { secret: { name: NAMES.litellmSecret, items: [{ key: KEYS.masterKey, path: MASTER_FILE }] } },
            ],
          },
        },
      ],
      container: {
        name: "register-keys",
        // LiteLLM's own image: its Python, no other download.
        image: ctx.images["llm-stack-litellm"],
        size: "tiny",
        command: ["python3", "-c", GATEWAY_KEYS_SCRIPT],
        env: {
          LITELLM_URL: url(NAMES.litellm, PORTS.litellm, ctx.namespaceName),
          LITELLM_MASTER_KEY_FILE: `${KEYS_DIR}/${MASTER_FILE}`,
          KEYS_SPEC: `${SPEC_DIR}/keys.json`,
        },
        volumeMounts: [
          { name: "spec", mountPath: SPEC_DIR, readOnly: true },
          { name: "keys", mountPath: KEYS_DIR, readOnly: true },
        ],
      },
    },
    workloadOpts(ctx, [config, secrets.litellm, ...Object.values(keySecrets)]),
  );
}
