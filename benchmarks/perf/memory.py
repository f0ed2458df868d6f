"""Process memory as the kernel sees it (host-free): the whole footprint, models included.

VmRSS (now) and VmHWM (peak) come from /proc/self/status; writing "5" to
/proc/self/clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so a peak can be
taken per run. Where that is unavailable, resource.getrusage's ru_maxrss (a peak that
never goes down) is the fallback. RSS includes pages the C allocator keeps after frees;
for live tensor bytes see allocations.py.
"""
from __future__ import annotations

import resource
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(field: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_bytes() -> int | None:
    """Resident set size now (None where /proc is unavailable)."""
    kib = _status_kib("VmRSS")
    return None if kib is None else kib * 1024


def peak_rss_bytes() -> int:
    """Peak resident set size since start or the last reset_peak()."""
    kib = _status_kib("VmHWM")
    if kib is None:
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kib * 1024


def reset_peak() -> bool:
    """Start a new peak window; False where the kernel does not allow it."""
    try:
        _CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


def source() -> str:
    """Which counter the numbers come from, for the report."""
    if _status_kib("VmHWM") is not None and reset_peak():
        return "VmHWM from /proc/self/status, reset at the start of each run via /proc/self/clear_refs"
    return "resource.getrusage ru_maxrss (process peak since start; cannot be reset)"
