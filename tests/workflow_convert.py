"""UI-format workflow -> API-format prompt, for tests (ComfyUI has no Python converter).

Mirrors what the frontend's graphToPrompt sends for the plain graphs this pack
ships: positional widgets_values are mapped to input names (control values are
dropped), linked sockets become [source id, output slot], notes and muted nodes
(mode 2) are left out. Reroutes, frontend primitives, bypassed nodes and
subgraphs are not needed by the shipped workflows and are refused rather than
guessed at.
"""
from __future__ import annotations

from workflow_spec import CONTROL, CONTROL_FILTER, NOTE_TYPES, widget_order

MUTED, BYPASSED = 2, 4
_UNSUPPORTED = ("Reroute", "PrimitiveNode")


class UnsupportedWorkflow(ValueError):
    pass


def ui_to_api(workflow: dict, specs: dict) -> dict:
    links = {link[0]: link for link in workflow.get("links", [])}
    nodes = {n["id"]: n for n in workflow["nodes"]}
    prompt = {}
    for node in workflow["nodes"]:
        kind, mode = node["type"], node.get("mode", 0)
        if kind in NOTE_TYPES or mode == MUTED:
            continue
        if kind in _UNSUPPORTED or mode == BYPASSED or kind not in specs:
            raise UnsupportedWorkflow(f"node {node['id']} ({kind}, mode {mode}) is not supported by this converter")
        inputs = {
            name: value
            for name, value in zip(widget_order(specs[kind]), node.get("widgets_values", []))
            if name not in (CONTROL, CONTROL_FILTER)
        }
        for slot in node.get("inputs", []):
            if slot.get("link") is None:
                continue
            _, src, src_slot, _, _, _ = links[slot["link"]]
            if nodes[src].get("mode", 0) == MUTED:
                raise UnsupportedWorkflow(f"node {node['id']} reads from muted node {src}")
            inputs[slot["name"]] = [str(src), src_slot]
        prompt[str(node["id"])] = {
            "class_type": kind,
            "inputs": inputs,
            "_meta": {"title": node.get("title") or specs[kind]["display_name"]},
        }
    return prompt


if __name__ == "__main__":  # python tests/workflow_convert.py WORKFLOW.json -> API prompt on stdout
    import json
    import sys

    from workflow_spec import load_specs

    print(json.dumps(ui_to_api(json.loads(open(sys.argv[1], encoding="utf-8").read()), load_specs()), indent=1))
