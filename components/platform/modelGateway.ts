/**
 * The platform's model gateway: an OpenAI-compatible endpoint one suite provides (LiteLLM in the llm-stack
 * suite) and other suites use. A consumer gets the base URL and the provider's generated key, and keeps the
 * key in a Secret of its own namespace (`model-gateway`): the same generated value, never typed or copied.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../lib/labels";

export interface ModelGateway {
  /** In-cluster OpenAI-compatible base URL, e.g. http://litellm.llm-stack.svc.cluster.local:4000/v1. */
  readonly baseUrl: string;
  /** The key the gateway accepts (a Pulumi secret). */
  readonly key: pulumi.Output<string>;
  /** Who provides it (a suite name), for messages and outputs. */
  readonly provider: string;
}

/** The Secret a consumer's pods read the gateway from: OPENAI_API_BASE_URL and OPENAI_API_KEY. */
export const MODEL_GATEWAY_SECRET = "model-gateway";

export function modelGatewaySecret(name: string, args: { namespace: pulumi.Input<string>; instance: string; gateway: ModelGateway }, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: { name: MODEL_GATEWAY_SECRET, namespace: args.namespace, labels: standardLabels(MODEL_GATEWAY_SECRET, args.instance, "config") },
      type: "Opaque",
      stringData: { OPENAI_API_BASE_URL: args.gateway.baseUrl, OPENAI_API_KEY: args.gateway.key },
    },
    opts,
  );
}
