"""Structural checks of a UI-format workflow against node specs (test-only, host-free).

`workflow_problems(workflow, specs)` returns human-readable problems; an empty
list means the frontend can load the file and the server would accept the
prompt it makes (as far as types, links and widget values go).
"""
from __future__ import annotations

import math
from collections import Counter

from workflow_spec import (
    CONTROL,
    CONTROL_FILTER,
    CONTROL_VALUES,
    NOTE_TYPES,
    sockets,
    widget_order,
    widgets_by_name,
)

UI_VERSION = 0.4

# Display-only widgets the frontend adds to some core nodes and saves after the declared
# ones (the server never reads them): Preview as Text saves [] or [preview, mode, ...].
DISPLAY_WIDGETS = {"PreviewAny": 3}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def widget_value_problem(entry: dict, value) -> str | None:
    kind = entry["type"]
    if kind == "INT" and not _is_int(value):
        return f"expected an integer, got {value!r}"
    if kind == "FLOAT" and not _is_number(value):
        return f"expected a number, got {value!r}"
    if kind == "BOOLEAN" and not isinstance(value, bool):
        return f"expected true/false, got {value!r}"
    if kind == "STRING" and not isinstance(value, str):
        return f"expected a string, got {value!r}"
    if kind == "COMBO":
        if entry.get("file_list"):
            if not (isinstance(value, str) and value):
                return f"expected a file name, got {value!r}"
        elif value not in entry["options"]:
            return f"{value!r} is not one of {entry['options']}"
    if kind in ("INT", "FLOAT"):
        if "min" in entry and value < entry["min"]:
            return f"{value!r} is below the minimum {entry['min']}"
        if "max" in entry and value > entry["max"]:
            return f"{value!r} is above the maximum {entry['max']}"
    return None


def _check_widgets(node: dict, spec: dict, where: str) -> list[str]:
    order = widget_order(spec)
    values = node.get("widgets_values", [])
    display = DISPLAY_WIDGETS.get(node.get("type"), 0)
    if isinstance(values, list) and display and len(values) == len(order) + display:
        values = values[:len(order)]
    if not isinstance(values, list) or len(values) != len(order):
        return [f"{where}: widgets_values has {len(values) if isinstance(values, list) else values!r} "
                f"values, the spec needs {len(order)} ({order})"]
    problems, entries = [], widgets_by_name(spec)
    for position, (name, value) in enumerate(zip(order, values)):
        if name == CONTROL:
            allowed = CONTROL_VALUES + (("increment-wrap",) if entries[order[position - 1]]["type"] == "COMBO" else ())
            if value not in allowed:
                problems.append(f"{where}: value {position} ({order[position - 1]}'s control) is {value!r}, not one of {allowed}")
        elif name == CONTROL_FILTER:
            if not isinstance(value, str):
                problems.append(f"{where}: value {position} (combo filter) must be a string")
        else:
            message = widget_value_problem(entries[name], value)
            if message:
                problems.append(f"{where}: widget {name!r} (value {position}): {message}")
    return problems


def _check_input_slots(node: dict, spec: dict, where: str) -> list[str]:
    """inputs[] = the sockets in spec order, then widgets turned into linked inputs."""
    problems, expected = [], sockets(spec)
    inputs = node.get("inputs", [])
    for slot, entry in enumerate(expected):
        if slot >= len(inputs):
            problems.append(f"{where}: socket {entry['name']!r} missing from inputs (slot {slot})")
            continue
        got = inputs[slot]
        if got.get("name") != entry["name"] or got.get("type") != entry["type"] or "widget" in got:
            problems.append(f"{where}: input slot {slot} is {got.get('name')!r}:{got.get('type')!r}, "
                            f"the spec has {entry['name']!r}:{entry['type']!r}")
        if entry["section"] == "required" and got.get("link") is None:
            problems.append(f"{where}: required input {entry['name']!r} is not connected")
    widgets = widgets_by_name(spec)
    for got in inputs[len(expected):]:
        name = (got.get("widget") or {}).get("name")
        if name not in widgets or got.get("name") != name or got.get("type") != widgets[name]["type"]:
            problems.append(f"{where}: unexpected input {got.get('name')!r}:{got.get('type')!r}")
    return problems


def _check_outputs(node: dict, spec: dict, where: str) -> list[str]:
    outputs, expected = node.get("outputs", []), spec["outputs"]
    if [(o.get("name"), o.get("type")) for o in outputs] != [(o["name"], o["type"]) for o in expected]:
        return [f"{where}: outputs {[(o.get('name'), o.get('type')) for o in outputs]} differ from the spec "
                f"{[(o['name'], o['type']) for o in expected]}"]
    return []


