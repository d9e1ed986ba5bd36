/**
 * Flow checks on a render: whether one pod may reach another on a port under the rendered NetworkPolicies (both
 * sides: the source's egress and the target's ingress), pods named `namespace/name` by their app.kubernetes.io/name
 * label (or a PodInfo's name, for pods the render has not, such as a chart's or a Job's).
 */
import { manifestSet } from "../../scripts/lib/manifests";
import { evaluateFlow, namespacesOf, podsOf, policiesOf, type PodInfo } from "../../scripts/lib/netpol";
import type { Recorded } from "./harness";

export function reaches(res: Recorded[], extraPods: readonly PodInfo[] = []): (from: string, to: string, port: number) => boolean {
  const set = manifestSet(res);
  const all = [...set.namespaces, ...set.rest];
  const pods = [...podsOf(all), ...extraPods];
  const pod = (ref: string) => {
    const [ns, name] = ref.split("/");
    const found = pods.find((p) => p.namespace === ns && (p.name === name || p.labels["app.kubernetes.io/name"] === name));
    if (!found) throw new Error(`no pod ${ref}`);
    return { pod: found };
  };
  return (from, to, port) => evaluateFlow(policiesOf(all), namespacesOf(all), pod(from), pod(to), port).allowed;
}
