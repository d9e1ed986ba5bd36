/** The Kubernetes provider every resource of the stack uses. */
import * as k8s from "@pulumi/kubernetes";

/**
 * One explicit provider, always (named "k8s", the name the dev stack's provider already had):
 * - `context` only when kubeContext is set; otherwise the ambient kubeconfig context, as before;
 * - `enableConfigMapMutable`: a ConfigMap data change is patched in place instead of replacing the
 *   ConfigMap (a replacement of a fixed-name ConfigMap deletes it first: a moment with no ConfigMap while
 *   pods may restart). Pods still roll on a change, through their checksum/config annotation.
 * A stack that used the default provider moves to this one as an update: the engine asks the provider's
 * DiffConfig, which replaces resources only when the target cluster changes.
 */
export function kubernetesProvider(kubeContext: string | undefined, renderDirectory?: string): k8s.Provider {
  return new k8s.Provider("k8s", {
    ...(kubeContext ? { context: kubeContext } : {}),
    enableConfigMapMutable: true,
    // GitOps render mode: every object is written under this directory and no cluster is touched. Switching an
    // existing stack between modes replaces everything, so render mode belongs on a stack of its own.
    ...(renderDirectory ? { renderYamlToDirectory: renderDirectory } : {}),
  });
}
