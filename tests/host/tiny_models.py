"""TEST-ONLY tiny ComfyUI models built in-process (no downloads).

- SDXL architecture with a tiny config (EPS, or V-prediction through the `v_pred` key,
  as ComfyUI detects it), an SD1.5-like tiny model, tiny SD3 (MMDiT) and Flux.1 (guidance
  distilled) flow models with 16 latent channels, and a tiny AutoencoderKL VAE.
- `exact_model(gmm)`: a ComfyUI model whose denoiser is the exact posterior mean of a
  GaussianMixture in latent space (through the model_function_wrapper hook, which sees
  the exact x and sigma), for checks against closed-form targets; `flow=` makes it a
  CONST (flow-matching) model with SD3's or Flux's sampling schedule.
All weights are random but deterministic (seeded), scaled so activations stay O(1).
"""
from __future__ import annotations

import sys
import zlib
from types import SimpleNamespace

import torch

CONTEXT_DIM = 32
POOLED_DIM = 32

_UNET_BASE = {
    "use_checkpoint": False, "image_size": 32, "in_channels": 4, "out_channels": 4, "model_channels": 32,
    "num_res_blocks": [1, 1], "channel_mult": [1, 2], "transformer_depth": [0, 1], "transformer_depth_middle": 1,
    "transformer_depth_output": [0, 0, 1, 1], "context_dim": CONTEXT_DIM, "num_head_channels": 16,
    "use_spatial_transformer": True, "legacy": False, "use_temporal_attention": False, "use_temporal_resblock": False,
}
_VAE_DDCONFIG = {"double_z": True, "z_channels": 4, "resolution": 64, "in_channels": 3, "out_ch": 3, "ch": 32,
                 "ch_mult": [1, 1, 1, 1], "num_res_blocks": 1, "attn_resolutions": [], "dropout": 0.0}

KINDS = ("sdxl", "sdxl_vpred", "sd15", "sd3", "flux")
#: Latent channels per kind (the VAE the tiny checkpoint loader hands out must match).
LATENT_CHANNELS = {"sd3": 16, "flux": 16}

#: Tiny transformer configs, keys as comfy/model_detection.py derives them from a checkpoint.
#: MMDiT: hidden size 64 * depth, one head per depth unit; 8x8 latent = 4x4 patches of 2.
_SD3_CONFIG = {
    "in_channels": 16, "out_channels": 16, "patch_size": 2, "depth": 1, "input_size": None,
    "adm_in_channels": POOLED_DIM, "num_patches": 64, "pos_embed_max_size": 8, "pos_embed_scaling_factor": None,
    "context_embedder_config": {"target": "torch.nn.Linear",
                                "params": {"in_features": CONTEXT_DIM, "out_features": 64}},
    "x_block_self_attn_layers": [],
}
#: Flux.1 [dev]: hidden 64, 2 heads of 32 = sum(axes_dim), one double and one single block.
_FLUX_CONFIG = {
    "image_model": "flux", "guidance_embed": True, "in_channels": 16, "out_channels": 16, "patch_size": 2,
    "hidden_size": 64, "num_heads": 2, "axes_dim": [8, 12, 12], "mlp_ratio": 4.0, "theta": 10000,
    "qkv_bias": True, "txt_ids_dims": [], "context_in_dim": CONTEXT_DIM, "vec_in_dim": POOLED_DIM,
    "depth": 1, "depth_single_blocks": 1,
}
#: The output layer to shrink (UNET_OUTPUT_SCALE) per architecture.
_OUTPUT_WEIGHTS = {"sd3": "diffusion_model.final_layer.linear.weight",
                   "flux": "diffusion_model.final_layer.linear.weight"}

#: The random UNet's output is shrunk so that the model is "almost" the optimal denoiser
#: of a simple prior plus a prompt-dependent perturbation, rather than pure noise.
UNET_OUTPUT_SCALE = 0.1


