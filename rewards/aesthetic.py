"""LAION aesthetic predictor (improved-aesthetic-predictor): an MLP on the
normalised CLIP ViT-L/14 image embedding, predicting a 1..10 rating.

The published head is five Linear layers with dropout between them and no
activations (keys layers.0, 2, 4, 6, 7). The head is rebuilt from the shapes in
the file, so a different width (or a tiny test head) loads the same way.
"""
from __future__ import annotations

import re

import torch

from .checkpoint_kind import AESTHETIC_HEAD, read_state_dict
from .model_placement import ModelPlacement
from .open_clip_backbone import load_open_clip
from .reward_files import LAYOUTS, RewardModelError
from .scored_reward import ScoredReward

AESTHETIC_ARCH = "ViT-L-14-quickgelu"  # OpenAI CLIP ViT-L/14 uses QuickGELU
_LAYER_KEY = re.compile(r"^layers\.(\d+)\.(weight|bias)$")


class AestheticHead(torch.nn.Module):
    def __init__(self, state_dict: dict, source: str = "aesthetic head"):
        super().__init__()
        indices = sorted({int(m.group(1)) for m in map(_LAYER_KEY.match, state_dict) if m})
        unknown = [k for k in state_dict if not _LAYER_KEY.match(k)]
        if not indices or unknown:
            raise RewardModelError(
                f"{source}: not an aesthetic MLP head (unexpected keys {unknown[:3]}).\n"
                f"Expected layout: {LAYOUTS['aesthetic_head']}"
            )
        layers = [torch.nn.Identity() for _ in range(indices[-1] + 1)]  # dropout positions: identity in eval
        previous = None
        for i in indices:
            weight = state_dict.get(f"layers.{i}.weight")
            if weight is None or weight.dim() != 2 or (previous is not None and weight.shape[1] != previous):
                raise RewardModelError(f"{source}: layers.{i}.weight does not chain with the layer before it")
            layers[i] = torch.nn.Linear(weight.shape[1], weight.shape[0], bias=f"layers.{i}.bias" in state_dict)
            previous = weight.shape[0]
        if previous != 1:
            raise RewardModelError(f"{source}: the last layer has {previous} outputs; an aesthetic head has 1")
        self.layers = torch.nn.Sequential(*layers)
        self.layers.load_state_dict(state_dict_without_prefix(state_dict, "layers."))
        self.in_features = layers[indices[0]].in_features

    def forward(self, embedding: torch.Tensor) -> torch.Tensor:
        return self.layers(embedding).squeeze(-1)


def state_dict_without_prefix(state_dict, prefix):
    return {k[len(prefix):]: v.float() for k, v in state_dict.items()}


def load_aesthetic_head(path: str) -> AestheticHead:
    with torch.inference_mode(False):
        return AestheticHead(read_state_dict(path, AESTHETIC_HEAD, "aesthetic head"), source=path)


def load_aesthetic_backbone(checkpoint: str, arch: str = AESTHETIC_ARCH, precision: str = "auto", placer=None):
    return load_open_clip(checkpoint, arch, what="aesthetic CLIP backbone", precision=precision, placer=placer)


class AestheticReward(ScoredReward):
    name = "aesthetic"
    score_name = "aesthetic"

    def __init__(self, backbone, head: AestheticHead, strength: float = 1.0):
        super().__init__(backbone, strength)
        dim = backbone.embed_dim
        if dim is not None and dim != head.in_features:
            raise RewardModelError(
                f"aesthetic head expects {head.in_features}-dim CLIP embeddings but the backbone "
                f"({backbone.describe()}) gives {dim}; the LAION head needs CLIP ViT-L/14 (768)."
            )
        self.head = ModelPlacement(head, precision="fp32")  # ~1M weights: always float32

    def score(self, images):
        embedding = self.backbone.image_embeddings(images)
        head = self.head.ready(embedding.device)
        return head.module(embedding.to(head.device))

    def prepare(self, device, dtype=None):
        super().prepare(device, dtype)
        self.head.place(device)
        return self

    def describe(self):
        return f"aesthetic[strength={self.strength:g}]"
