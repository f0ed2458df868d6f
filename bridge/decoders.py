"""Differentiable x0 -> pixels decoders for pixel rewards, as reward_path.RewardPath uses them.

x0 is the model-space latent (what the sampler's denoiser returns). decode(z) gives
[B, 3, H, W] float32, roughly in 0..1 and NOT clamped (a clamp would zero the gradient of
saturated pixels; rewards clamp softly if they need to). Each decoder states `factor`
(pixels per latent pixel) and `bytes_per_pixel`, the activation memory autograd keeps per
decoded pixel, from which the reward path plans tiles.
"""
from __future__ import annotations

import logging
import os

import torch

from .errors import LagsInputError
from ..reward_path.lean_backward import make_lean
from .trainable import trainable_copy

#: Submodules of a VAE's first_stage_model that decoding never touches.
_ENCODER_PARTS = ("encoder", "quant_conv", "taesd_encoder")


def reward_decode_dtype(vae_dtype: torch.dtype) -> torch.dtype:
    """fp16 VAE decoders (SDXL's in particular) give NaN/inf gradients: use fp32 there."""
    return torch.float32 if vae_dtype == torch.float16 else vae_dtype


#: Autograd memory per decoded pixel of SD/SDXL/SD3/Flux's VAE decoder (top-level width 128) in
#: float32 through the lean copy (lean_backward: convs save no input, GroupNorm+SiLU recomputed),
#: decode + colour reward + backward, measured with ComfyUI's exact SDXL VAE architecture on CPU
#: (`python -m benchmarks.memory`, docs/memory.md: 9,824 B/px fitted over 256-768 px, 10,188 at
#: 1024^2 with the CPU split-attention matrix; plain autograd kept 23,821).
VAE_BYTES_PER_PIXEL_FP32 = 10_200.0
#: In bfloat16 (ComfyUI's SDXL VAE dtype on Ampere and newer): 6,186 B/px fitted, 6,368 at 1024^2
#: (not half of float32: GroupNorm statistics and the reward stay float32).
VAE_BYTES_PER_PIXEL_16BIT = 6_400.0
VAE_REFERENCE_WIDTH = 128

#: The same for ComfyUI's TAESD decoder (width 64), same command: 2,309 B/px.
TAESD_BYTES_PER_PIXEL_FP32 = 2_400.0


def to_unit_range(decoded: torch.Tensor) -> torch.Tensor:
    """[-1, 1] decoder output -> ~[0, 1], float32."""
    return (decoded.float() + 1.0) * 0.5


def _top_level_width(decoder: torch.nn.Module) -> int:
    conv_out = getattr(decoder, "conv_out", None)
    return getattr(conv_out, "in_channels", VAE_REFERENCE_WIDTH)


class VaeRewardDecoder:
    """decode(x0) = first_stage_model.decode(process_latent_out(x0)) with autograd."""

    kind = "vae"

    def __init__(self, vae, base_model):
        if getattr(vae, "first_stage_model", None) is None:
            raise LagsInputError("vae: the connected VAE has no weights loaded.")
        if getattr(vae, "latent_dim", 2) != 2:
            raise LagsInputError("vae: LAGS pixel rewards support image VAEs (2-D latents) only.")
        self.vae = vae
        self.base_model = base_model
        self.dtype = reward_decode_dtype(getattr(vae, "vae_dtype", torch.float32))
        ratio = getattr(vae, "downscale_ratio", 8)
        self.factor = ratio if isinstance(ratio, int) else 8
        width = _top_level_width(getattr(vae.first_stage_model, "decoder", None))
        per_pixel = VAE_BYTES_PER_PIXEL_FP32 if torch.finfo(self.dtype).bits >= 32 else VAE_BYTES_PER_PIXEL_16BIT
        self.bytes_per_pixel = per_pixel * width / VAE_REFERENCE_WIDTH

    def decode(self, x0: torch.Tensor) -> torch.Tensor:
        module = lean_copy(self.vae.first_stage_model, x0.device, self.dtype, skip=_ENCODER_PARTS)
        z = self.base_model.process_latent_out(x0)
        return to_unit_range(module.decode(z.to(self.dtype)))


