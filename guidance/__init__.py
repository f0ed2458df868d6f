"""Host-free LAGS guidance math: imports torch only, never ComfyUI."""
from .adaptive_probe import DEFAULT_PROBE_THRESHOLD, PROBE_THRESHOLD_RANGE, AdaptiveProbe, check_probe_threshold
from .engine import (
    DEFAULT_EPSILON,
    DEFAULT_SKIP_BELOW,
    METHODS,
    GuidanceDiagnostics,
    GuidanceResult,
    guided_denoise,
)
from .families import FAMILIES, FLOW, VE, FlowFamily, NoiseFamily
from .reward_gradient import grad_log_w

__all__ = [
    "DEFAULT_PROBE_THRESHOLD",
    "PROBE_THRESHOLD_RANGE",
    "AdaptiveProbe",
    "check_probe_threshold",
    "FAMILIES",
    "FLOW",
    "VE",
    "FlowFamily",
    "NoiseFamily",
    "DEFAULT_EPSILON",
    "DEFAULT_SKIP_BELOW",
    "METHODS",
    "GuidanceDiagnostics",
    "GuidanceResult",
    "guided_denoise",
    "grad_log_w",
]
