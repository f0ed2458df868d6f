"""Where the workflow generators put nodes (test-only, host-free).

A node's height is estimated from its spec (socket rows, widget rows, a multiline text
box's minimum, the pack's chart: how the ComfyUI frontend 1.35 sizes it). The pack's own
nodes are sized by its web extension too (charts, notices the spec does not show): the
room they get is at least what the frontend gave their type in the browser test
(tests/node_sizes.json, written by tests/e2e/published_workflows.test.mjs). A run can add an image preview to samplers and image
outputs (at least 220 px; the node grows for it), so a node gets its room *after* a run.
Columns stack nodes top to bottom with a gap, title bars included (they are drawn above
a node's pos), and sit side by side as wide as their widest node, so nothing overlaps
before or after a run. The browser test checks the real bounding boxes after a run with
previews on.
"""
from __future__ import annotations

import json
from pathlib import Path

from workflow_spec import is_widget, sockets, widget_order

MEASURED = Path(__file__).resolve().parent / "node_sizes.json"

TITLE = 30  # LiteGraph.NODE_TITLE_HEIGHT, above the node's pos
SLOT = 20  # a row of sockets
WIDGET = 24  # a widget row (20 px + margin)
MULTILINE = 54  # a multiline text box's minimum height
PADDING = 14  # below the last row
TRACE_CHART = 260  # the sampler's / guidance's live chart with its text lines
SCHEDULE_CHART = 200  # a schedule node's chart
PREVIEW = 240  # an image preview added by a run (the frontend's 220 px minimum, plus margin)
GAP = 40  # between a node and the next one's title bar, and between columns

PREVIEW_TYPES = frozenset({"KSampler", "KSamplerAdvanced", "SamplerCustomAdvanced", "LAGSWeightedSampler",
                           "SaveImage", "PreviewImage"})


def chart_height(kind: str) -> int:
    if kind.startswith("LAGSSchedule"):
        return SCHEDULE_CHART
    return TRACE_CHART if kind in ("LAGSWeightedSampler", "LAGSGuidance") else 0


def estimated_height(kind: str, spec: dict) -> int:
    """The node's height below its title bar, from its spec, before a run."""
    entries = {e["name"]: e for e in spec["inputs"]}
    rows = 0
    for name in widget_order(spec):
        entry = entries.get(name)
        rows += MULTILINE if entry and is_widget(entry) and entry.get("multiline") else WIDGET
    slots = max(len(sockets(spec)), len(spec["outputs"]))
    return SLOT * slots + rows + PADDING + chart_height(kind)


def measured_sizes(path: Path = MEASURED) -> dict:
    """{node type: {"width", "loaded", "after_run"}} as the browser test measured them ({} if never)."""
    return json.loads(path.read_text(encoding="utf-8"))["nodes"] if path.exists() else {}


class Sizer:
    """A node's saved size (the estimate, or larger if given) and the room it needs in its
    column: after a run, and at least what the frontend was measured to give its type."""

    def __init__(self, measured: dict | None = None):
        self.measured = measured_sizes() if measured is None else measured

    def size(self, kind: str, spec: dict | None, width: int, height: int) -> tuple[int, int]:
        return width, max(height, estimated_height(kind, spec) if spec else 0)

    def room(self, kind: str, spec: dict | None, width: int, height: int) -> tuple[int, int]:
        """(width, height) reserved in the column: the node after a run has shown its preview
        (nodes never shrink), or as measured, whichever is larger."""
        seen = self.measured.get(kind, {})
        body = estimated_height(kind, spec) if spec else 0
        after = max(height, body + PREVIEW) if kind in PREVIEW_TYPES else height
        return max(width, seen.get("width", 0)), max(after, seen.get("loaded", 0), seen.get("after_run", 0))


class Columns:
    """Named columns, left to right in the order given; each stacks nodes downwards from y = 0.
    A column is as wide as its widest node; `origin` starts at x = 0."""

    def __init__(self, names, origin: str):
        self.names, self.origin = list(names), origin
        self.next_title = {name: 0 for name in self.names}
        self.width = {name: 0 for name in self.names}

    def place(self, column: str, width: int, room: int) -> int:
        """The y of a node whose title bar starts where the column is free; reserves `room` below it."""
        y = self.next_title[column] + TITLE
        self.next_title[column] = y + room + GAP
        self.width[column] = max(self.width[column], width)
        return y

    def start_at(self, column: str, title_top: int) -> None:
        """Place the column's next node no higher than title_top (a row with another column)."""
        self.next_title[column] = max(self.next_title[column], title_top)

    def x(self, column: str) -> int:
        """Left edge of the column once every node is placed."""
        lefts, x = {}, 0
        for name in self.names:
            lefts[name] = x
            x += self.width[name] + GAP if self.width[name] else 0
        return lefts[column] - lefts[self.origin]


def boxes_overlap(a: tuple, b: tuple) -> bool:
    """(x, y, w, h) boxes that share any area."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
