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


def free_cached_memory() -> None:
    """Give the allocator's cached blocks back before a retry (no-op without ComfyUI)."""
    try:
        import comfy.model_management

        comfy.model_management.soft_empty_cache()
    except Exception:
        pass


def reward_path_oom_message(settings, exc: BaseException) -> str:
    if settings.reward_space == "latent":
        hint = "Try a smaller batch size."
    elif settings.decoder == "taesd":
        hint = "Free memory (a smaller batch or image, or fewer models loaded) and run again."
    else:
        hint = ("Try decoder = taesd (needs the taesd/taesdxl/... decoder in models/vae_approx), a smaller "
                "batch or image, or fewer models loaded.")
    return (f"LAGS ran out of memory while computing the reward gradient even on its cheapest path "
            f"(decode x0 in the smallest tiles at the lowest scale the reward allows -> reward -> backward; "
            f"decoder={settings.decoder}, decode_scale={settings.decode_scale}). {hint} Original error: {exc}")
