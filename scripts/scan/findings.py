#!/usr/bin/env python3
"""The data side of scripts/scan.sh: splitting renders, normalising tool output, waivers and the verdict.

    findings.py split  RENDER_DIR WORK_DIR         one file per object (for kubeconform) + WORK_DIR/index.json
    findings.py report WAIVERS WORK_DIR_OF_STACK...  findings, waivers, summary table; exit 1 if any finding is
                                                     unwaived, a waiver is stale, or the waiver file is invalid

A stack's WORK_DIR (named after the stack) holds index.json, kube-score.json, checkov.json and kubeconform.json.
Every finding becomes one line `tool check object`, where object is `Kind/namespace/name`, or `Kind/name` for a
cluster-scoped object, followed by the tool's detail. `report` writes them all, with their verdict, to
findings.tsv in the parent of the work dirs.

Waivers (scripts/scan/waivers.yaml), a list under `waivers:`, each with
    tool:   kube-score | kubeconform | checkov
    check:  the tool's check id, exactly (kube-score: container-image-tag, checkov: CKV_K8S_43, kubeconform: schema,
            missing-schema or error)
    object: Kind/namespace/name or Kind/name; shell-style globs allowed (fnmatch: * also matches /)
    stacks: optional list of stacks it applies to (default: every stack)
    reason: why this is not a problem, or why it is accepted: required, non-empty
A waiver that matches no finding in this run is stale and fails the gate: delete it when its cause is gone.
"""
import fnmatch
import json
import os
import re
import sys

import yaml

TOOLS = ("kube-score", "kubeconform", "checkov")
KUBE_SCORE_GRADES = {1: "CRITICAL", 5: "WARNING", 7: "ALMOST_OK"}
WAIVER_KEYS = {"tool", "check", "object", "stacks", "reason"}


# ---------------------------------------------------------------------------------------------------------------------
# split: the rendered stack as one file per object, and the index that maps files and names to object ids


