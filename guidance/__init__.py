"""Host-free LAGS guidance math: imports torch only, never ComfyUI."""
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
