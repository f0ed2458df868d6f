"""FLOP projection of the lags/plain ratio for real architectures (host side, no weights).

Models are built on the meta device (shapes only), run under torch.utils.flop_counter,
with frozen weights: a backward pass computes input gradients only, as in the reward
path. Attention is counted as PyTorch SDPA (what GPUs run), not CPU's sliced variants.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import torch
from torch.utils.flop_counter import FlopCounterMode

from .clip_h import CLIP_H, ClipHTower
from .models import UNET_CONFIG as SMALL_UNET
from .models import VAE_DDCONFIG as SMALL_VAE

#: SDXL base (comfy/model_detection.py's SDXL entry).
SDXL_UNET = {
    "use_checkpoint": False, "image_size": 32, "out_channels": 4, "use_spatial_transformer": True, "legacy": False,
    "num_classes": "sequential", "adm_in_channels": 2816, "in_channels": 4, "model_channels": 320,
    "num_res_blocks": [2, 2, 2], "transformer_depth": [0, 0, 2, 2, 10, 10], "channel_mult": [1, 2, 4],
    "transformer_depth_middle": 10, "use_linear_in_transformer": True, "context_dim": 2048, "num_head_channels": 64,
    "transformer_depth_output": [0, 0, 0, 2, 2, 2, 10, 10, 10], "use_temporal_attention": False,
    "use_temporal_resblock": False,
}
#: SD1.5 (the benchmark's small UNet is this with every width / 5).
SD15_UNET = dict(SMALL_UNET, model_channels=320, context_dim=768)
#: SD/SDXL VAE (same architecture).
SD_VAE = dict(SMALL_VAE, ch=128)
TERA = 1e12


def _count(fn) -> float:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() / TERA


def _sdpa_override(func, *args, **kwargs):
    from comfy.ldm.modules.attention import attention_pytorch

    return attention_pytorch(*args, **kwargs)


@functools.lru_cache(maxsize=None)
def unet_tflops(kind: str, latent: int) -> tuple[float, float]:
    """(forward, backward to the input) TFLOPs of one batch-2 (cond + uncond) UNet call;
    kind: "sdxl", "sd15" or "small" (this benchmark's UNet)."""
    import comfy.supported_models

    sdxl = kind == "sdxl"
    config = dict({"sdxl": SDXL_UNET, "sd15": SD15_UNET, "small": SMALL_UNET}[kind], dtype=torch.float32)
    with torch.device("meta"):
        model_config = (comfy.supported_models.SDXL if sdxl else comfy.supported_models.SD15)(config)
        model_config.set_inference_dtype(torch.float32, None)
        unet = model_config.get_model({}).diffusion_model.requires_grad_(False)
    meta = {"device": "meta"}
    x = torch.empty(2, 4, latent, latent, **meta, requires_grad=True)
    kwargs = {"context": torch.empty(2, 77, config["context_dim"], **meta),
              "transformer_options": {"optimized_attention_override": _sdpa_override}}
    if sdxl:
        kwargs["y"] = torch.empty(2, config["adm_in_channels"], **meta)
    timesteps = torch.empty(2, **meta)
    with torch.enable_grad():
        out = [None]
        forward = _count(lambda: out.__setitem__(0, unet(x, timesteps, **kwargs)))
        backward = _count(lambda: out[0].sum().backward())
    return forward, backward


@functools.lru_cache(maxsize=None)
def decoder_tflops(kind: str, latent: int) -> float:
    """Forward + backward (to the latent) TFLOPs of decoding one latent of side `latent`."""
    import comfy.ldm.modules.diffusionmodules.model as vae_modules

    with torch.device("meta"):
        if kind == "taesd":
            from comfy.taesd.taesd import Decoder

            decoder = Decoder(latent_channels=4)
        else:
            from comfy.ldm.models.autoencoder import AutoencoderKL

            ddconfig = SD_VAE if kind == "sd_vae" else SMALL_VAE
            decoder = AutoencoderKL(ddconfig=dict(ddconfig), embed_dim=4).decode
    module = decoder.__self__ if hasattr(decoder, "__self__") else decoder
    module.requires_grad_(False)
    for sub in module.modules():
        if isinstance(sub, vae_modules.AttnBlock):
            sub.optimized_attention = vae_modules.pytorch_attention
    z = torch.empty(1, 4, latent, latent, device="meta", requires_grad=True)
    with torch.enable_grad():
        out = [None]
        forward = _count(lambda: out.__setitem__(0, decoder(z)))
        backward = _count(lambda: out[0].sum().backward())
    return forward + backward


@functools.lru_cache(maxsize=None)
def clip_h_tflops() -> float:
    """Forward + backward (to the pixels) TFLOPs of a ViT-H/14-shaped image tower at 224²
    (torch.nn layers with CLIP-H's sizes; the exact CLIP class is not needed to count FLOPs)."""
    size = CLIP_H["image_size"]
    with torch.device("meta"):
        tower = ClipHTower().eval().requires_grad_(False)
    pixels = torch.empty(1, 3, size, size, device="meta", requires_grad=True)

    def run():
        return tower(pixels)

    with torch.enable_grad():
        out = [None]
        forward = _count(lambda: out.__setitem__(0, run()))
        backward = _count(lambda: out[0].sum().backward())
    return forward + backward


@dataclass
class ProjectionRow:
    model: str
    label: str
    unet_tflops: float  # a plain step: one batch-2 UNet forward
    extra_tflops: float  # added on every guided step (the reward path; dps: its UNet forward and backward too)
    guided: int
    steps: int
    measured: float | None = None  # the benchmark's measured CPU ratio, where it ran this setting
    probes: int = 0  # guided steps that pay the finite-difference probe (one more UNet forward)
    particles: int = 1  # K particles per image: K times everything, per output image

    @property
    def ratio(self) -> float:
        extra = self.guided * self.extra_tflops + self.probes * self.unet_tflops
        return self.particles * (1.0 + extra / (self.steps * self.unet_tflops))


def guided_steps(sigmas, schedule, skip_below: float) -> int:
    sigmas = torch.as_tensor(sigmas, dtype=torch.float64)
    sigmas = sigmas[sigmas > 0]
    return int((schedule(sigmas) > skip_below).sum())


def measured_row(kind: str, latent: int, steps: int, label: str, method: str, scale: float, decoder: str,
                 guided: int, probes: int, measured: float | None = None, model: str = "",
                 particles: int = 1) -> ProjectionRow:
    """The FLOP ratio of a run that was measured: its own guided steps, steps that probed (lags;
    dps's forward is in its reward path) and reward path (decode scale, decoder)."""
    fwd, bwd = unet_tflops(kind, latent)
    decoder = ("small_vae" if kind == "small" else "sd_vae") if decoder == "vae" else decoder
    extra = decoder_tflops(decoder, max(1, round(latent * scale))) + (fwd + bwd if method == "dps" else 0.0)
    return ProjectionRow(model or kind, label, fwd, extra, guided, steps, measured, probes if method == "lags" else 0,
                         particles)


def project(kind: str, latent: int, steps: int, sigmas, schedule, skip_below: float, clip: bool = False,
            model: str = "", auto_scale: float = 0.25, probes: dict | None = None) -> list:
    """Rows for lags (several reward paths), tweedie and dps on one architecture. `auto_scale`: the
    scale decode_scale auto decodes at for this reward; `probes`: {label suffix: probing steps} for
    rows of the adaptive probe (defaults), e.g. {"exact bed": 12}."""
    vae = "small_vae" if kind == "small" else "sd_vae"
    fwd, bwd = unet_tflops(kind, latent)
    reward = clip_h_tflops() if clip else 0.0
    name = "CLIP-H reward" if clip else "colour reward"
    guided = guided_steps(sigmas, schedule, skip_below)
    every = guided_steps(sigmas, schedule, 0.0)

    def row(label, extra, probe_steps=guided, n=guided):
        return ProjectionRow(model or kind, f"{label}, {name}", fwd, extra, n, steps, probes=probe_steps)

    def path(scale=1.0, decoder=vae):
        return decoder_tflops(decoder, max(1, round(latent * scale))) + reward

    auto = path(auto_scale)
    adaptive = [row(f"defaults: decode_scale auto ({auto_scale:.3g}), adaptive probe ({source})", auto, count)
                for source, count in (probes or {}).items()]
    return adaptive + [
        row(f"decode_scale auto ({auto_scale:.3g}), probe every step", auto),
        row("lags, decode_scale 1.0, probe every step", path()),
        row("lags, decode_scale 1.0, no skip, probe every step", path(), every, every),
        row("lags, decode_scale 0.5, probe every step", path(0.5)),
        row("lags, taesd, probe every step", path(decoder="taesd")),
        row("tweedie", path(), 0),
        row("dps", fwd + bwd + path(), 0),
        row("floor: free reward path, probe every step", 0.0),
        row("floor: free reward path, no probe", 0.0, 0),
    ]
