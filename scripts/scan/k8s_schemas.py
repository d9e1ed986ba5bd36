#!/usr/bin/env python3
"""Writes the JSON schemas kubeconform validates against, from registry artifacts only (no GitHub download).

    k8s_schemas.py builtin SWAGGER_JSON OUT_DIR     built-in kinds, from the OpenAPI v2 spec of Kubernetes
    k8s_schemas.py crds    CRD_FILE_OR_DIR... OUT_DIR   custom kinds, from CustomResourceDefinition YAML

Built-in kinds: SWAGGER_JSON is api/openapi-spec/swagger.json of the Go module k8s.io/kubernetes (the exact release
the project targets). One file per definition that carries a single x-kubernetes-group-version-kind, named as
kubeconform's default template expects, `{kind}{-group's first label}-{version}.json` in lower case
(deployment-apps-v1.json, service-v1.json), so `-schema-location 'DIR/{{ .ResourceKind }}{{ .KindSuffix }}.json'`
finds it.

Custom kinds: one file per served version of each CRD, `{full group}/{kind}_{version}.json` in lower case
(gateway.networking.k8s.io/httproute_v1.json), for `-schema-location 'DIR/{{ .Group }}/{{ .ResourceKind }}_{{
.ResourceAPIVersion }}.json'`. The full group avoids the clash of the first-label naming between
gateway.networking.k8s.io and gateway.envoyproxy.io.

The conversion is the one of kubeconform's own scripts/openapi2jsonschema.py (instrumenta's openapi2jsonschema):
  * strict: every schema node with `properties` and no `additionalProperties` gets `additionalProperties: false`
    (as kubectl's client-side validation did), except nodes marked x-kubernetes-preserve-unknown-fields;
  * `format: int-or-string` (IntOrString) and `x-kubernetes-int-or-string` become oneOf string/integer;
  * resource.Quantity (a string in swagger.json) becomes oneOf string/number, as in the published
    kubernetes-json-schema "standalone-strict" sets (a manifest may write `cpu: 1`).
Unlike openapi2jsonschema's "standalone" mode, $refs are not inlined: each file carries the transitive closure of the
definitions it uses under `definitions` (refs stay `#/definitions/...`), which keeps recursive types finite and the
files standalone. Descriptions are dropped (they do not validate anything). A CRD's `metadata` (only `type: object`
in CRDs) is replaced by the built-in ObjectMeta schema when the built-in directory is given, so names and labels of
custom objects are checked as strictly as those of built-in ones.
"""
import copy
import glob
import json
import os
import sys

import yaml

SCHEMA_LIST_KEYS = ("allOf", "anyOf", "oneOf")
SCHEMA_KEYS = ("items", "not", "additionalItems")
SCHEMA_MAP_KEYS = ("properties", "patternProperties", "definitions")
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
INT_OR_STRING = {"oneOf": [{"type": "string"}, {"type": "integer"}]}


def convert(node):
    """A converted deep copy of one schema node (see the module docstring)."""
    if not isinstance(node, dict):
        return node
    if node.get("format") == "int-or-string" or (node.get("x-kubernetes-int-or-string") and not any(k in node for k in SCHEMA_LIST_KEYS)):
        return copy.deepcopy(INT_OR_STRING)
    out = {}
    for key, value in node.items():
        if key == "description":
            continue
        if key in SCHEMA_MAP_KEYS and isinstance(value, dict):
            out[key] = {name: convert(sub) for name, sub in value.items()}
        elif key in SCHEMA_LIST_KEYS and isinstance(value, list):
            out[key] = [convert(sub) for sub in value]
        elif key in SCHEMA_KEYS or key == "additionalProperties":
            out[key] = [convert(sub) for sub in value] if isinstance(value, list) else convert(value)
        else:
            out[key] = copy.deepcopy(value)
    if "properties" in out and "additionalProperties" not in out and not out.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


