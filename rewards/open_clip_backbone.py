"""An open_clip CLIP model from a local checkpoint file (no downloads).

The architecture comes from open_clip's built-in configs (e.g. ViT-H-14) or,
with arch "auto", from an open_clip_config.json next to the checkpoint (the
layout of open_clip repositories on Hugging Face). The weights are read by
checkpoint_kind (safetensors preferred, pickles with weights_only=True) so a
wrong file gets a plain error before any model is built.
"""
from __future__ import annotations

import os

import torch

from .checkpoint_kind import OPEN_CLIP, read_state_dict
from .clip_backbone import ClipBackbone
from .clip_preprocess import from_open_clip_cfg
from .model_placement import ModelPlacement
from .reward_files import LAYOUTS, RewardModelError

AUTO_ARCH = "auto"
SIDECAR_CONFIG = "open_clip_config.json"


def import_open_clip():
    try:
        import open_clip
    except ImportError as e:
        raise RewardModelError(
            f"This reward needs the 'open_clip_torch' package ({e}). Install it into ComfyUI's Python: "
            "pip install open-clip-torch"
        ) from None
    return open_clip


def available_architectures() -> list[str]:
    """open_clip's built-in architecture names, or a short fallback list without open_clip."""
    try:
        import open_clip

        return list(open_clip.list_models())
    except Exception:
        return ["ViT-B-32", "ViT-B-16", "ViT-L-14", "ViT-L-14-quickgelu", "ViT-H-14", "ViT-bigG-14"]


class OpenClipBackbone(ClipBackbone):
    name = "open_clip"

    def __init__(self, model, tokenizer, preprocess, source, arch, precision="auto", placer=None):
        super().__init__(ModelPlacement(model, precision, placer), preprocess, source)
        self.tokenizer = tokenizer
        self.arch = arch

    def _encode_pixels(self, pixels):
        return self.module.encode_image(pixels)

    def _encode_texts(self, texts, device):
        return self.module.encode_text(self.tokenizer(texts).to(device))

    def _raw_logit_scale(self):
        return self.module.logit_scale

    @property
    def embed_dim(self):
        return getattr(self.module.visual, "output_dim", None)

    def describe(self):
        return f"open_clip {self.arch} ({os.path.basename(self.source)})"


def _model_name(checkpoint: str, arch: str, what: str) -> str:
    if arch != AUTO_ARCH:
        return arch
    folder = os.path.dirname(checkpoint)
    if os.path.isfile(os.path.join(folder, SIDECAR_CONFIG)):
        return f"local-dir:{folder}"
    raise RewardModelError(
        f"{what}: architecture 'auto' needs an {SIDECAR_CONFIG} next to {os.path.basename(checkpoint)} "
        f"(in {folder}); pick the architecture by name instead (HPS v2/v2.1: ViT-H-14, LAION aesthetic "
        f"backbone: ViT-L-14-quickgelu)."
    )


def _fit_state_dict(model, state_dict: dict) -> dict:
    """The small format fixes open_clip's own loader makes (older checkpoints)."""
    if "positional_embedding" in state_dict and not hasattr(model, "positional_embedding"):
        from open_clip.model import convert_to_custom_text_state_dict

        state_dict = convert_to_custom_text_state_dict(state_dict)
    scale = state_dict.get("logit_scale")
    if scale is not None and scale.ndim != model.logit_scale.ndim:
        state_dict["logit_scale"] = scale.reshape(model.logit_scale.shape)
    state_dict.pop("text.transformer.embeddings.position_ids", None)
    if getattr(model, "logit_bias", None) is not None and "logit_bias" not in state_dict:
        state_dict["logit_bias"] = torch.zeros_like(model.logit_bias)
    return state_dict


def load_open_clip(checkpoint: str, arch: str = AUTO_ARCH, what: str = "open_clip checkpoint",
                   precision: str = "auto", placer=None) -> OpenClipBackbone:
    state_dict = read_state_dict(checkpoint, OPEN_CLIP, what)
    open_clip = import_open_clip()
    model_name = _model_name(checkpoint, arch, what)
    with torch.inference_mode(False):
        try:
            model = open_clip.create_model(
                model_name, pretrained=None, load_weights=False, pretrained_image=False, pretrained_text=False
            )
        except Exception as e:
            raise RewardModelError(
                f"{what}: open_clip cannot build architecture {model_name!r} ({type(e).__name__}: "
                f"{str(e)[:200]}){_close_names(model_name)}"
            ) from None
        state_dict = _fit_state_dict(model, state_dict)
        try:
            result = model.load_state_dict(state_dict, strict=False)
        except RuntimeError as e:
            raise RewardModelError(_mismatch(what, checkpoint, model_name, str(e).splitlines()[1:4])) from None
        if result.missing_keys or result.unexpected_keys:
            details = [
                f"{len(result.missing_keys)} weights missing (e.g. {', '.join(result.missing_keys[:3])})",
                f"{len(result.unexpected_keys)} unexpected (e.g. {', '.join(result.unexpected_keys[:3])})",
            ]
            raise RewardModelError(_mismatch(what, checkpoint, model_name, details))
    try:
        tokenizer = open_clip.get_tokenizer(model_name)
    except Exception as e:
        raise RewardModelError(
            f"{what}: open_clip could not make the tokenizer of {model_name!r} offline "
            f"({type(e).__name__}: {str(e)[:300]})"
        ) from None
    preprocess = from_open_clip_cfg(dict(getattr(model.visual, "preprocess_cfg", {}) or {}))
    return OpenClipBackbone(model, tokenizer, preprocess, checkpoint, model_name, precision, placer)


def _close_names(model_name: str) -> str:
    import difflib

    close = difflib.get_close_matches(model_name, available_architectures(), n=4, cutoff=0.5)
    return f". Did you mean: {', '.join(close)}?" if close else ""


def _mismatch(what, checkpoint, model_name, details) -> str:
    return (
        f"{what}: {os.path.basename(checkpoint)} is an open_clip checkpoint but does not fit architecture "
        f"{model_name!r}: " + "; ".join(d.strip() for d in details if d.strip())
        + ". Pick the architecture the checkpoint was trained with.\n"
        f"Expected layout: {LAYOUTS['open_clip']}"
    )
