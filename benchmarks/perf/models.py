"""Small SD1.5-architecture models with random weights, built in-process (host side).

The UNet is SD1.5's exact layout (channel_mult [1,2,4,4], two res blocks per level,
cross-attention at the three upper levels) with every width divided by 5; the VAE is
SD's AutoencoderKL layout with widths divided by 4. Both shrink by about the same
factor in FLOPs (25 and 16), so the reward path stays about as expensive, relative to
a UNet call, as it is in the real models. The TAESD decoder is TAESD's real
architecture (ComfyUI's comfy.taesd class has fixed widths); with random weights it is
saved into a temporary vae_approx folder so decoder = taesd finds it.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

#: SD1.5's UNet config (comfy/model_detection.py) with model_channels 320 -> 64 and
#: context_dim 768 -> 128.
UNET_CONFIG = {
    "use_checkpoint": False, "image_size": 32, "out_channels": 4, "use_spatial_transformer": True, "legacy": False,
    "adm_in_channels": None, "in_channels": 4, "model_channels": 64, "num_res_blocks": [2, 2, 2, 2],
    "transformer_depth": [1, 1, 1, 1, 1, 1, 0, 0], "channel_mult": [1, 2, 4, 4], "transformer_depth_middle": 1,
    "use_linear_in_transformer": False, "context_dim": 128, "num_heads": 8,
    "transformer_depth_output": [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
    "use_temporal_attention": False, "use_temporal_resblock": False,
}

#: SD's VAE (ch 128, ch_mult [1,2,4,4], 2 res blocks) with ch 128 -> 32.
VAE_DDCONFIG = {"double_z": True, "z_channels": 4, "resolution": 256, "in_channels": 3, "out_ch": 3, "ch": 32,
                "ch_mult": [1, 2, 4, 4], "num_res_blocks": 2, "attn_resolutions": [], "dropout": 0.0}


@dataclass
class SmallModels:
    model: object  # ModelPatcher (SD1.5 latent format)
    vae: object  # comfy.sd.VAE
    positive: list  # CONDITIONING
    negative: list
    taesd_folder: Path

    def describe(self) -> str:
        unet = sum(p.numel() for p in self.model.model.diffusion_model.parameters())
        dec = sum(p.numel() for p in self.vae.first_stage_model.decoder.parameters())
        return (f"SD1.5-architecture UNet at 1/5 width ({unet / 1e6:.1f} M params), SD VAE decoder at 1/4 width "
                f"({dec / 1e6:.2f} M params), TAESD decoder (full TAESD architecture), random weights")


def _fixtures():
    """The test harness's weight initialiser and N(0, I)-prior EPS wrapper (tests/host)."""
    import tiny_models

    return tiny_models


def small_unet(seed: int = 0):
    import comfy.model_patcher
    import comfy.supported_models

    fixtures = _fixtures()
    model_config = comfy.supported_models.SD15(dict(UNET_CONFIG, dtype=torch.float32))
    model_config.set_inference_dtype(torch.float32, None)
    model = model_config.get_model({})
    fixtures._init_weights(model, seed, {"diffusion_model.out.2.weight": fixtures.UNET_OUTPUT_SCALE})
    # A random EPS UNet does not denoise; add the N(0, I) prior's exact eps (the UNet still runs).
    model.diffusion_model = fixtures.GaussianPriorEps(model.diffusion_model, model.model_sampling)
    cpu = torch.device("cpu")
    return comfy.model_patcher.ModelPatcher(model, load_device=cpu, offload_device=cpu)


def small_vae(seed: int = 0):
    import comfy.sd
    from comfy.ldm.models.autoencoder import AutoencoderKL

    config = {"params": {"ddconfig": dict(VAE_DDCONFIG), "embed_dim": 4}}
    source = AutoencoderKL(**config["params"])
    _fixtures()._init_weights(source, seed)
    vae = comfy.sd.VAE(sd=source.state_dict(), config=config)
    vae.latent_channels = 4
    return vae


def save_random_taesd(folder: Path, seed: int = 0, name: str = "taesd_decoder") -> Path:
    """A random-weights TAESD decoder file where ComfyUI looks for vae_approx models."""
    import safetensors.torch
    from comfy.taesd.taesd import Decoder

    decoder = Decoder(latent_channels=4)
    _fixtures()._init_weights(decoder, seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.safetensors"
    safetensors.torch.save_file({k: v.contiguous() for k, v in decoder.state_dict().items()}, str(path))
    return path


def register_vae_approx(folder: Path) -> None:
    import folder_paths

    folder_paths.add_model_folder_path("vae_approx", str(folder), is_default=True)


def conditioning(seed: int, tokens: int = 77):
    g = torch.Generator().manual_seed(seed)
    return [[torch.randn(1, tokens, UNET_CONFIG["context_dim"], generator=g), {}]]


def build(seed: int = 0) -> SmallModels:
    folder = Path(tempfile.mkdtemp(prefix="lags-perf-")) / "vae_approx"
    save_random_taesd(folder, seed)
    register_vae_approx(folder)
    return SmallModels(small_unet(seed), small_vae(seed), conditioning(seed + 1), conditioning(seed + 2), folder)
