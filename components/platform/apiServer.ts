/**
 * The Kubernetes API server as a NetworkPolicy peer. A stack that lists its addresses (networkApiServerCidrs) gets
 * those; one that leaves the list empty gets the addresses the cluster itself publishes for the `kubernetes` Service
 * (its EndpointSlice in `default`, which the API servers keep current), read at deploy time, each as a /32 (/128).
 * Those are the addresses a NetworkPolicy sees after the Service's DNAT, for calls to the API and for the API
 * server's own calls to webhooks. Some CNIs treat the API server as a special entity (e.g. Cilium's kube-apiserver
 * identity) and may not match it by address: list the addresses, or widen, for those.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkConfig } from "./flows";

/** The EndpointSlice the API servers publish their own addresses in. */
export const API_SERVER_SLICE = "default/kubernetes";

/** The network settings with the API server's addresses filled in: the configured ones, or the cluster's. */
export function resolveApiServer(network: NetworkConfig, opts: pulumi.CustomResourceOptions): NetworkConfig {
  const configured = network.apiServer.cidrs;
  if (pulumi.Output.isInstance(configured) || configured.length > 0) return network;
  const slice = k8s.discovery.v1.EndpointSlice.get("api-server-endpoints", API_SERVER_SLICE, opts);
  const cidrs = slice.endpoints.apply((endpoints) => {
    const ips = (endpoints ?? []).flatMap((e) => e.addresses ?? []);
    if (ips.length === 0) throw new Error(`networkApiServerCidrs: the EndpointSlice ${API_SERVER_SLICE} lists no address to allow; set the API server's addresses in networkApiServerCidrs`);
    return [...new Set(ips)].sort().map((ip) => (ip.includes(":") ? `${ip}/128` : `${ip}/32`));
  });
  return { ...network, apiServer: { ...network.apiServer, cidrs } };
}
