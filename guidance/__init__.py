"""Host-free LAGS guidance math: imports torch only, never ComfyUI."""
from .engine import (
    DEFAULT_EPSILON,
    DEFAULT_SKIP_BELOW,
    METHODS,
    GuidanceDiagnostics,
    GuidanceResult,
    guided_denoise,
)
from .reward_gradient import grad_log_w

__all__ = [
    "DEFAULT_EPSILON",
    "DEFAULT_SKIP_BELOW",
    "METHODS",
    "GuidanceDiagnostics",
    "GuidanceResult",
    "guided_denoise",
    "grad_log_w",
]
