/**
 * The platform's model gateway: an OpenAI-compatible endpoint one suite provides (LiteLLM in the llm-stack
 * suite) and other suites use. A consumer gets the base URL and the provider's generated key, and keeps the
 * key in a Secret of its own namespace (`model-gateway`): the same generated value, never typed or copied.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../lib/labels";
import { allowFlow, type PodGroup } from "./flows";

export interface ModelGateway {
  /** In-cluster OpenAI-compatible base URL, e.g. http://litellm.llm-stack.svc.cluster.local:4000/v1. */
  readonly baseUrl: string;
  /** The key the provider made for each consumer suite, by suite name (Pulumi secrets). */
  readonly keys: Readonly<Record<string, pulumi.Output<string>>>;
  /** Who provides it (a suite name), for messages and outputs. */
  readonly provider: string;
  /** The gateway's pods and port, for the flow each user declares. */
  readonly pods: PodGroup;
  readonly port: number;
}

/** The Secret a consumer's pods read the gateway from: OPENAI_API_BASE_URL and OPENAI_API_KEY. */
export const MODEL_GATEWAY_SECRET = "model-gateway";
/** The key in that Secret that holds the consumer's API key (a consumer may read it under its own env name). */
export const MODEL_GATEWAY_KEY = "OPENAI_API_KEY";

/** The consumer suite's own key, or an error naming what is missing (the provider makes one per consumer it was told of). */
export function consumerKey(gateway: ModelGateway, consumer: string): pulumi.Output<string> {
  const key = gateway.keys[consumer];
  if (!key) throw new Error(`the model gateway (${gateway.provider}) has no key for ${consumer}: it makes one for every enabled suite that declares usesGateway`);
  return key;
}

export function modelGatewaySecret(name: string, args: { namespace: pulumi.Input<string>; instance: string; gateway: ModelGateway }, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: { name: MODEL_GATEWAY_SECRET, namespace: args.namespace, labels: standardLabels(MODEL_GATEWAY_SECRET, args.instance, "config") },
      type: "Opaque",
      stringData: { OPENAI_API_BASE_URL: args.gateway.baseUrl, [MODEL_GATEWAY_KEY]: consumerKey(args.gateway, args.instance) },
    },
    opts,
  );
}

/**
 * What a user suite does with the gateway it was handed: the Secret in its namespace, and the flow from its
 * calling pods to the gateway (both sides: its egress, the gateway's ingress in the provider's namespace).
 */
export function useModelGateway(name: string, args: { namespace: pulumi.Input<string>; instance: string; gateway: ModelGateway; callers: PodGroup }, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  allowFlow(
    { name: `${args.callers.name}-to-model-gateway`, from: { pods: args.callers }, to: { pods: args.gateway.pods }, ports: [{ port: args.gateway.port }], why: `${args.instance} calls the model gateway (${args.gateway.provider})` },
    args.instance,
    opts,
  );
  return modelGatewaySecret(`${name}-model-gateway`, args, opts);
}
