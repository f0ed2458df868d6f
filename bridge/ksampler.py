"""Run ComfyUI's own KSampler logic with a LAGS-patched model."""
from __future__ import annotations

import importlib

from .checks import check_latent_channels
from .patch import patch_model


def comfy_nodes_module():
    """ComfyUI's `nodes` module, imported lazily (this pack has a `nodes` package of its own)."""
    module = importlib.import_module("nodes")
    if not hasattr(module, "common_ksampler"):
        raise RuntimeError("LAGS: ComfyUI's `nodes` module is shadowed by another module named 'nodes' "
                           f"({getattr(module, '__file__', '?')}).")
    return module


def guided_model_for(model, settings, latent_image):
    """(the LAGS-patched clone of `model`, the latent as the sampler will see it), both checked:
    the model against the VAE, the latent's channels against the model and decoder."""
    import comfy.sample

    patched = patch_model(model, settings)  # checks the model against the VAE first
    latent = comfy.sample.fix_empty_latent_channels(model, latent_image["samples"])
    check_latent_channels(latent, settings, model)
    return patched, latent


def lags_ksampler(model, settings, seed, steps, cfg, sampler_name, scheduler, positive, negative,
                  latent_image, denoise=1.0):
    """Same as core KSampler (noise, progress bar, previews, interrupt), with LAGS guidance."""
    patched, _ = guided_model_for(model, settings, latent_image)
    return comfy_nodes_module().common_ksampler(patched, seed, steps, cfg, sampler_name, scheduler, positive,
                                                negative, latent_image, denoise=denoise)
