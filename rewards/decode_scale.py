"""What resolution a pixel reward needs, so the reward path can decode no more than that.

Rewards declare `faithful_decode_scale(image_hw)`: the smallest fraction of the full decoded
size at which they still measure what they measure at full size (the reward path decodes
the latent downscaled by it when decode_scale is auto).
"""
from __future__ import annotations

#: Image-mean statistics (mean colour): measured on real decoders (TAEF2, docs/real_weights.md),
#: the gradient at a quarter-scale decode points the same way as at full size.
MEAN_STATISTIC_SCALE = 0.25

#: Per-pixel statistics (palette distance) lose small regions at lower scales.
PER_PIXEL_STATISTIC_SCALE = 0.5


def model_input_scale(input_size: int, image_hw) -> float:
    """A model that resizes to input_size (CLIP: 224) gains nothing from a decode whose short
    side is larger than that."""
    return min(1.0, float(input_size) / max(1, min(int(n) for n in image_hw)))
