"""The pack's shipped pixel rewards as the benchmark runs them, and a stand-in for the CLIP
rewards' share of the reward path (host side)."""
from __future__ import annotations

import torch

COLOUR = "#e03c28"
PALETTE = "#1b2a49, #e8d5b7, #c0392b"
#: Input side of the CLIP models behind PickScore, HPS, aesthetic and fairness.
CLIP_INPUT = 224


class ClipSizedReward:
    """Decodes at the scale the CLIP rewards declare (224 px short side), preprocesses the
    image exactly as they do (resize, centre crop, normalise) and scores a simple
    differentiable statistic of the preprocessed pixels. The CLIP model's own activations are
    NOT part of this: see clip_activations."""

    space = "pixel"
    name = "clip-sized"

    def __init__(self, host, size: int = CLIP_INPUT):
        self.preprocess = host.pack("rewards.clip_preprocess").ClipPreprocess(size=size)
        self._input_scale = host.pack("rewards.decode_scale").model_input_scale

    def faithful_decode_scale(self, image_hw) -> float:
        return self._input_scale(self.preprocess.size, image_hw)

    def log_w(self, image: torch.Tensor) -> torch.Tensor:
        return -self.preprocess(image).square().mean(dim=(1, 2, 3))


def pixel_rewards(host) -> dict:
    """label -> reward, every pixel reward the pack ships (the CLIP ones by their stand-in)."""
    colour = host.pack("rewards.colour")
    frequency = host.pack("rewards.frequency")
    return {
        f"colour mean {COLOUR}": colour.ColourReward(COLOUR),
        f"colour palette {PALETTE}": colour.ColourReward(palette=PALETTE),
        "frequency suppress 0.25-0.5": frequency.FrequencyReward(0.25, 0.5, "suppress"),
        "frequency favour 0.02-0.1": frequency.FrequencyReward(0.02, 0.1, "favour"),
        "CLIP-input-sized (PickScore/HPS/aesthetic/fairness path, CLIP model excluded)": ClipSizedReward(host),
    }