def refs(node, found):
    """Adds to `found` the definition names referenced (#/definitions/NAME) anywhere under node."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            found.add(ref[len("#/definitions/"):])
        for value in node.values():
            refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def closure(root, definitions):
    """The definitions `root` needs, transitively: {name: converted schema}."""
    needed, todo = {}, set()
    refs(root, todo)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        if name not in definitions:
            raise SystemExit(f"k8s_schemas.py: dangling $ref #/definitions/{name}")
        needed[name] = definitions[name]
        found = set()
        refs(needed[name], found)
        todo |= found - needed.keys()
    return needed


def converted_definitions(swagger_path):
    with open(swagger_path, encoding="utf-8") as f:
        raw = json.load(f)["definitions"]
    definitions = {name: convert(schema) for name, schema in raw.items()}
    definitions[QUANTITY] = {"oneOf": [{"type": "string"}, {"type": "number"}]}
    return raw, definitions


def write_json(path, schema):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(schema, f, separators=(",", ":"), sort_keys=True)
    os.replace(tmp, path)


def builtin(swagger_path, out_dir):
    raw, definitions = converted_definitions(swagger_path)
    written = 0
    for name, schema in raw.items():
        gvks = schema.get("x-kubernetes-group-version-kind") or []
        if len(gvks) != 1:  # DeleteOptions, WatchEvent, ...: one Go type shared by many groups, not an object kind
            continue
        gvk = gvks[0]
        suffix = (gvk["group"].split(".")[0] + "-" if gvk["group"] else "") + gvk["version"]
        root = dict(definitions[name])
        root["$schema"] = "http://json-schema.org/draft-04/schema#"
        root["definitions"] = closure(root, definitions)
        write_json(os.path.join(out_dir, f"{gvk['kind']}-{suffix}.json".lower()), root)
        written += 1
    # Kept for the CRD step: ObjectMeta and its closure.
    meta = {"$ref": f"#/definitions/{OBJECT_META}"}
    write_json(os.path.join(out_dir, "_objectmeta.json"), {"definitions": closure(meta, definitions)})
    print(f"k8s_schemas.py: {written} built-in kinds from {swagger_path} into {out_dir}")


def crd_documents(paths):
    for path in paths:
        files = sorted(glob.glob(os.path.join(path, "**", "*.yaml"), recursive=True)) if os.path.isdir(path) else [path]
        for file in files:
            with open(file, encoding="utf-8") as f:
                for doc in yaml.safe_load_all(f):
                    if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                        yield file, doc


def crds(paths, out_dir, builtin_dir=None):
    meta_defs = None
    if builtin_dir and os.path.exists(os.path.join(builtin_dir, "_objectmeta.json")):
        with open(os.path.join(builtin_dir, "_objectmeta.json"), encoding="utf-8") as f:
            meta_defs = json.load(f)["definitions"]
    written = 0
    for file, doc in crd_documents(paths):
        spec = doc["spec"]
        for version in spec.get("versions") or []:
            source = (version.get("schema") or {}).get("openAPIV3Schema")
            if not source or not version.get("served", True):
                continue
            root = convert(source)
            if meta_defs and "metadata" in root.get("properties", {}):
                root["properties"]["metadata"] = {"$ref": f"#/definitions/{OBJECT_META}"}
                root["definitions"] = meta_defs
            root["$schema"] = "http://json-schema.org/draft-04/schema#"
            target = os.path.join(out_dir, spec["group"].lower(), f"{spec['names']['kind']}_{version['name']}.json".lower())
            write_json(target, root)
            written += 1
    if not written:
        raise SystemExit(f"k8s_schemas.py: no CustomResourceDefinition found in {' '.join(paths)}")
    print(f"k8s_schemas.py: {written} custom kind versions into {out_dir}")


def main(argv):
    if len(argv) >= 3 and argv[0] == "builtin":
        builtin(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "crds":
        out_dir = argv[-1]
        crds(argv[1:-1], out_dir, os.environ.get("K8S_SCHEMAS_BUILTIN_DIR"))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
