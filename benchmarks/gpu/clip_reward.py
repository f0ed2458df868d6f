"""A reward of PickScore's cost for the GPU benchmark: the CLIP ViT-H/14-shaped tower of
benchmarks/perf/clip_h.py with random weights, cosine to a fixed random embedding, on the image
resized to 224 px as CLIP rewards see it. Duck-types the pack's pixel Reward (space, log_w,
prepare, faithful_decode_scale, at_decode_scale)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..perf.clip_h import ClipHTower

MEAN = (0.4815, 0.4578, 0.4082)  # CLIP's pixel normalisation
STD = (0.2686, 0.2613, 0.2758)
LOGIT_SCALE = 100.0  # PickScore's score = 100 * cosine


class ClipHSizedReward:
    space = "pixel"
    name = "CLIP-H-sized reward (random ViT-H/14-shaped tower)"

    def __init__(self, strength: float, seed: int = 0, **config):
        torch.manual_seed(seed)
        self.tower = ClipHTower(**config).eval().requires_grad_(False)
        self.size = self.tower.config["image_size"]
        self.target = F.normalize(torch.randn(self.tower.config["projection_dim"]), dim=0)
        self.strength = float(strength)

    def prepare(self, device, dtype=None):
        device = torch.device(device)
        self.tower.to(device=device, dtype=torch.float16 if device.type == "cuda" else torch.float32)
        self.target = self.target.to(device)
        return self

    def log_w(self, x: torch.Tensor) -> torch.Tensor:
        pixels = F.interpolate(x.movedim(-1, 1), size=(self.size, self.size), mode="bilinear", align_corners=False)
        mean, std = (torch.tensor(v, device=x.device).view(1, 3, 1, 1) for v in (MEAN, STD))
        weight = self.tower.embed.weight
        embedding = self.tower(((pixels - mean) / std).to(weight.dtype)).float()
        return self.strength * LOGIT_SCALE * F.cosine_similarity(embedding, self.target.float().unsqueeze(0))

    def __call__(self, x):
        return self.log_w(x)

    def faithful_decode_scale(self, image_hw) -> float:
        """As the pack's CLIP rewards: no larger than the 224 px the model resizes to."""
        return min(1.0, self.size / max(1, min(int(n) for n in image_hw)))

    def at_decode_scale(self, scale):
        return self

    def describe(self) -> str:
        return self.name