def object_id(kind, namespace, name):
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def split(render_dir, work_dir):
    objects_dir = os.path.join(work_dir, "objects")
    os.makedirs(objects_dir, exist_ok=True)
    index = []
    for source in ("00-namespaces.yaml", "10-objects.yaml"):
        with open(os.path.join(render_dir, source), encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for doc in docs:
            meta = doc.get("metadata") or {}
            entry = {
                "file": f"{len(index):04d}.yaml",
                "source": source,
                "apiVersion": doc.get("apiVersion", ""),
                "kind": doc.get("kind", ""),
                "namespace": meta.get("namespace") or "",
                "name": meta.get("name") or meta.get("generateName") or "",
            }
            entry["id"] = object_id(entry["kind"], entry["namespace"], entry["name"])
            with open(os.path.join(objects_dir, entry["file"]), "w", encoding="utf-8") as out:
                yaml.safe_dump(doc, out, sort_keys=False)
            index.append(entry)
    with open(os.path.join(work_dir, "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=1)
    print(f"findings.py: {len(index)} objects from {render_dir}")


# ---------------------------------------------------------------------------------------------------------------------
# normalise: each tool's JSON output to (tool, check, object, detail)


class Index:
    def __init__(self, work_dir):
        with open(os.path.join(work_dir, "index.json"), encoding="utf-8") as f:
            self.entries = json.load(f)
        self.by_file = {e["file"]: e for e in self.entries}
        self.ids = {e["id"] for e in self.entries}

    def resolve(self, kind, namespace, name):
        """The id of the rendered object; a cluster-scoped object has no namespace whatever the tool assumed."""
        if object_id(kind, namespace, name) in self.ids:
            return object_id(kind, namespace, name)
        if object_id(kind, "", name) in self.ids:
            return object_id(kind, "", name)
        if namespace and object_id(kind, "", f"{namespace}.{name}") in self.ids:  # checkov: a dotted cluster-scoped name
            return object_id(kind, "", f"{namespace}.{name}")
        raise SystemExit(f"findings.py: a tool reported {kind} {namespace}/{name}, which is not a rendered object")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def kube_score_findings(work_dir, index):
    for obj in load_json(os.path.join(work_dir, "kube-score.json")) or []:
        meta, kind = obj["object_meta"], obj["type_meta"]["kind"]
        oid = index.resolve(kind, meta.get("namespace") or "", meta["name"])
        for check in obj["checks"]:
            if check["skipped"] or check["grade"] >= 10:
                continue
            comments = "; ".join(
                f"{c['path'] + ': ' if c.get('path') else ''}{c['summary']}" for c in check.get("comments") or []
            )
            grade = KUBE_SCORE_GRADES.get(check["grade"], str(check["grade"]))
            yield "kube-score", check["check"]["id"], oid, f"[{grade}] {check['check']['name']}: {comments}"


def checkov_findings(work_dir, index):
    data = load_json(os.path.join(work_dir, "checkov.json"))
    reports = data if isinstance(data, list) else [data]
    for report in reports:
        if report.get("check_type") not in (None, "kubernetes"):
            continue
        for failed in (report.get("results") or {}).get("failed_checks") or []:
            # "Kind.namespace.name" ("Kind.name" without a namespace); a namespace is a DNS label (no dot), a name
            # may contain dots, so a cluster-scoped "Kind.a.b" is resolved by the index (namespace "a" not found).
            kind, _, rest = failed["resource"].partition(".")
            namespace, _, name = rest.partition(".") if "." in rest else ("", "", rest)
            yield "checkov", failed["check_id"], index.resolve(kind, namespace, name), failed["check_name"]


AT_RE = re.compile(r"- at '([^']*)': (.*?)(?=\s+- at '|$)")


def kubeconform_findings(work_dir, index):
    data = load_json(os.path.join(work_dir, "kubeconform.json"))
    seen = sum((data.get("summary") or {}).values())
    if seen != len(index.entries):  # every object must have been looked at (run with -summary)
        raise SystemExit(f"findings.py: kubeconform saw {seen} resources in {work_dir}, expected {len(index.entries)}")
    for res in data.get("resources") or []:
        status = res["status"]
        if status in ("statusValid", "statusSkipped", "statusEmpty"):
            continue
        entry = index.by_file[os.path.basename(res["filename"])]
        if status == "statusInvalid":
            # One finding per leaf error of the message ("- at '/spec/x': additional properties 'y' not allowed").
            leaves = [(p, m) for p, m in AT_RE.findall(res.get("msg", "")) if m != "validation failed"]
            for path, msg in leaves or [("", res.get("msg", ""))]:
                yield "kubeconform", "schema", entry["id"], f"{path or '/'}: {msg}"
        elif res.get("msg", "").startswith("could not find schema"):
            yield "kubeconform", "missing-schema", entry["id"], f"{res['msg']} ({entry['apiVersion']})"
        else:
            yield "kubeconform", "error", entry["id"], res.get("msg", "")


# ---------------------------------------------------------------------------------------------------------------------
# waivers


def load_waivers(path):
    """The waivers, and the errors in the file (each error fails the gate)."""
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    errors, waivers = [], []
    if not isinstance(data, dict) or set(data) - {"waivers"}:
        return [], [f"{path}: expected a mapping with the single key 'waivers'"]
    for i, w in enumerate(data.get("waivers") or [], start=1):
        before = len(errors)
        where = f"{path}: waiver {i}"
        if not isinstance(w, dict):
            errors.append(f"{where}: not a mapping")
            continue
        where += f" ({w.get('tool')} {w.get('check')} {w.get('object')})"
        if set(w) - WAIVER_KEYS:
            errors.append(f"{where}: unknown keys {sorted(set(w) - WAIVER_KEYS)}")
        if w.get("tool") not in TOOLS:
            errors.append(f"{where}: tool must be one of {', '.join(TOOLS)}")
        for key in ("check", "object"):
            if not isinstance(w.get(key), str) or not w[key].strip():
                errors.append(f"{where}: '{key}' is required")
        if not isinstance(w.get("reason"), str) or not w["reason"].strip():
            errors.append(f"{where}: a waiver needs a reason")
        stacks = w.get("stacks")
        if stacks is not None and (not isinstance(stacks, list) or not all(isinstance(s, str) for s in stacks)):
            errors.append(f"{where}: 'stacks' must be a list of stack names")
        if len(errors) == before:  # an invalid waiver waives nothing (and is not reported as stale)
            waivers.append({**w, "number": i, "hits": 0})
    return waivers, errors


def waiver_for(waivers, stack, tool, check, oid):
    for w in waivers:
        if (
            w.get("tool") == tool
            and w.get("check") == check
            and isinstance(w.get("object"), str)
            and fnmatch.fnmatchcase(oid, w["object"])
            and (w.get("stacks") is None or stack in w["stacks"])
        ):
            return w
    return None


# ---------------------------------------------------------------------------------------------------------------------
# report


def report(waivers_path, work_dirs):
    waivers, errors = load_waivers(waivers_path)
    rows, counts = [], {}
    for work_dir in work_dirs:
        stack = os.path.basename(os.path.normpath(work_dir))
        index = Index(work_dir)
        for tool in TOOLS:
            counts[(tool, stack)] = [0, 0, 0]
        found = set()
        for source in (kube_score_findings, kubeconform_findings, checkov_findings):
            found.update(source(work_dir, index))
        for tool, check, oid, detail in sorted(found):
            w = waiver_for(waivers, stack, tool, check, oid)
            if w:
                w["hits"] += 1
            counts[(tool, stack)][0] += 1
            counts[(tool, stack)][1 if w else 2] += 1
            rows.append((stack, "waived" if w else "FAIL", tool, check, oid, detail))

    out = os.path.join(os.path.dirname(os.path.normpath(work_dirs[0])), "findings.tsv")
    with open(out, "w", encoding="utf-8") as f:
        f.write("stack\tverdict\ttool\tcheck\tobject\tdetail\n")
        for row in rows:
            f.write("\t".join(row) + "\n")

    failing = [r for r in rows if r[1] == "FAIL"]
    if failing:
        print(f"\nunwaived findings ({len(failing)}): tool check object  (stack) detail")
        for stack, _, tool, check, oid, detail in failing:
            print(f"  {tool} {check} {oid}  ({stack}) {detail}")
    stale = [w for w in waivers if w["hits"] == 0]
    if stale:
        print(f"\nstale waivers ({len(stale)}): they match no finding; delete them")
        for w in stale:
            print(f"  waiver {w['number']}: {w['tool']} {w['check']} {w['object']}")
    if errors:
        print(f"\nwaiver file errors ({len(errors)}):")
        for e in errors:
            print(f"  {e}")

    print(f"\n{'tool':<12} {'stack':<6} {'findings':>8} {'waived':>7} {'failing':>8}")
    for (tool, stack), (n, waived, fail) in counts.items():
        print(f"{tool:<12} {stack:<6} {n:>8} {waived:>7} {fail:>8}")
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    print(f"{'total':<12} {'':<6} {total[0]:>8} {total[1]:>7} {total[2]:>8}")
    print(f"all findings with their verdict: {out}")
    ok = not failing and not stale and not errors
    print(
        "scan: PASSED"
        if ok
        else f"scan: FAILED ({len(failing)} unwaived findings, {len(stale)} stale waivers, {len(errors)} waiver errors)"
    )
    return 0 if ok else 1


def main(argv):
    if len(argv) == 3 and argv[0] == "split":
        split(argv[1], argv[2])
        return 0
    if len(argv) >= 3 and argv[0] == "report":
        return report(argv[1], argv[2:])
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
