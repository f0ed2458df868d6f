"""A transformers CLIPModel from a local folder (the PickScore_v1 layout).

transformers is imported inside the functions so `import rewards` works
without it; nothing is ever downloaded (local_files_only=True).
"""
from __future__ import annotations

import json
import os

import torch

from .checkpoint_kind import HF_CLIP, describe_kind, identify, safetensors_keys
from .clip_backbone import ClipBackbone
from .clip_preprocess import from_hf_preprocessor_config
from .model_placement import ModelPlacement
from .reward_files import LAYOUTS, RewardModelError, check_pickscore_folder


def import_transformers():
    try:
        import transformers
    except ImportError as e:
        raise RewardModelError(
            f"PickScore needs the 'transformers' package ({e}). Install it into ComfyUI's Python: "
            "pip install transformers safetensors"
        ) from None
    return transformers


class HFClipBackbone(ClipBackbone):
    name = "transformers-clip"

    def __init__(self, model, tokenizer, preprocess, source, precision="auto", placer=None):
        super().__init__(ModelPlacement(model, precision, placer), preprocess, source)
        self.tokenizer = tokenizer
        self.max_length = min(77, int(getattr(model.config.text_config, "max_position_embeddings", 77)))

    def _encode_pixels(self, pixels):
        model = self.module
        pooled = model.vision_model(pixel_values=pixels).pooler_output
        return model.visual_projection(pooled)

    def _encode_texts(self, texts, device):
        model = self.module
        tokens = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        pooled = model.text_model(
            input_ids=tokens["input_ids"].to(device), attention_mask=tokens["attention_mask"].to(device)
        ).pooler_output
        return model.text_projection(pooled)

    def _raw_logit_scale(self):
        return self.module.logit_scale

    @property
    def embed_dim(self):
        return int(self.module.config.projection_dim)


def _check_weights_are_clip(folder: str) -> None:
    path = os.path.join(folder, "model.safetensors")
    if not os.path.isfile(path):
        return  # pytorch_model.bin: transformers' own loading report below catches a wrong file
    try:
        kind = identify(safetensors_keys(path))
    except Exception as e:
        raise RewardModelError(f"PickScore model: {path} is not a readable .safetensors file ({e})") from None
    if kind != HF_CLIP:
        raise RewardModelError(
            f"PickScore model: {path} looks like {describe_kind(kind)}, not a transformers CLIP model.\n"
            f"Expected layout: {LAYOUTS['pickscore']}"
        )


def load_hf_clip(folder: str, precision: str = "auto", placer=None) -> HFClipBackbone:
    check_pickscore_folder(folder)
    _check_weights_are_clip(folder)
    transformers = import_transformers()
    with torch.inference_mode(False):
        try:
            model, info = transformers.CLIPModel.from_pretrained(
                folder, local_files_only=True, output_loading_info=True
            )
        except Exception as e:
            raise RewardModelError(
                f"PickScore model: transformers could not load {folder} as a CLIPModel "
                f"({type(e).__name__}: {str(e)[:400]}).\nExpected layout: {LAYOUTS['pickscore']}"
            ) from None
        missing = [k for k in info.get("missing_keys", []) if not k.endswith("position_ids")]
        if missing:
            raise RewardModelError(
                f"PickScore model: the weights in {folder} do not fit its config.json: "
                f"{len(missing)} weights missing (e.g. {', '.join(sorted(missing)[:3])})."
            )
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
        except Exception as e:
            raise RewardModelError(
                f"PickScore model: the tokenizer files in {folder} could not be loaded "
                f"({type(e).__name__}: {str(e)[:300]}).\nExpected layout: {LAYOUTS['pickscore']}"
            ) from None
    with open(os.path.join(folder, "preprocessor_config.json"), encoding="utf-8") as f:
        preprocess = from_hf_preprocessor_config(json.load(f))
    return HFClipBackbone(model, tokenizer, preprocess, source=folder, precision=precision, placer=placer)
