"""User-facing errors of the host glue: each message names the input to change."""
from __future__ import annotations

import torch


class LagsInputError(ValueError):
    """A node input that cannot work (missing VAE, wrong latent channels, ...)."""


class LagsOutOfMemoryError(torch.OutOfMemoryError):
    """Out of memory on the reward path. Subclasses torch's OOM error so that ComfyUI's
    own OOM handling (unloading models, showing its tips) still runs."""


def is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, torch.OutOfMemoryError):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def reward_path_oom_message(settings, exc: BaseException) -> str:
    if settings.reward_space == "latent":
        hint = "Try a smaller batch size."
    elif settings.decoder == "taesd":
        hint = "Try decode_scale < 1 (e.g. 0.5) or a smaller batch size."
    else:
        hint = ("Try decode_scale < 1 (e.g. 0.5: decodes x0 at half resolution) or decoder = taesd "
                "(needs taesd/taesdxl decoder weights in models/vae_approx).")
    return (f"LAGS ran out of memory while computing the reward gradient "
            f"(decode x0 -> reward -> backward, decoder={settings.decoder}, "
            f"decode_scale={settings.decode_scale:g}). {hint} Original error: {exc}")
