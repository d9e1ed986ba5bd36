import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** Stable JSON: object keys sorted, so equal data always hashes the same. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sha256(value: unknown): string {
  return createHash("sha256").update(stableStringify(value)).digest("hex");
}

/**
 * A pod-template annotation value that changes whenever `data` changes, so the workload rolls.
 *
 * The digest of secret data is deliberately un-secreted: a SHA-256 of high-entropy credentials reveals
 * nothing usable, and a secret annotation would hide the whole pod template's diff in `pulumi preview`.
 */
export function checksum<T>(data: pulumi.Input<T>): pulumi.Output<string> {
  return pulumi.unsecret(pulumi.output(data).apply((d: unknown) => sha256(d)));
}

export const CHECKSUM_ANNOTATION_PREFIX = "checksum/";
