/**
 * CrossGuard policy pack for the llm-platform program: `pulumi preview --policy-pack policy` (policy/README.md).
 * Constructing the PolicyPack starts the analyzer the Pulumi CLI talks to, so only the CLI loads this file;
 * tests import ./policies.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./policies";

new PolicyPack(PACK_NAME, packArgs);