def _init_weights(module: torch.nn.Module, seed: int, out_scale: dict | None = None) -> None:
    """Fan-in scaled normal weights, unit norms, zero biases (comfy.ops leaves torch.empty).
    out_scale: {parameter name: factor} to shrink chosen layers (the UNet's output conv)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.ndim > 1:
                scale = (out_scale or {}).get(name, 1.0)
                p.copy_(torch.randn(p.shape, generator=g) * scale / max(1, p[0].numel()) ** 0.5)
            elif name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.zero_()


def _unet_config(kind: str) -> tuple:
    import comfy.supported_models

    if kind == "sd3":
        return comfy.supported_models.SD3, dict(_SD3_CONFIG, dtype=torch.float32)
    if kind == "flux":
        return comfy.supported_models.Flux, dict(_FLUX_CONFIG, dtype=torch.float32)
    config = dict(_UNET_BASE, dtype=torch.float32)
    if kind.startswith("sdxl"):
        config.update(use_linear_in_transformer=True, num_classes="sequential", adm_in_channels=POOLED_DIM + 6 * 256)
        return comfy.supported_models.SDXL, config
    config.update(use_linear_in_transformer=False, adm_in_channels=None)
    return comfy.supported_models.SD15, config


def tiny_model(kind: str = "sdxl", seed: int = 0):
    """A ModelPatcher around a tiny UNet of the given kind (see KINDS)."""
    import comfy.model_patcher

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    config_class, unet_config = _unet_config(kind)
    model_config = config_class(unet_config)
    model_config.set_inference_dtype(torch.float32, None)
    state_dict_markers = {"v_pred": torch.tensor([])} if kind == "sdxl_vpred" else {}
    model = model_config.get_model(state_dict_markers)
    _init_weights(model, seed, {_OUTPUT_WEIGHTS.get(kind, "diffusion_model.out.2.weight"): UNET_OUTPUT_SCALE})
    if kind == "sd3":
        _init_sd3_pos_embed(model.diffusion_model)
    if model.model_type.name == "EPS":
        model.diffusion_model = GaussianPriorEps(model.diffusion_model, model.model_sampling)
    cpu = torch.device("cpu")
    return comfy.model_patcher.ModelPatcher(model, load_device=cpu, offload_device=cpu)


def _init_sd3_pos_embed(mmdit) -> None:
    """MMDiT's pos_embed is a checkpoint buffer that ComfyUI leaves torch.empty (garbage, often
    non-finite): fill it with the fixed 2-D sin-cos table SD3 ships."""
    from comfy.ldm.modules.diffusionmodules.mmdit import get_2d_sincos_pos_embed

    table = get_2d_sincos_pos_embed(mmdit.hidden_size, mmdit.pos_embed_max_size)
    with torch.no_grad():
        mmdit.pos_embed.copy_(torch.as_tensor(table, dtype=mmdit.pos_embed.dtype).unsqueeze(0))


class GaussianPriorEps(torch.nn.Module):
    """eps = the optimal eps of N(0, I) data + the tiny UNet's (small) output.

    A random UNet predicts noise unrelated to its input, so an EPS model would not denoise
    at all (samples stay at sigma_max scale). Adding the closed-form eps of a standard normal
    prior, xc * sigma / sqrt(1 + sigma^2) (xc is the model input x / sqrt(1 + sigma^2)),
    gives O(1) samples. V-prediction needs nothing: v = 0 is already that prior's optimum.
    The UNet still runs on every call (conditioning, batching and hooks are real).
    """

    def __init__(self, unet, model_sampling):
        super().__init__()
        self.unet = unet
        self.model_sampling = model_sampling
        self.dtype = unet.dtype

    def forward(self, x, timesteps=None, **kwargs):
        sigma = self.model_sampling.sigma(timesteps).to(x).view(-1, *([1] * (x.ndim - 1)))
        return self.unet(x, timesteps, **kwargs) + x * sigma / torch.sqrt(1 + sigma**2)


def tiny_vae(seed: int = 0, latent_channels: int = 4):
    """A tiny AutoencoderKL (x8 down/up-sampling like SD's) wrapped in comfy.sd.VAE."""
    import comfy.sd
    from comfy.ldm.models.autoencoder import AutoencoderKL

    ddconfig = dict(_VAE_DDCONFIG, z_channels=latent_channels)
    config = {"params": {"ddconfig": ddconfig, "embed_dim": latent_channels}}
    source = AutoencoderKL(**config["params"])
    _init_weights(source, seed)
    vae = comfy.sd.VAE(sd=source.state_dict(), config=config)
    vae.latent_channels = latent_channels  # comfy.sd.VAE only infers it from real checkpoints
    return vae


class TinyClip:
    """Stands in for CLIP: LAGSTest_TextEncode turns text into seeded random conditioning."""

    def __init__(self, pooled: bool):
        self.pooled = pooled

    def encode(self, text: str):
        g = torch.Generator().manual_seed(zlib.crc32(text.encode("utf-8")))
        cond = torch.randn(1, 77, CONTEXT_DIM, generator=g)
        extra = {"pooled_output": torch.randn(1, POOLED_DIM, generator=g)} if self.pooled else {}
        return [[cond, extra]]


def tiny_clip(kind: str) -> TinyClip:
    return TinyClip(pooled=kind != "sd15")


def latent_channels(kind: str) -> int:
    return LATENT_CHANNELS.get(kind, 4)


#: CONST (flow) model_sampling per flow kind: ComfyUI's ModelType and the default shift of
#: comfy/supported_models.py (SD3: ModelSamplingDiscreteFlow, Flux: ModelSamplingFlux).
FLOW_SAMPLINGS = {"sd3": ("FLOW", 3.0), "flux": ("FLUX", 1.15)}


def flow_model_sampling(kind: str = "sd3", shift: float | None = None):
    """The model_sampling object ComfyUI builds for an SD3 or Flux.1 checkpoint
    (comfy.model_base.model_sampling), with the given shift."""
    import comfy.model_base

    model_type, default_shift = FLOW_SAMPLINGS[kind]
    config = SimpleNamespace(sampling_settings={"shift": default_shift if shift is None else shift})
    return comfy.model_base.model_sampling(config, getattr(comfy.model_base.ModelType, model_type))


def exact_model(mixture, seed: int = 0, flow: str | None = None):
    """A ComfyUI model whose post-CFG denoised is exactly mixture.denoise(x, sigma).

    The tiny SD1.5 UNet is never run: the model_function_wrapper returns the mixture's
    posterior mean for the exact x and sigma the sampler asks about. The latent format is
    scale 1, so sampled latents live in the mixture's own coordinates.

    flow ("sd3" or "flux"): a flow-matching (CONST) model instead, its model_sampling
    object-patched as ModelSamplingSD3 / ModelSamplingFlux do; the wrapper then returns
    E[x0 | x = (1-sigma) x0 + sigma n] (guidance.mixture.flow_denoiser), which is what
    CONST's calculate_denoised (x - sigma * v) gives for the exact velocity v.
    """
    import comfy.latent_formats

    patcher = tiny_model("sd15", seed)
    patcher.model.latent_format = comfy.latent_formats.LatentFormat()
    patcher.model.model_config.latent_format = patcher.model.latent_format
    denoise = mixture.denoise
    if flow is not None:
        patcher.add_object_patch("model_sampling", flow_model_sampling(flow))
        denoise = sys.modules[type(mixture).__module__].flow_denoiser(mixture)  # the pack's guidance.mixture

    def exact_denoiser(apply_model, args):
        return denoise(args["input"], args["timestep"])

    patcher.set_model_unet_function_wrapper(exact_denoiser)
    return patcher
