/** Rule 2: every container (init containers included) declares cpu and memory requests and limits. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkEach, containersOf, describeObject, podSpecOf, type Container, type K8sResourceLike } from "../lib/k8s";

const REQUIRED = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const;

function isSet(v: string | number | undefined): boolean {
  return v !== undefined && v !== null && String(v).trim() !== "";
}

/** The resource settings a container lacks, e.g. ["limits.cpu", "limits.memory"]. */
export function missingResources(container: Container): string[] {
  const r = container.resources ?? {};
  return REQUIRED.filter((path) => {
    const [section, resource] = path.split(".") as ["requests" | "limits", string];
    return !isSet(r[section]?.[resource]);
  });
}

export const containerResources: ResourceValidationPolicy = {
  name: "container-resources",
  description: "Every container and init container of a workload sets cpu and memory requests and limits.",
  remediationSteps:
    "Set resources.requests.{cpu,memory} and resources.limits.{cpu,memory} on every container (components/lib/resources.ts " +
    "has the presets); for a Helm chart, set them in the chart values.",
  severity: "medium",
  validateResource: (args, reportViolation) => {
    const r: K8sResourceLike = args;
    const pod = podSpecOf(r);
    if (!pod) return;
    const problems: string[] = [];
    try {
      checkEach(containersOf(pod), ({ container, label }) => {
        const missing = missingResources(container);
        if (missing.length > 0) problems.push(`${label} has no ${missing.join(", ")}`);
      });
    } finally {
      // Report what could be decided, also when a container held a value unknown during preview.
      if (problems.length > 0) reportViolation(`${describeObject(r)}: ${problems.join("; ")}.`);
    }
  },
};
