"""The reward path, host-free: x0 -> decode (at a chosen scale, tiled when memory needs it)
-> reward -> log w in guidance units. Imports torch only; ComfyUI glue lives in bridge/."""
from .unit import guidance_units, latent_pixels
from .tiled_decode import decode_tiled, tile_grid
from .path import RewardPath

__all__ = ["RewardPath", "decode_tiled", "guidance_units", "latent_pixels", "tile_grid"]
