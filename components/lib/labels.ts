/** Recommended Kubernetes labels (app.kubernetes.io/*). */

export const PART_OF = "llm-platform";

export type Labels = Readonly<Record<string, string>>;

/**
 * On a StatefulSet's headless governing Service only: it carries the client Service's labels too, and a
 * ServiceMonitor selecting those would scrape each pod twice, so scrape() excludes Services with this label.
 */
export const HEADLESS_SERVICE_LABEL = "llm-platform/headless";

/**
 * Labels that identify one workload's pods. The same object is the workload's `matchLabels` and its
 * Service's `selector`, so the two cannot disagree.
 */
export function selectorLabels(name: string, instance: string): Labels {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": instance };
}

/** Selector labels plus the descriptive ones every object carries. */
export function standardLabels(name: string, instance: string, component?: string): Labels {
  return {
    ...selectorLabels(name, instance),
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
    ...(component ? { "app.kubernetes.io/component": component } : {}),
  };
}
