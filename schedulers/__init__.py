"""Guidance-strength schedules alpha(sigma) in [0, 1] (host-free)."""
from .alpha import (
    AlphaSchedule,
    PaperAlpha,
    HardGate,
    SigmaGate,
    StepFractionGate,
    ConstantAlpha,
)

__all__ = [
    "AlphaSchedule",
    "PaperAlpha",
    "HardGate",
    "SigmaGate",
    "StepFractionGate",
    "ConstantAlpha",
]
