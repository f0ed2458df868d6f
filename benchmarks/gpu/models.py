"""SDXL's exact UNet and VAE architectures, TAESD for SDXL and the CLIP-H-sized reward, with random
weights, on the device ComfyUI samples on (host side: needs a booted ComfyUI)."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..memory.models import SDXL_DDCONFIG, SdxlBaseModel, random_taesd_for, random_vaes
from ..perf.models import _fixtures
from ..perf.projection import SDXL_UNET
from .clip_reward import ClipHSizedReward
from .config import SMALL_CLIP, SMALL_UNET, SMALL_VAE, GpuConfig

DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
POOLED_DIM = 1280  # SDXL's pooled CLIP-G output (adm_in_channels 2816 = 1280 + 6 * 256)


@dataclass
class GpuModels:
    model: object  # ModelPatcher
    vae: object  # comfy.sd.VAE
    positive: list
    negative: list
    rewards: dict  # key -> reward object

    def describe(self) -> str:
        unet = sum(p.numel() for p in self.model.model.diffusion_model.parameters())
        vae = sum(p.numel() for p in self.vae.first_stage_model.decoder.parameters())
        clip = sum(p.numel() for p in self.rewards["clip"].tower.parameters())
        return (f"SDXL-architecture UNet ({unet / 1e9:.2f} B params, {self.model.model.get_dtype()}), SDXL VAE "
                f"decoder ({vae / 1e6:.1f} M params), TAESD for SDXL, ViT-H/14-shaped tower ({clip / 1e6:.0f} M "
                "params), random weights; the UNet adds the N(0, I) prior's exact eps (tests/host/tiny_models)")


def sdxl_unet(config: GpuConfig):
    import comfy.model_management
    import comfy.model_patcher
    import comfy.supported_models

    fixtures = _fixtures()
    dtype = DTYPES[config.dtype]
    unet_config = dict(SDXL_UNET, **(SMALL_UNET if config.small else {}), dtype=dtype)
    model_config = comfy.supported_models.SDXL(unet_config)
    model_config.set_inference_dtype(dtype, None)
    model = model_config.get_model({})
    fixtures._init_weights(model, config.seed, {"diffusion_model.out.2.weight": fixtures.UNET_OUTPUT_SCALE})
    # A random EPS UNet does not denoise; add the N(0, I) prior's exact eps (the UNet still runs).
    model.diffusion_model = fixtures.GaussianPriorEps(model.diffusion_model, model.model_sampling)
    return comfy.model_patcher.ModelPatcher(model, load_device=comfy.model_management.get_torch_device(),
                                            offload_device=comfy.model_management.unet_offload_device())


def conditioning(seed: int, context_dim: int = SDXL_UNET["context_dim"]):
    g = torch.Generator().manual_seed(seed)
    return [[torch.randn(1, 77, context_dim, generator=g), {"pooled_output": torch.randn(1, POOLED_DIM, generator=g)}]]


def build(host, config: GpuConfig) -> GpuModels:
    defaults = host.pack("rewards.defaults")
    vae_config = dict(SDXL_DDCONFIG, **(SMALL_VAE if config.small else {}))
    vae = random_vaes((None,), config.seed, vae_config)[None]  # dtype None: ComfyUI's VAE dtype for the device
    random_taesd_for(SdxlBaseModel(), config.seed)
    colour = host.pack("rewards.colour").ColourReward(strength=defaults.COLOUR_STRENGTH)
    clip = ClipHSizedReward(defaults.LEARNED_STRENGTH, config.seed, **(SMALL_CLIP if config.small else {}))
    return GpuModels(sdxl_unet(config), vae, conditioning(config.seed + 1), conditioning(config.seed + 2),
                     {"colour": colour, "clip": clip})
