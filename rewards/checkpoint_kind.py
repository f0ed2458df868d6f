"""Reading a checkpoint safely and telling what kind of model it holds.

A user who picks a UNet or a LoRA in a reward dropdown should read "this is a
Stable Diffusion UNet, not an open_clip model", not a page of missing keys.
safetensors headers are read without loading the tensors, so a wrong 6 GB file
is rejected at once. Pickle files are loaded with weights_only=True.
"""
from __future__ import annotations

import os

import torch

from .reward_files import RewardModelError

OPEN_CLIP = "open_clip"
HF_CLIP = "transformers_clip"
AESTHETIC_HEAD = "aesthetic_head"

_DESCRIPTIONS = {
    OPEN_CLIP: "an open_clip CLIP model",
    HF_CLIP: "a Hugging Face transformers CLIP model (use the PickScore loader's folder layout instead)",
    AESTHETIC_HEAD: "a LAION aesthetic MLP head",
    "diffusion": "a diffusion model (UNet/DiT) or full Stable Diffusion checkpoint",
    "vae": "a VAE",
    "lora": "a LoRA",
    "text_encoder": "a text encoder",
    "empty": "an empty file (no tensors)",
    "unknown": "not a model this node recognises",
}


def describe_kind(kind: str) -> str:
    return _DESCRIPTIONS.get(kind, kind)


def identify(keys) -> str:
    keys = list(keys)
    if not keys:
        return "empty"

    def some(*prefixes):
        return any(k.startswith(prefixes) for k in keys)

    if any("lora_" in k or ".lora." in k or "lora_A" in k for k in keys):
        return "lora"
    if some("model.diffusion_model.", "input_blocks.", "down_blocks.", "double_blocks.", "joint_blocks.",
            "transformer_blocks.", "single_transformer_blocks."):
        return "diffusion"
    if some("first_stage_model.", "encoder.down.", "decoder.up.", "encoder.conv_in.", "decoder.conv_in."):
        return "vae"
    if some("vision_model.", "text_model."):
        return HF_CLIP
    if some("visual.") and some("logit_scale", "positional_embedding", "text.", "transformer.", "token_embedding."):
        return OPEN_CLIP
    if some("cond_stage_model.", "conditioner.", "encoder.block.", "shared.weight"):
        return "text_encoder"
    if all(k.startswith("layers.") for k in keys) and "layers.0.weight" in keys:
        return AESTHETIC_HEAD
    return "unknown"


def _strip_prefix(state_dict: dict, prefix: str) -> dict:
    if state_dict and all(k.startswith(prefix) for k in state_dict):
        return {k[len(prefix):]: v for k, v in state_dict.items()}
    return state_dict


def safetensors_keys(path: str) -> list[str]:
    from safetensors import safe_open

    with safe_open(path, framework="pt", device="cpu") as f:
        return list(f.keys())


def read_state_dict(path: str, expect: str, what: str) -> dict:
    """Tensors of `path` as a flat dict, after checking they are of kind `expect`.

    Accepts {'state_dict': ...} wrappers and DDP 'module.' prefixes (HPS
    checkpoints are saved that way by their trainer).
    """
    if not os.path.isfile(path):
        raise RewardModelError(f"{what}: file {path} does not exist")
    if path.lower().endswith(".safetensors"):
        try:
            kind = identify(k[len("module."):] if k.startswith("module.") else k for k in safetensors_keys(path))
        except Exception as e:  # safetensors raises its own error types
            raise RewardModelError(f"{what}: {path} is not a readable .safetensors file ({e})") from None
        _check_kind(kind, expect, path, what)
        from safetensors.torch import load_file

        return _strip_prefix(load_file(path, device="cpu"), "module.")
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:
        raise RewardModelError(
            f"{what}: {path} could not be read as a PyTorch weights file ({type(e).__name__}: {str(e)[:300]}). "
            "Only plain tensor checkpoints are loaded (weights_only=True); convert the file to .safetensors."
        ) from None
    if isinstance(loaded, dict) and isinstance(loaded.get("state_dict"), dict):
        loaded = loaded["state_dict"]
    if not isinstance(loaded, dict):
        raise RewardModelError(f"{what}: {path} holds a {type(loaded).__name__}, not a state dict of tensors")
    state_dict = _strip_prefix({k: v for k, v in loaded.items() if isinstance(v, torch.Tensor)}, "module.")
    _check_kind(identify(state_dict), expect, path, what)
    return state_dict


def _check_kind(kind: str, expect: str, path: str, what: str) -> None:
    if kind != expect:
        raise RewardModelError(
            f"{what}: {os.path.basename(path)} looks like {describe_kind(kind)}, "
            f"but this input needs {describe_kind(expect)}.\nFile: {path}"
        )
