/**
 * Runs the policy pack's validations the way the CrossGuard analyzer would, without the engine: rendered or
 * crafted resources become @pulumi/policy's PolicyResource / ResourceValidationArgs, reportViolation is a
 * collector, getConfig returns the pack config given, notApplicable is recorded.
 */
import type {
  PolicyPackConfig,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Resource } from "@pulumi/pulumi";
import type { ResolvedResource } from "@pulumi/pulumi/queryable";
import { policies as PACK } from "../../policy/policies";
import type { Rendered } from "../helpers/harness";

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

export interface Violation {
  readonly policy: string;
  readonly message: string;
  readonly urn?: string;
}

export interface RunResult {
  readonly violations: Violation[];
  /** Policies that declared themselves not applicable (with the reason), per resource or per stack. */
  readonly notApplicable: Array<{ policy: string; reason?: string }>;
  /** Errors other than not-applicable, e.g. @pulumi/policy's UnknownValueError during preview. */
  readonly errors: Array<{ policy: string; error: Error }>;
}

/** A resource as a test states it: the harness's Recorded shape, or a crafted one. */
export interface ResourceInput {
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly urn?: string;
  readonly parent?: string;
}

const PROJECT = "llm-platform";

class NotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(`not applicable: ${reason ?? ""}`);
  }
}

function options(parent?: string): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(parent ? { parent } : {}),
  };
}

/** Does `type` name `resourceClass`? As the analyzer does it: by the class's Pulumi type token. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  return (resourceClass as { __pulumiType?: string }).__pulumiType === type;
}

export function urnOf(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

/** PolicyResources, as validateStack receives them, from resources (URNs synthesized where not given). */
export function toPolicyResources(resources: readonly ResourceInput[], stack = "test"): PolicyResource[] {
  const out: PolicyResource[] = resources.map((r) => {
    const props = r.inputs as Record<string, unknown>;
    return {
      type: r.type,
      name: r.name,
      urn: r.urn ?? urnOf(stack, r.type, r.name),
      props,
      opts: options(r.parent),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: <T extends Resource>(cls: new (...rest: never[]) => T) => (isTypeOf(r.type, cls) ? (props as unknown as ResolvedResource<T>) : undefined),
    };
  });
  const byUrn = new Map(out.map((r) => [r.urn, r]));
  for (const [i, r] of resources.entries()) {
    if (r.parent) out[i].parent = byUrn.get(r.parent);
  }
  return out;
}

/** The harness's render as policy resources, with the URNs and parents the engine would see. */
export function renderedPolicyResources(rendered: Rendered, stack: string): PolicyResource[] {
  const registered = new Map(rendered.registered.map((g) => [`${g.type}::${g.name}`, g]));
  return toPolicyResources(
    rendered.resources.map((r) => {
      const g = registered.get(`${r.type}::${r.name}`);
      return { type: r.type, name: r.name, inputs: r.inputs, urn: g?.urn, parent: g?.parent };
    }),
    stack,
  );
}

function configFor(config: PolicyPackConfig, policy: string): object {
  const c = config[policy];
  if (c === undefined || typeof c === "string") return {};
  // Like the analyzer: the policy's properties without enforcementLevel.
  return Object.fromEntries(Object.entries(c).filter(([k]) => k !== "enforcementLevel"));
}

function isStackPolicy(p: AnyPolicy): p is StackValidationPolicy {
  return "validateStack" in p;
}

/**
 * Runs `policies` (default: the whole pack) over `resources`: each resource policy once per resource (as at
 * preview, on its inputs), each stack policy once over all of them.
 */
export async function runPolicies(
  resources: readonly PolicyResource[],
  config: PolicyPackConfig = {},
  policies: readonly AnyPolicy[] = PACK,
): Promise<RunResult> {
  const result: RunResult = { violations: [], notApplicable: [], errors: [] };
  const stackTags: ReadonlyMap<string, string> = new Map();
  for (const p of policies) {
    const getConfig = <T extends object>(): T => configFor(config, p.name) as T;
    const notApplicable = (reason?: string): never => {
      throw new NotApplicable(reason);
    };
    const settle = async (run: () => Promise<void> | void): Promise<void> => {
      try {
        await run();
      } catch (e) {
        if (e instanceof NotApplicable) result.notApplicable.push({ policy: p.name, reason: e.reason });
        else result.errors.push({ policy: p.name, error: e as Error });
      }
    };
    if (isStackPolicy(p)) {
      const args: StackValidationArgs = { resources: [...resources], stackTags, getConfig, notApplicable };
      await settle(() => p.validateStack(args, (message, urn) => result.violations.push({ policy: p.name, message, urn })));
      continue;
    }
    const validations = p.validateResource === undefined ? [] : Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
    for (const r of resources) {
      const args: ResourceValidationArgs = {
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts: r.opts,
        stackTags,
        isType: r.isType,
        asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? r.props : undefined)) as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable,
      };
      for (const validate of validations) {
        // The urn argument is ignored for resource policies: the violation is the resource's.
        await settle(() => validate(args, (message) => result.violations.push({ policy: p.name, message, urn: r.urn })));
      }
    }
  }
  return result;
}

/** The violations of one policy, by name. */
export function of(result: RunResult, policy: string): Violation[] {
  return result.violations.filter((v) => v.policy === policy);
}
