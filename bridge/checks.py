"""Checks that run before sampling, so a bad graph fails fast with a clear message."""
from __future__ import annotations

from .errors import LagsInputError


def model_latent_channels(model):
    latent_format = getattr(getattr(model, "model", None), "latent_format", None)
    return getattr(latent_format, "latent_channels", None)


def check_model_against_vae(model, settings) -> None:
    if settings.reward_space != "pixel" or settings.decoder != "vae":
        return
    vae_channels = getattr(settings.vae, "latent_channels", None)
    channels = model_latent_channels(model)
    if vae_channels is not None and channels is not None and vae_channels != channels:
        raise LagsInputError(
            f"vae: the connected VAE decodes {vae_channels}-channel latents but the model makes "
            f"{channels}-channel latents. Connect the VAE that belongs to this checkpoint.")


def check_decoder_available(model, settings) -> None:
    """decoder = taesd: fail before sampling when models/vae_approx lacks the file."""
    if settings.reward_space == "pixel" and settings.decoder == "taesd":
        from .decoders import find_taesd_decoder

        find_taesd_decoder(model.model.latent_format)


def check_latent_against_vae(samples, settings) -> None:
    if settings.reward_space != "pixel" or settings.decoder != "vae":
        return
    vae_channels = getattr(settings.vae, "latent_channels", None)
    if getattr(samples, "is_nested", False) or vae_channels is None or samples.ndim < 4:
        return
    if samples.shape[1] != vae_channels:
        raise LagsInputError(
            f"latent_image: it has {samples.shape[1]} channels but the connected VAE decodes "
            f"{vae_channels}-channel latents. Use a latent made for this model/VAE.")
