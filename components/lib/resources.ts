export const RESOURCE_PROFILES = ["small", "standard", "large"] as const;
export type ResourceProfile = (typeof RESOURCE_PROFILES)[number];

/** How heavy a container is, independent of the cluster size. */
export type Size = "tiny" | "small" | "medium" | "large";

interface Preset {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * Local disk (writable layer, logs, emptyDirs) per size, the same in every profile: a container that fills
 * the node's disk is evicted instead of evicting its neighbours. emptyDir volumes carry their own sizeLimit.
 */
const EPHEMERAL: Record<Size, { readonly request: string; readonly limit: string }> = {
  tiny: { request: "32Mi", limit: "256Mi" },
  small: { request: "64Mi", limit: "1Gi" },
  medium: { request: "128Mi", limit: "2Gi" },
  large: { request: "256Mi", limit: "4Gi" },
};

const p = (rc: string, rm: string, lc: string, lm: string): Preset => ({
  requests: { cpu: rc, memory: rm },
  limits: { cpu: lc, memory: lm },
});

/** Requests and limits per profile and size. `small` fits every suite on a 4 CPU / 8 GiB minikube. */
const PRESETS: Record<ResourceProfile, Record<Size, Preset>> = {
  small: {
    tiny: p("10m", "32Mi", "100m", "64Mi"),
    small: p("25m", "64Mi", "250m", "256Mi"),
    medium: p("50m", "128Mi", "500m", "512Mi"),
    large: p("100m", "256Mi", "1", "1Gi"),
  },
  standard: {
    tiny: p("25m", "32Mi", "200m", "128Mi"),
    small: p("100m", "128Mi", "500m", "512Mi"),
    medium: p("250m", "512Mi", "1", "1Gi"),
    large: p("500m", "1Gi", "2", "4Gi"),
  },
  large: {
    tiny: p("50m", "64Mi", "250m", "128Mi"),
    small: p("250m", "256Mi", "1", "1Gi"),
    medium: p("500m", "1Gi", "2", "2Gi"),
    large: p("1", "2Gi", "4", "8Gi"),
  },
};

/** Plain requests and limits (assignable to a container's `resources`, and readable by the capacity check). */
export interface Resources {
  readonly requests: Readonly<Record<string, string>>;
  readonly limits: Readonly<Record<string, string>>;
}

export function resources(profile: ResourceProfile, size: Size): Resources {
  const preset = PRESETS[profile][size];
  const disk = EPHEMERAL[size];
  return { requests: { ...preset.requests, "ephemeral-storage": disk.request }, limits: { ...preset.limits, "ephemeral-storage": disk.limit } };
}
