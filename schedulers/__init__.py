"""Guidance-strength schedules alpha(sigma) in [0, 1] (host-free)."""
from .alpha import (
    AlphaSchedule,
    PaperAlpha,
    HardGate,
    SigmaGate,
    StepFractionGate,
    ConstantAlpha,
)
from .start_percent import StartPercentAlpha, c_for_start

__all__ = [
    "AlphaSchedule",
    "PaperAlpha",
    "HardGate",
    "SigmaGate",
    "StepFractionGate",
    "ConstantAlpha",
    "StartPercentAlpha",
    "c_for_start",
]
