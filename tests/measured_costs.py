"""The costs the workflow notes quote, read from the benchmark reports (test-only, host-free).

docs/performance.md (`python -m benchmarks.perf`) and docs/memory.md (`python -m
benchmarks.memory`) are the only source: regenerate a report, then the workflows, and the
notes follow. A report whose tables no longer have the rows read here is an error that
names what is missing, never a made-up figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
PERFORMANCE, MEMORY = DOCS / "performance.md", DOCS / "memory.md"

TIME_COLUMN = "× plain (wall)"
#: Variant labels of the perf report, newest first: the node defaults and a full-size decode.
DEFAULTS_LABELS = (re.compile(r"^defaults\b"), re.compile(r"node defaults"))
FULL_SIZE_LABELS = (re.compile(r"^lags, decode_scale 1(\.0)?$"), re.compile(r"^lags$"))
MEMORY_SECTION = re.compile(r"^#+ .*defaults at 1024²", re.M)
CLIP_ACTIVATIONS = re.compile(r"CLIP model activations[^\n]*?\*\*([\d,.]+) MiB\*\*")


class MissingMeasurement(LookupError):
    pass


@dataclass(frozen=True)
class Costs:
    time_defaults: float  # × a plain KSampler's wall time, node defaults
    time_full_size: float  # the same with a full-size decode (decode_scale 1.0)
    pixel_reward_mib: float  # reward-path peak at 1024², defaults, worst pixel reward
    clip_reward_mib: float  # CLIP-sized reward path + a ViT-H/14 image tower's activations


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every markdown table in text as (headers, rows)."""
    found, lines = [], text.splitlines() + [""]
    block: list[list[str]] = []
    for line in lines:
        if line.startswith("|"):
            block.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        if len(block) >= 2:
            found.append((block[0], [r for r in block[2:] if len(r) == len(block[0])]))
        block = []
    return found


def _number(cell: str) -> float:
    match = re.search(r"[\d,]+(\.\d+)?", cell.replace("*", ""))
    if not match:
        raise MissingMeasurement(f"no number in {cell!r}")
    return float(match.group(0).replace(",", ""))


def _row(rows, patterns, what: str):
    for pattern in patterns:
        for row in rows:
            if pattern.search(row[0]):
                return row
    raise MissingMeasurement(f"docs/performance.md has no {what} row (labels: {[r[0] for r in rows]})")


def time_ratios(text: str) -> tuple[float, float]:
    for headers, rows in tables(text):
        if TIME_COLUMN in headers:
            col = headers.index(TIME_COLUMN)
            defaults = _row(rows, DEFAULTS_LABELS, "node-defaults")
            full = _row(rows, FULL_SIZE_LABELS, "full-size decode")
            return _number(defaults[col]), _number(full[col])
    raise MissingMeasurement(f"docs/performance.md has no table with a {TIME_COLUMN!r} column")


def memory_peaks(text: str) -> tuple[float, float]:
    match = MEMORY_SECTION.search(text)
    if not match:
        raise MissingMeasurement("docs/memory.md has no 'defaults at 1024²' section")
    section_tables = tables(text[match.end():])
    if not section_tables or "peak MiB" not in section_tables[0][0]:
        raise MissingMeasurement("docs/memory.md's 'defaults at 1024²' section has no 'peak MiB' table")
    headers, rows = section_tables[0]
    peak = headers.index("peak MiB")
    pixel = [_number(r[peak]) for r in rows if not r[0].startswith("CLIP")]
    clip = [_number(r[peak]) for r in rows if r[0].startswith("CLIP")]
    tower = CLIP_ACTIVATIONS.search(text)
    if not pixel or not clip or not tower:
        raise MissingMeasurement("docs/memory.md lacks the pixel-reward rows, the CLIP row or the CLIP activations")
    return max(pixel), clip[0] + _number(tower.group(1))


#: The perf report's particles row (benchmarks/perf/config.py).
PARTICLE_LABELS = (re.compile(r"^defaults, 4 particles"),)


def particle_time_ratio(performance: Path = PERFORMANCE) -> float:
    """× a plain KSampler's wall time with the node defaults and 4 particles per image."""
    for headers, rows in tables(performance.read_text(encoding="utf-8")):
        if TIME_COLUMN in headers:
            return _number(_row(rows, PARTICLE_LABELS, "4-particle")[headers.index(TIME_COLUMN)])
    raise MissingMeasurement(f"docs/performance.md has no table with a {TIME_COLUMN!r} column")


def measured_costs(performance: Path = PERFORMANCE, memory: Path = MEMORY) -> Costs:
    defaults, full = time_ratios(performance.read_text(encoding="utf-8"))
    pixel, clip = memory_peaks(memory.read_text(encoding="utf-8"))
    return Costs(defaults, full, pixel, clip)


def ratio(value: float) -> str:
    return f"{value:.1f}x"


def gib(mib: float) -> str:
    return f"{mib / 1024:.1f} GiB"
