"""Peak bytes and wall time of ONE reward-gradient evaluation through the pack's path:
grad_log_w(path, x0) = decode x0 -> reward -> backward to the latent (host side).

Bytes are those of torch's CPU allocator above the bytes live when the evaluation starts
(benchmarks.perf.allocations: profiler memory events). Weights and the decoder's cached
trainable copy exist before (warm() makes the copy), so neither is counted.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import torch

from ..perf import allocations


@dataclass
class Measured:
    peak: int  # bytes above the start
    seconds: float  # wall, with the profiler on
    cpu_seconds: float  # this process's CPU time (all threads): less sensitive to other jobs
    log_w: torch.Tensor | None  # None when the evaluation was truncated
    grad: torch.Tensor | None


class Truncated(Exception):
    """Raised by FirstPieces to end an evaluation early."""


class FirstPieces:
    """The decoder, doing the work of only the first `pieces` pieces of a tiled decode. The
    tiled decode runs its forward piece by piece without autograd, then backward re-decodes
    one equally sized piece at a time with autograd; every piece allocates what the first ones
    did, so the peak is reached within them. Forward pieces after the first `pieces` come back
    as zeros of the decoded shape (the same buffers, no decoder work), and the evaluation
    stops (Truncated) when backward asks for piece `pieces` + 1."""

    def __init__(self, decoder, pieces: int):
        self.decoder, self.pieces = decoder, pieces
        self.factor, self.bytes_per_pixel = decoder.factor, decoder.bytes_per_pixel
        self.forward = self.backward = 0
        self.like = None  # (channels, dtype) of a real decode

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        if torch.is_grad_enabled():
            self.backward += 1
            if self.backward > self.pieces:
                raise Truncated
            return self.decoder.decode(z)
        self.forward += 1
        if self.forward > self.pieces and self.like is not None:
            channels, dtype = self.like
            return torch.zeros(z.shape[0], channels, z.shape[-2] * self.factor, z.shape[-1] * self.factor, dtype=dtype)
        out = self.decoder.decode(z)
        self.like = (out.shape[1], out.dtype)
        return out


def warm(decoder) -> None:
    """Make the decoder's cached trainable copy outside any measurement (a 2x2 latent)."""
    if decoder is None:
        return
    with torch.no_grad():
        decoder.decode(torch.zeros(1, 4, 2, 2))


def profiled(fn):
    """(fn's result or None if it raised Truncated, peak bytes above the start, wall seconds,
    CPU seconds)."""
    result = None
    with allocations.profiler() as prof:
        allocations.mark("start")
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            result = fn()
        except Truncated:
            pass
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        allocations.mark("end")
    (window,) = allocations.windows(*allocations.events_of(prof))
    return result, window.peak, seconds, cpu_seconds


def reward_gradient(host, path, x0: torch.Tensor) -> Measured:
    grad_log_w = host.pack("guidance.reward_gradient").grad_log_w
    warm(path.decoder)
    result, peak, seconds, cpu_seconds = profiled(lambda: grad_log_w(path, x0, torch.float32))
    log_w, grad = result if result is not None else (None, None)
    return Measured(peak, seconds, cpu_seconds, log_w, grad)


def available_bytes() -> int | None:
    """MemAvailable from /proc/meminfo (None where there is none)."""
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return None
    for line in meminfo.read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return None
