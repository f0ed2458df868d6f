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
    """decoder = taesd: fail before sampling when models/vae_approx lacks the file, or holds
    one that is not this family's decoder (it is loaded and cached here)."""
    if settings.reward_space == "pixel" and settings.decoder == "taesd":
        from .decoders import load_taesd_decoder

        load_taesd_decoder(model.model.latent_format)


def check_latent_channels(samples, settings, model) -> None:
    """The latent must be this model's (and so its TAESD's), and the connected VAE's."""
    if getattr(samples, "is_nested", False) or samples.ndim < 4:
        return
    channels = model_latent_channels(model)
    if channels is not None and samples.shape[1] != channels:
        raise LagsInputError(
            f"latent_image: it has {samples.shape[1]} channels but this model (and its TAESD decoder) works on "
            f"{channels}-channel latents. Use a latent made for this model (e.g. Empty Latent Image, or VAE "
            "Encode with this model's VAE).")
    vae_channels = getattr(settings.vae, "latent_channels", None)
    uses_vae = settings.reward_space == "pixel" and settings.decoder == "vae"
    if uses_vae and vae_channels is not None and samples.shape[1] != vae_channels:
        raise LagsInputError(
            f"latent_image: it has {samples.shape[1]} channels but the connected VAE decodes "
            f"{vae_channels}-channel latents. Use a latent made for this model/VAE.")
