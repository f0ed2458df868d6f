"""Node input specs as the ComfyUI frontend sees them (test-only, host-free).

`normalise_node_info` turns one entry of a live `/object_info` into the compact
form stored in tests/node_specs.json; `widget_order` derives the positional
layout of a UI workflow's `widgets_values` from it, following the frontend
(comfyui_frontend_package 1.35):
- INT, FLOAT, STRING, BOOLEAN and COMBO inputs are widgets unless `forceInput`;
  every other type is a socket (an entry of the node's `inputs[]`).
- an INT widget gets an extra "control after generate" value ("randomize",
  "fixed", ...) right after it when its spec says `control_after_generate`, or,
  when the spec does not say, when it is named `seed` or `noise_seed`; a COMBO
  widget only when its spec says so, and then also a filter text after that.
- order: the spec's `input_order`, required before optional.
"""
from __future__ import annotations

import json
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent / "node_specs.json"

WIDGET_TYPES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")
CONTROL = "control_after_generate"
CONTROL_VALUES = ("fixed", "increment", "decrement", "randomize")
CONTROL_FILTER = "control_filter_list"
LEGACY_SEED_NAMES = ("seed", "noise_seed")

#: Frontend-only node types: they never reach the server (no spec, no execution).
NOTE_TYPES = ("Note", "MarkdownNote")

#: Option keys kept in the snapshot: what a workflow's values are checked against.
_KEPT_OPTIONS = ("default", "min", "max", "step", CONTROL, "forceInput", "multiline")


def normalise_input(name: str, section: str, raw) -> dict:
    kind, options = raw[0], (raw[1] if len(raw) > 1 and isinstance(raw[1], dict) else {})
    entry = {"name": name, "section": section}
    if isinstance(kind, list):  # V1 combo: the choices are the type
        entry["type"], choices = "COMBO", kind
    else:
        entry["type"], choices = kind, options.get("options")
    if entry["type"] == "COMBO":
        # An empty list is a folder listing (models) of the machine that made the snapshot.
        entry["options"] = list(choices or [])
        entry["file_list"] = not entry["options"]
    entry.update({k: options[k] for k in _KEPT_OPTIONS if k in options})
    return entry


def normalise_node_info(info: dict) -> dict:
    """One /object_info entry -> the snapshot form (inputs in widget/socket order)."""
    inputs = []
    for section in ("required", "optional"):
        declared = info["input"].get(section, {})
        order = info.get("input_order", {}).get(section, list(declared))
        inputs += [normalise_input(name, section, declared[name]) for name in order]
    outputs = [
        {"name": name, "type": kind, "is_list": bool(is_list)}
        for name, kind, is_list in zip(info["output_name"], info["output"], info["output_is_list"])
    ]
    spec = {
        "display_name": info.get("display_name") or info["name"],
        "category": info.get("category", ""),
        "output_node": bool(info.get("output_node")),
        "inputs": inputs,
        "outputs": outputs,
    }
    spec["widgets"] = widget_order(spec)
    return spec


def is_widget(entry: dict) -> bool:
    return entry["type"] in WIDGET_TYPES and not entry.get("forceInput", False)


def has_control(entry: dict) -> bool:
    if entry["type"] == "INT":
        return bool(entry.get(CONTROL, entry["name"] in LEGACY_SEED_NAMES))
    return entry["type"] == "COMBO" and bool(entry.get(CONTROL, False))


def widget_order(spec: dict) -> list[str]:
    """Names of the positional widgets_values; CONTROL marks a control value."""
    order = []
    for entry in spec["inputs"]:
        if is_widget(entry):
            order.append(entry["name"])
            if has_control(entry):
                order.append(CONTROL)
                if entry["type"] == "COMBO":  # combos also get a filter-text widget
                    order.append(CONTROL_FILTER)
    return order


def sockets(spec: dict) -> list[dict]:
    """Inputs that are sockets, in slot order."""
    return [e for e in spec["inputs"] if not is_widget(e)]


def widgets_by_name(spec: dict) -> dict[str, dict]:
    return {e["name"]: e for e in spec["inputs"] if is_widget(e)}


def load_specs(path: Path = SNAPSHOT) -> dict[str, dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["nodes"]
