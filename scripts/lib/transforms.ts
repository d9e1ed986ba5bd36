/**
 * The engine's side of resource transforms: a component's `transforms` are registered with the SDK's callback
 * server, and the engine calls them (CallbackInvokeRequest -> TransformRequest) for each child it is about to
 * register, including the objects a helm.v4.Chart renders in its provider. This calls the registered
 * callbacks the same way, through the same protobuf messages, so a test can hand a chart's object to exactly
 * the transforms the program attached and read back what the engine would create.
 */
import * as gstruct from "google-protobuf/google/protobuf/struct_pb";
import * as callbackProto from "@pulumi/pulumi/proto/callback_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { getCallbacks } from "@pulumi/pulumi/runtime/settings";
import type { JsonObject } from "./render";

export interface TransformTarget {
  readonly type: string;
  readonly name: string;
  /** Plain JSON properties, as the chart rendered them. */
  readonly props: JsonObject;
}

export interface Transformed {
  readonly props: JsonObject;
  readonly retainOnDelete: boolean;
}

interface InvokeServer {
  invoke(call: { request: callbackProto.CallbackInvokeRequest }, callback: (err: Error | null, response?: callbackProto.CallbackInvokeResponse) => void): Promise<void>;
}

function invoke(server: InvokeServer, token: string, request: resourceProto.TransformRequest): Promise<resourceProto.TransformResponse> {
  const call = new callbackProto.CallbackInvokeRequest().setToken(token).setRequest(request.serializeBinary());
  return new Promise((resolve, reject) => {
    void server.invoke({ request: call }, (err, response) => {
      if (err || !response) reject(err ?? new Error(`transform ${token}: no response`));
      else resolve(resourceProto.TransformResponse.deserializeBinary(response.getResponse_asU8()));
    });
  });
}

/** Runs `tokens` (a component's transforms, in order) on one child object, as the engine does. */
export async function applyTransforms(tokens: readonly string[], target: TransformTarget, parentUrn: string): Promise<Transformed> {
  const server = getCallbacks() as unknown as InvokeServer | undefined;
  if (!server) throw new Error("no callback server: render the program under mocks first");
  let props = gstruct.Struct.fromJavaScript(target.props as Record<string, gstruct.JavaScriptValue>);
  let options = new resourceProto.TransformResourceOptions();
  for (const token of tokens) {
    const request = new resourceProto.TransformRequest().setType(target.type).setName(target.name).setCustom(true).setParent(parentUrn).setProperties(props).setOptions(options);
    const response = await invoke(server, token, request);
    props = response.getProperties() ?? props;
    options = response.getOptions() ?? options;
  }
  return { props: props.toJavaScript() as JsonObject, retainOnDelete: options.getRetainOnDelete() ?? false };
}
