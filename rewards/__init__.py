"""Rewards w(x) for weighted sampling, as log-weights (pure torch, host-free).

A reward scores ComfyUI IMAGE tensors [B, H, W, C] in 0..1 (space "pixel") or
latents [B, C, H, W] (space "latent") and returns log w, one value per item,
differentiable in its input.
"""
from .base import CombinedReward, Reward
from .colour import ColourReward
from .frequency import FrequencyReward

__all__ = ["Reward", "CombinedReward", "ColourReward", "FrequencyReward"]
