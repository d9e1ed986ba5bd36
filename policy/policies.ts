/**
 * The llm-platform policy pack: the policies and the pack's settings, without side effects (index.ts starts
 * the pack's server with them; tests call the validations directly).
 */
import type { PolicyPackArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { noClusterScopeBindings } from "./rules/clusterBindings";
import { containerResources } from "./rules/containerResources";
import { namespaceDefaultDeny } from "./rules/defaultDeny";
import { noLiteralSecrets } from "./rules/literalSecrets";
import { pinnedImages } from "./rules/pinnedImages";
import { podSecurityRestricted } from "./rules/podSecurity";

export const PACK_NAME = "llm-platform";

export const policies: ReadonlyArray<ResourceValidationPolicy | StackValidationPolicy> = [
  podSecurityRestricted,
  containerResources,
  namespaceDefaultDeny,
  noLiteralSecrets,
  pinnedImages,
  noClusterScopeBindings,
];

export const packArgs: PolicyPackArgs = {
  description: "Kubernetes guardrails for the llm-platform program: Pod Security, resources, default-deny, secrets, pinned images, RBAC scope.",
  // Every policy blocks the preview unless the pack config lowers it (policy/README.md).
  enforcementLevel: "mandatory",
  policies: [...policies],
};
