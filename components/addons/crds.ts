/**
 * The charts' CRDs without their schemas' descriptions. Pulumi keeps every object it manages twice in state
 * (inputs and outputs) and rewrites the state at every step; the CRDs the charts install were three quarters
 * of prod's state, nearly all of it documentation strings that no diff needs. The engine still sees every
 * schema change (a chart upgrade re-applies the CRD with server-side apply); what is lost is `kubectl explain`'s
 * prose for those kinds (the upstream API references have it). Applied by chartRelease to every chart.
 */
import type * as pulumi from "@pulumi/pulumi";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keywords whose value is one schema, a list of schemas, or a map of field name -> schema (OpenAPI v3 as CRDs use it). */
const ONE = ["items", "additionalProperties", "not"];
const MANY = ["allOf", "anyOf", "oneOf"];
const BY_NAME = ["properties", "patternProperties", "definitions"];

/** A structural schema without `description`s; a field that is itself named "description" stays. Pure. */
export function schemaWithoutDescriptions(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(schemaWithoutDescriptions);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "description" && typeof value === "string") continue;
    if (ONE.includes(key) || MANY.includes(key)) out[key] = schemaWithoutDescriptions(value);
    else if (BY_NAME.includes(key) && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([field, s]) => [field, schemaWithoutDescriptions(s)]));
    else out[key] = value;
  }
  return out;
}

/** A CustomResourceDefinition's spec with every version's schema stripped of descriptions. Pure. */
export function leanCrdSpec(spec: Json): Json {
  if (!isObject(spec) || !Array.isArray(spec.versions)) return spec;
  return {
    ...spec,
    versions: spec.versions.map((v) =>
      isObject(v) && isObject(v.schema) && v.schema.openAPIV3Schema !== undefined ? { ...v, schema: { ...v.schema, openAPIV3Schema: schemaWithoutDescriptions(v.schema.openAPIV3Schema) } } : v,
    ),
  };
}

/**
 * The transform: a chart's CRDs go into the cluster (and the state) without schema descriptions, and stay when
 * the chart goes. Deleting a CRD deletes every object of its kind in the cluster, ours and everyone else's
 * (Gateways, Certificates, ServiceMonitors); Helm never deletes a chart's CRDs either.
 */
export const leanCrds: pulumi.ResourceTransform = (args) =>
  args.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition" && isObject(args.props.spec)
    ? { props: { ...args.props, spec: leanCrdSpec(args.props.spec) }, opts: { ...args.opts, retainOnDelete: true } }
    : undefined;
