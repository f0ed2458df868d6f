"""A CLIP ViT-H/14-shaped image tower (PickScore's image tower size), from torch.nn layers: the FLOP
projection counts it on the meta device, the GPU benchmark runs it as a reward of PickScore's cost.
Not CLIP: the exact class is not needed for either (host-free)."""
from __future__ import annotations

import torch

CLIP_H = {"hidden_size": 1280, "intermediate_size": 5120, "num_hidden_layers": 32, "num_attention_heads": 16,
          "patch_size": 14, "image_size": 224, "projection_dim": 1024}


class ClipHTower(torch.nn.Module):
    """pixels [B, 3, 224, 224] -> image embedding [B, projection_dim]; `config` overrides sizes (tests)."""

    def __init__(self, **config):
        super().__init__()
        c = self.config = dict(CLIP_H, **config)
        width, patch = c["hidden_size"], c["patch_size"]
        self.embed = torch.nn.Conv2d(3, width, patch, stride=patch, bias=False)
        layer = torch.nn.TransformerEncoderLayer(width, c["num_attention_heads"], c["intermediate_size"],
                                                 activation="gelu", batch_first=True, norm_first=True)
        self.tower = torch.nn.TransformerEncoder(layer, c["num_hidden_layers"], enable_nested_tensor=False)
        self.project = torch.nn.Linear(width, c["projection_dim"], bias=False)
        self.tokens = (c["image_size"] // patch) ** 2 + 1  # patches + class token

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = self.embed(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([x[:, :1], x], dim=1)[:, :self.tokens]  # stand-in for the class token
        return self.project(self.tower(x)[:, 0])
