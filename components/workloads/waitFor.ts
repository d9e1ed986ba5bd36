/**
 * WaitFor: an init-container gate that blocks a pod until endpoints answer.
 *
 * TCP targets must accept a connection; HTTP targets must return any HTTP response (an MCP endpoint
 * answers GET with 4xx, which still proves it is up). With `timeoutSeconds`, the gate gives up after that
 * long and lets the pod start (the seed's "respond (or timeout)" contract); without it, it waits forever
 * and the pod stays in Init.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerArgs } from "./pod";

export type WaitTarget =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "http"; readonly url: string };

export interface WaitForArgs {
  /** Init container name, e.g. wait-for-integrated-mcp. */
  readonly name: string;
  readonly image: pulumi.Input<string>;
  readonly targets: readonly WaitTarget[];
  /** Give up and continue after this many seconds; undefined waits forever. */
  readonly timeoutSeconds?: number;
}

/** Size of every gate container (it runs curl in a loop). */
export const GATE_SIZE = "tiny";

export function targetLabel(t: WaitTarget): string {
  return t.kind === "tcp" ? `tcp://${t.host}:${t.port}` : t.url;
}

export const WAIT_SCRIPT = `
set -u
# date +%s counts whole seconds: the start may be up to 1 s into its second, so give up only once the clock is past
# the deadline (-gt), which is at least the full timeout after the start.
deadline=$(( $(date +%s) + \${WAIT_TIMEOUT_SECONDS:-0} ))
for target in $WAIT_TARGETS; do
  # Up = curl got past DNS and connect (not 6, 7 or 28); a non-HTTP server still counts as up.
  until curl -s -o /dev/null --connect-timeout 2 --max-time 5 "$target"; rc=$?; [ "$rc" -ne 6 ] && [ "$rc" -ne 7 ] && [ "$rc" -ne 28 ]; do
    if [ "\${WAIT_TIMEOUT_SECONDS:-0}" -gt 0 ] && [ "$(date +%s)" -gt "$deadline" ]; then
      echo "timed out after \${WAIT_TIMEOUT_SECONDS}s waiting for $target; continuing"; exit 0
    fi
    echo "waiting for $target"; sleep 2
  done
  echo "$target is up"
done
`.trim();

/** The init container. A TCP target is probed as http://host:port/: any answer, even garbage, proves it listens. */
export function waitForContainer(args: WaitForArgs): ContainerArgs {
  if (args.targets.length === 0) throw new Error(`WaitFor ${args.name}: targets must not be empty`);
  const urls = args.targets.map((t) => (t.kind === "tcp" ? `http://${t.host}:${t.port}/` : t.url));
  return {
    name: args.name,
    image: args.image,
    command: ["/bin/sh", "-c", WAIT_SCRIPT],
    env: {
      WAIT_TARGETS: urls.join(" "),
      WAIT_TIMEOUT_SECONDS: String(args.timeoutSeconds ?? 0),
    },
    size: GATE_SIZE,
  };
}
