"""Tiny random SDXL-architecture model, text encoder and VAE, built in the server process.

ComfyUI's checkpoint loader only recognises full-size SDXL state dicts, so the end-to-end
test swaps the workflow's checkpoint loader for a node that builds these instead (same
outputs: MODEL, CLIP, VAE). Weights are random but seeded: the run is reproducible, the
images are noise, and sampling a 64x64 image takes seconds on a CPU.
"""
from __future__ import annotations

import hashlib

import torch

CONTEXT_DIM = 32
POOLED_DIM = 32
TOKENS = 8

UNET_CONFIG = {
    "image_size": 32, "in_channels": 4, "out_channels": 4, "model_channels": 32,
    "num_res_blocks": [1, 1], "channel_mult": [1, 2], "transformer_depth": [0, 1],
    "transformer_depth_output": [0, 0, 1, 1], "transformer_depth_middle": 1,
    "context_dim": CONTEXT_DIM, "num_head_channels": 16, "use_linear_in_transformer": True,
    "adm_in_channels": POOLED_DIM + 6 * 256, "num_classes": "sequential", "use_spatial_transformer": True,
    "legacy": False, "use_temporal_attention": False, "use_temporal_resblock": False,
}

VAE_CONFIG = {
    "params": {
        "embed_dim": 4,
        "ddconfig": {"double_z": True, "z_channels": 4, "resolution": 64, "in_channels": 3, "out_ch": 3,
                     "ch": 32, "ch_mult": [1, 1, 1, 1], "num_res_blocks": 1, "attn_resolutions": [],
                     "dropout": 0.0},
    }
}


def _init_(module: torch.nn.Module, seed: int) -> None:
    """comfy.ops leaves weights uninitialised (torch.empty): fill them, small and seeded."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            elif "norm" in name and p.dim() == 1:
                p.fill_(1.0)
            else:
                fan_in = max(p[0].numel() if p.dim() > 1 else p.numel(), 1)
                p.copy_(torch.randn(p.shape, generator=generator) / fan_in ** 0.5)


def tiny_sdxl_model():
    import comfy.model_patcher
    import comfy.model_management
    import comfy.supported_models

    config = comfy.supported_models.SDXL(dict(UNET_CONFIG))
    config.set_inference_dtype(torch.float32, None)
    model = config.get_model({})
    _init_(model.diffusion_model, seed=1)
    device = comfy.model_management.get_torch_device()
    return comfy.model_patcher.ModelPatcher(model, load_device=device, offload_device=torch.device("cpu"))


def tiny_vae():
    import comfy.sd
    from comfy.ldm.models.autoencoder import AutoencoderKL

    probe = AutoencoderKL(ddconfig=VAE_CONFIG["params"]["ddconfig"], embed_dim=4)
    _init_(probe, seed=2)
    return comfy.sd.VAE(sd=probe.state_dict(), config=VAE_CONFIG)


class TinyClip:
    """Duck-typed CLIP for CLIPTextEncode: text -> seeded random SDXL-shaped conditioning."""

    def tokenize(self, text, **kwargs):
        return str(text)

    def encode_from_tokens_scheduled(self, tokens, **kwargs):
        seed = int.from_bytes(hashlib.sha256(tokens.encode("utf-8")).digest()[:8], "little")
        generator = torch.Generator().manual_seed(seed)
        cond = torch.randn((1, TOKENS, CONTEXT_DIM), generator=generator)
        pooled = torch.randn((1, POOLED_DIM), generator=generator)
        return [[cond, {"pooled_output": pooled}]]