class TaesdRewardDecoder:
    """TAESD decoder from models/vae_approx (taesd_decoder / taesdxl_decoder / ... chosen by
    the model's latent format), built with ComfyUI's own TAESD class. Works on model-space
    latents directly, like ComfyUI's TAESD previews."""

    kind = "taesd"
    factor = 8
    bytes_per_pixel = TAESD_BYTES_PER_PIXEL_FP32

    def __init__(self, base_model):
        self.base_model = base_model
        self.source = load_taesd_decoder(base_model.latent_format)

    def decode(self, x0: torch.Tensor) -> torch.Tensor:
        module = lean_copy(self.source, x0.device, torch.float32, skip=_ENCODER_PARTS)
        return to_unit_range(module.decode(x0.float()))


def lean_copy(module, device, dtype, skip=()) -> torch.nn.Module:
    """The cached trainable copy, rewired once to save little for backward (lean_backward)."""
    copy = trainable_copy(module, device, dtype, skip=skip)
    if not hasattr(copy, "lean_changes"):
        make_lean(copy)
    return copy


def find_taesd_decoder(latent_format) -> str:
    import folder_paths

    name = getattr(latent_format, "taesd_decoder_name", None)
    if not name:
        raise LagsInputError(f"decoder: no TAESD decoder exists for this model's latent format "
                             f"({type(latent_format).__name__}); use decoder = vae.")
    for filename in folder_paths.get_filename_list("vae_approx"):
        if filename.startswith(name):
            path = folder_paths.get_full_path("vae_approx", filename)
            if path:
                return path
    folders = ", ".join(folder_paths.get_folder_paths("vae_approx")) or "models/vae_approx"
    raise LagsInputError(f"decoder = taesd needs '{name}' (.safetensors or .pth) in models/vae_approx "
                         f"(searched: {folders}). Download it from madebyollin/taesd, or use decoder = vae.")


_taesd_sources: dict = {}


def load_taesd_decoder(latent_format) -> torch.nn.Module:
    """The TAESD decoder for this latent format, loaded and checked once (run before sampling):
    a file of another family or a corrupt one is a clear error naming it."""
    path = find_taesd_decoder(latent_format)
    channels = latent_format.latent_channels
    try:
        return _load_taesd(path, channels)
    except Exception as exc:
        raise LagsInputError(
            f"decoder = taesd: {os.path.basename(path)} (in {os.path.dirname(path)}) is not a usable "
            f"'{latent_format.taesd_decoder_name}' decoder for this model ({type(latent_format).__name__}, "
            f"{channels}-channel latents): {type(exc).__name__}: {str(exc).splitlines()[0][:300]}. Replace it with "
            f"{latent_format.taesd_decoder_name}.safetensors or .pth from madebyollin/taesd, or use decoder = vae."
        ) from exc


def _load_taesd(path: str, latent_channels: int) -> torch.nn.Module:
    key = (path, os.path.getmtime(path), latent_channels)
    module = _taesd_sources.get(key)
    if module is None:
        from comfy.taesd.taesd import TAESD

        logging.info("LAGS: loading TAESD decoder %s for reward gradients", path)
        with torch.inference_mode(False):
            module = TAESD(None, path, latent_channels=latent_channels).eval().requires_grad_(False)
        _taesd_sources.clear()
        _taesd_sources[key] = module
    return module


def make_decoder(settings, base_model):
    """The decoder for a pixel reward (None for latent rewards)."""
    if settings.reward_space == "latent":
        return None
    if settings.decoder == "taesd":
        return TaesdRewardDecoder(base_model)
    return VaeRewardDecoder(settings.vae, base_model)
