"""A CLIP model seen the same way whichever library built it.

PickScore comes as a transformers CLIPModel, HPS / the aesthetic backbone / the
fairness classifier as open_clip models; the rewards only need normalised image
embeddings (differentiable in the pixels), normalised text embeddings (fixed,
cached) and the learned logit scale. Subclasses supply the two raw encoders.
"""
from __future__ import annotations

import torch

from .clip_preprocess import ClipPreprocess
from .model_placement import ModelPlacement

#: Prompt sets kept per backbone (several nodes can share one loaded model).
_TEXT_CACHE_SIZE = 8


class ClipBackbone:
    name = "clip"

    def __init__(self, placement: ModelPlacement, preprocess: ClipPreprocess, source: str):
        self.placement = placement
        self.preprocess = preprocess
        self.source = source  # file or folder it was loaded from, for messages
        self._text_cache: dict = {}

    # -- subclasses -------------------------------------------------------
    def _encode_pixels(self, pixels: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _encode_texts(self, texts: list[str], device: torch.device) -> torch.Tensor:
        raise NotImplementedError

    def _raw_logit_scale(self) -> torch.Tensor:
        raise NotImplementedError

    @property
    def embed_dim(self):
        """Size of the embeddings, or None where the library does not say."""
        return None

    # -- shared -----------------------------------------------------------
    @property
    def module(self) -> torch.nn.Module:
        return self.placement.module

    def prepare(self, device) -> "ClipBackbone":
        """Choose the compute device (the sampler calls this once per run)."""
        self.placement.place(device)
        return self

    def image_embeddings(self, images: torch.Tensor) -> torch.Tensor:
        """IMAGE [B, H, W, C] in 0..1 -> unit vectors [B, D] (float32), differentiable."""
        device = self.placement.ready(images.device).device
        pixels = self.preprocess(images.to(device=device, dtype=torch.float32))
        features = self._encode_pixels(pixels.to(self.placement.dtype)).float()
        return features / features.norm(dim=-1, keepdim=True).clamp_min(1e-12)

    def text_embeddings(self, texts) -> torch.Tensor:
        """Unit vectors [K, D] (float32) for fixed texts, cached per device and dtype."""
        texts = tuple(str(t) for t in texts)
        cached = self._text_cache.get(self._text_key(texts))
        if cached is not None:
            return cached
        self.placement.ready(self.placement.device)
        key = self._text_key(texts)
        with torch.inference_mode(False), torch.no_grad():
            features = self._encode_texts(list(texts), self.placement.device).float()
            cached = features / features.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        stale = [k for k in self._text_cache if k[1:] != key[1:]]  # other device/dtype: release
        stale += list(self._text_cache)[: max(0, len(self._text_cache) - _TEXT_CACHE_SIZE + 1)]
        for k in stale:
            self._text_cache.pop(k, None)
        self._text_cache[key] = cached
        return cached

    def _text_key(self, texts):
        return (texts, str(self.placement.device), self.placement.dtype)

    def logit_scale(self) -> torch.Tensor:
        return self._raw_logit_scale().detach().float().exp()

    def describe(self) -> str:
        return f"{self.name}({self.source})"
