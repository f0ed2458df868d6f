"""The reward path, host-free: x0 -> decode (at a chosen scale, tiled when memory needs it)
-> reward -> log w in guidance units. Imports torch only; ComfyUI glue lives in bridge/."""
from .unit import latent_pixels, reward_guidance_log_w, unit_of
from .tiled_decode import decode_tiled, tile_grid
from .path import RewardPath

__all__ = ["RewardPath", "decode_tiled", "latent_pixels", "reward_guidance_log_w", "tile_grid", "unit_of"]
