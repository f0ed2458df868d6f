"""The probe_threshold widget of the LAGS sampler and guidance nodes: advanced (frontends that read
the flag show it after "Show Advanced"; the default rarely needs changing). ComfyUI's own min/max
check rejects an out-of-range value when the prompt is queued; LagsSettings checks it again for
callers that bypass validation."""
from __future__ import annotations

from comfy_api.latest import io

from ..guidance import DEFAULT_PROBE_THRESHOLD, PROBE_THRESHOLD_RANGE

NAME = "probe_threshold"
ADVANCED = {"advanced": True}


def probe_threshold_input() -> io.Float.Input:
    low, high = PROBE_THRESHOLD_RANGE
    return io.Float.Input(
        NAME, default=DEFAULT_PROBE_THRESHOLD, min=low, max=high, step=0.05, round=0.01, optional=True,
        extra_dict=ADVANCED,
        tooltip="Advanced (method lags). The extra model call of a guided step measures how far the "
                "denoiser's Jacobian bends the reward gradient (J v against v); once it is this close at a "
                "higher noise level, lower-noise steps use v itself and skip the call (never the guidance). "
                "0 = probe every guided step (the paper's method, slowest).")
