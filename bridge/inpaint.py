"""Inpainting: the reward judges the image the user will get, not the model's guess everywhere.

ComfyUI's inpainting sampler (KSamplerX0Inpaint) replaces the model's x0 outside the mask by
the known latent after every call, so the result is mask * x0 + (1 - mask) * known. Scoring
x0 alone would judge a hallucinated background and let its gradient leak into the repainted
region; scoring that composite makes v zero outside the mask, and the sampler's own
composite keeps guidance out of the kept region.
"""
from __future__ import annotations

import torch


class InpaintRegion:
    """The sampler's mask and known latent, captured by a SAMPLER_SAMPLE wrapper."""

    def __init__(self, latent_image, denoise_mask, mask_function, sigmas):
        self.latent_image = latent_image
        self.denoise_mask = denoise_mask
        self.mask_function = mask_function  # e.g. differential diffusion: the mask changes with sigma
        self.sigmas = sigmas

    def mask_at(self, sigma, model):
        mask = self.denoise_mask
        if self.mask_function is not None:
            mask = self.mask_function(sigma, mask, extra_options={"model": model, "sigmas": self.sigmas})
        return mask

    def composite(self, log_w, sigma, model):
        """log_w of mask * x0 + (1 - mask) * known, as the engine's log_w."""
        mask = self.mask_at(sigma, model)
        known = self.latent_image

        def composite_log_w(x0: torch.Tensor) -> torch.Tensor:
            # clone(): the sampler's tensors are inference tensors, which autograd cannot save
            m = mask.to(device=x0.device, dtype=x0.dtype).clone()
            k = known.to(device=x0.device, dtype=x0.dtype).clone()
            return log_w(x0 * m + k * (1 - m))

        return composite_log_w


def inpaint_region(sigmas, extra_args, latent_image, denoise_mask):
    """None without a mask (plain sampling)."""
    if denoise_mask is None:
        return None
    options = extra_args.get("model_options", {})
    return InpaintRegion(latent_image, denoise_mask, options.get("denoise_mask_function"), sigmas)