def _check_links(workflow: dict, by_id: dict) -> list[str]:
    problems = []
    links = workflow.get("links", [])
    ids = [link[0] for link in links]
    problems += [f"link id {i} is used {n} times" for i, n in Counter(ids).items() if n > 1]
    for link in links:
        if len(link) != 6:
            problems.append(f"link {link!r}: expected [id, src, src_slot, dst, dst_slot, type]")
            continue
        link_id, src, src_slot, dst, dst_slot, kind = link
        where = f"link {link_id}"
        if src not in by_id or dst not in by_id:
            problems.append(f"{where}: node {src if src not in by_id else dst} does not exist")
            continue
        outputs, inputs = by_id[src].get("outputs", []), by_id[dst].get("inputs", [])
        if not 0 <= src_slot < len(outputs) or not 0 <= dst_slot < len(inputs):
            problems.append(f"{where}: slot out of range ({src}:{src_slot} -> {dst}:{dst_slot})")
            continue
        out, inp = outputs[src_slot], inputs[dst_slot]
        if not (out.get("type") == kind and inp.get("type") in (kind, "*")):  # "*" accepts any type
            problems.append(f"{where}: types differ: output {out.get('type')!r}, input {inp.get('type')!r}, link {kind!r}")
        if link_id not in (out.get("links") or []):
            problems.append(f"{where}: not listed in node {src} output {src_slot} links")
        if inp.get("link") != link_id:
            problems.append(f"{where}: node {dst} input {dst_slot} points at link {inp.get('link')!r}")
    known = set(ids)
    for node in workflow.get("nodes", []):
        for slot, inp in enumerate(node.get("inputs", [])):
            if inp.get("link") is not None and inp["link"] not in known:
                problems.append(f"node {node['id']} input {slot} points at missing link {inp['link']}")
        for slot, out in enumerate(node.get("outputs", [])):
            for link_id in out.get("links") or []:
                if link_id not in known:
                    problems.append(f"node {node['id']} output {slot} lists missing link {link_id}")
    return problems


def _check_acyclic(workflow: dict) -> list[str]:
    edges = {}
    for link in workflow.get("links", []):
        if len(link) == 6:
            edges.setdefault(link[1], set()).add(link[3])
    state = {}

    def visit(node) -> bool:
        state[node] = "open"
        for nxt in edges.get(node, ()):
            if state.get(nxt) == "open" or (nxt not in state and not visit(nxt)):
                return False
        state[node] = "done"
        return True

    return [] if all(visit(n) for n in list(edges) if n not in state) else ["the graph has a cycle"]


def _check_top_level(workflow: dict) -> list[str]:
    problems = []
    if workflow.get("version") != UI_VERSION:
        problems.append(f"version is {workflow.get('version')!r}, expected {UI_VERSION}")
    for key in ("nodes", "links"):
        if not isinstance(workflow.get(key), list):
            problems.append(f"missing list {key!r}")
    nodes = workflow.get("nodes") or []
    links = workflow.get("links") or []
    if nodes and workflow.get("last_node_id", -1) < max(n["id"] for n in nodes):
        problems.append("last_node_id is below the largest node id")
    if links and workflow.get("last_link_id", -1) < max(link[0] for link in links):
        problems.append("last_link_id is below the largest link id")
    return problems


def workflow_problems(workflow: dict, specs: dict) -> list[str]:
    problems = _check_top_level(workflow)
    nodes = workflow.get("nodes") or []
    problems += [f"node id {i} is used {n} times" for i, n in Counter(n["id"] for n in nodes).items() if n > 1]
    by_id = {n["id"]: n for n in nodes}
    has_output = False
    for node in nodes:
        where = f"node {node['id']} ({node.get('type')})"
        kind = node.get("type")
        if kind in NOTE_TYPES:
            values = node.get("widgets_values")
            if node.get("inputs") or node.get("outputs") or not (
                isinstance(values, list) and len(values) == 1 and isinstance(values[0], str)
            ):
                problems.append(f"{where}: a note has no sockets and one text value")
            continue
        if kind not in specs:
            problems.append(f"{where}: unknown node type")
            continue
        spec = specs[kind]
        has_output = has_output or spec["output_node"]
        problems += _check_input_slots(node, spec, where)
        problems += _check_outputs(node, spec, where)
        problems += _check_widgets(node, spec, where)
    if not has_output:
        problems.append("no output node (Save/Preview): the server would refuse the prompt")
    return problems + _check_links(workflow, by_id) + _check_acyclic(workflow)


if __name__ == "__main__":  # python tests/workflow_check.py WORKFLOW.json... -> problems, exit 1 if any
    import json
    import sys

    from workflow_spec import load_specs

    found = 0
    for path in sys.argv[1:]:
        for problem in workflow_problems(json.loads(open(path, encoding="utf-8").read()), load_specs()):
            print(f"{path}: {problem}")
            found += 1
    sys.exit(1 if found else 0)
