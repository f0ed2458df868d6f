"""ComfyUI's exact SDXL VAE and TAESD-for-SDXL architectures with random weights, and the
little of a BaseModel the pack's decoders use (host side: needs a booted ComfyUI)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import torch

from ..perf import models as perf_models

#: SDXL's VAE (ComfyUI detects the same config from SDXL checkpoints).
SDXL_DDCONFIG = {"double_z": True, "z_channels": 4, "resolution": 256, "in_channels": 3, "out_ch": 3, "ch": 128,
                 "ch_mult": [1, 2, 4, 4], "num_res_blocks": 2, "attn_resolutions": [], "dropout": 0.0}


class SdxlBaseModel:
    """What VaeRewardDecoder / TaesdRewardDecoder read from a BaseModel: SDXL's latent format
    (its scale factor, and the name of its TAESD decoder) and process_latent_out."""

    def __init__(self):
        import comfy.latent_formats

        self.latent_format = comfy.latent_formats.SDXL()

    def process_latent_out(self, latent: torch.Tensor) -> torch.Tensor:
        return self.latent_format.process_out(latent)


def random_vaes(dtypes, seed: int = 0, ddconfig: dict = SDXL_DDCONFIG) -> dict:
    """{dtype: comfy.sd.VAE} around one AutoencoderKL with random weights (comfy.ops leaves
    torch.empty; fan-in scaled normal weights as the test fixtures use)."""
    import comfy.sd
    from comfy.ldm.models.autoencoder import AutoencoderKL

    config = {"params": {"ddconfig": dict(ddconfig), "embed_dim": ddconfig["z_channels"]}}
    source = AutoencoderKL(**config["params"])
    perf_models._fixtures()._init_weights(source, seed)
    weights = source.state_dict()
    vaes = {}
    for dtype in dtypes:
        vae = comfy.sd.VAE(sd=weights, config=config, dtype=dtype)
        vae.latent_channels = ddconfig["z_channels"]
        vaes[dtype] = vae
    return vaes


def random_taesd_for(base_model, seed: int = 0) -> Path:
    """A random-weights TAESD decoder file under the name the model's latent format asks for
    (taesdxl_decoder for SDXL), in a vae_approx folder ComfyUI searches."""
    folder = Path(tempfile.mkdtemp(prefix="lags-memory-")) / "vae_approx"
    path = perf_models.save_random_taesd(folder, seed, name=base_model.latent_format.taesd_decoder_name)
    perf_models.register_vae_approx(folder)
    return path


class Decoders:
    """The pack's own reward decoders around those models: vae (fp32), vae_bf16, taesd."""

    def __init__(self, host, seed: int = 0):
        decoders = host.pack("bridge.decoders")
        self.base_model = SdxlBaseModel()
        vaes = random_vaes((torch.float32, torch.bfloat16), seed)
        random_taesd_for(self.base_model, seed)
        self.by_name = {
            "vae": decoders.VaeRewardDecoder(vaes[torch.float32], self.base_model),
            "vae_bf16": decoders.VaeRewardDecoder(vaes[torch.bfloat16], self.base_model),
            "taesd": decoders.TaesdRewardDecoder(self.base_model),
        }
        self.params = sum(p.numel() for p in vaes[torch.float32].first_stage_model.decoder.parameters())

    def __getitem__(self, name: str):
        return self.by_name[name]

    def describe(self) -> str:
        return (f"ComfyUI's SDXL VAE (comfy.sd.VAE around AutoencoderKL, ch 128, ch_mult [1,2,4,4], 2 res "
                f"blocks; decoder {self.params / 1e6:.1f} M params) in fp32 and bf16, and comfy.taesd.taesd.TAESD "
                "for SDXL latents (taesdxl_decoder), random weights; SDXL latent format")


def split_attention_bytes(pixels: float, element_size: int, factor: int = 8) -> float:
    """What ComfyUI's split attention (its VAE attention under --cpu) keeps for backward in the
    decoder's mid block: one (h*w) x (h*w) softmax over the latent's pixels, batch 1."""
    tokens = pixels / factor**2
    return element_size * tokens * tokens
