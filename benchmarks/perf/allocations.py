"""Live bytes of torch's CPU allocator over a run, from profiler memory events (host-free).

torch has no CPU twin of torch.cuda.memory_stats, but with
torch.profiler.profile(profile_memory=True) every allocation and free of the CPU
allocator is an event ("[memory]", +/- nbytes, timestamp). Summing them gives the bytes
live at any time relative to when profiling began. Markers (record_function ranges
named MARK_PREFIX + label) cut that timeline into the sampler's steps.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

import torch

MARK_PREFIX = "lags_perf:"


def mark(label: str) -> None:
    """A zero-length profiler range named MARK_PREFIX + label (no-op when not profiling)."""
    with torch.profiler.record_function(MARK_PREFIX + label):
        pass


def profiler():
    return torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], profile_memory=True)


def events_of(prof) -> tuple[list, list]:
    """([(t_ns, nbytes)] allocator events, [(t_ns, label)] markers), both time-sorted."""
    memory, marks = [], []
    for e in prof.profiler.kineto_results.events():
        name = e.name()
        if name == "[memory]":
            memory.append((e.start_ns(), e.nbytes()))
        elif name.startswith(MARK_PREFIX):
            marks.append((e.start_ns(), name[len(MARK_PREFIX):]))
    return sorted(memory), sorted(marks)


@dataclass
class Window:
    label: str  # the marker that opens it
    live_start: int  # bytes live when it opens, relative to the first marker
    peak: int  # most bytes live inside it, relative to the first marker


def windows(memory: list, marks: list) -> list:
    """One Window per marker but the last: [mark_i, mark_i+1)."""
    times = [t for t, _ in memory]
    live, running = [], 0
    for _, nbytes in memory:
        running += nbytes
        live.append(running)

    def live_at(t):  # bytes live just before time t
        i = bisect.bisect_left(times, t)
        return live[i - 1] if i else 0

    if not marks:
        return []
    base = live_at(marks[0][0])
    out = []
    for (t0, label), (t1, _) in zip(marks, marks[1:]):
        start = live_at(t0)
        lo, hi = bisect.bisect_left(times, t0), bisect.bisect_left(times, t1)
        peak = max([start] + live[lo:hi])
        out.append(Window(label, start - base, peak - base))
    return out


def attach(steps: list, found: list) -> None:
    """Copy live_start/peak of the "step:<i>" windows onto the StepRecords."""
    by_label = {w.label: w for w in found}
    for step in steps:
        w = by_label.get(f"step:{step.index}")
        if w is not None:
            step.live_start, step.peak = w.live_start, w.peak


def flatness(steps: list) -> tuple[int, int]:
    """(growth of live bytes at step start, spread of per-step peaks) over the guided steps
    after the first one (that one may fill caches kept for the run, e.g. the decoder copy).
    Both are 0 when nothing is kept across steps."""
    guided = [s for s in steps if s.guided and s.peak is not None][1:]
    if len(guided) < 2:
        return 0, 0
    starts = [s.live_start for s in guided]
    peaks = [s.peak for s in guided]
    return max(starts) - min(starts), max(peaks) - min(peaks)
