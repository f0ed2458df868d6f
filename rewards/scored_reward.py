"""Learned rewards: log w = strength * score, with the score in the model's own units.

Keeping the published score (PickScore ~ 20, HPS ~ 0.27, aesthetic ~ 1..10)
separate from log w lets the Reward Evaluate node print numbers users can
compare with papers, while guidance uses strength * score.
"""
from __future__ import annotations

import torch

from .base import PIXEL, Reward
from .decode_scale import model_input_scale
from .image_input import check_strength, image_rgb


class ScoredReward(Reward):
    space = PIXEL
    score_name = "score"  # in messages
    score_label = None  # column title in evaluation tables (default: score_name)

    def __init__(self, backbone, strength: float):
        self.backbone = backbone
        self.strength = check_strength(strength, self.score_name)

    def score(self, images: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def log_w(self, x: torch.Tensor) -> torch.Tensor:
        images = image_rgb(x, self.score_name)
        return (self.strength * self.score(images)).to(device=x.device, dtype=torch.float32)

    def faithful_decode_scale(self, image_hw) -> float:
        return model_input_scale(self.backbone.preprocess.size, image_hw)

    def prepare(self, device, dtype=None):
        # The model keeps its own precision (fp16 on GPU); pixels are cast on the way in.
        self.backbone.prepare(device)
        return self
