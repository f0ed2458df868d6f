"""Particles through the UNet in chunks that fit: B x K latents are one batch to ComfyUI, which
never splits a latent batch itself (it only groups conds), so a large K could run out of memory
where B images alone fit."""
from __future__ import annotations

import torch

#: ComfyUI's own safety factor when it decides how much to batch (comfy.samplers).
MEMORY_FACTOR = 1.5


def chunk_size(patcher, x_shape, conds: int = 2) -> int:
    """The most particles one model call may hold: the UNet's memory estimate for `conds` x chunk
    latents (cond and uncond of CFG) within what the device has free; at least 1."""
    import comfy.model_management

    free = comfy.model_management.get_free_memory(patcher.load_device)
    n = int(x_shape[0])
    for size in range(n, 0, -1):
        if patcher.model.memory_required([conds * size, *x_shape[1:]]) * MEMORY_FACTOR < free:
            return size
    return 1


def call_in_chunks(call, x: torch.Tensor, sigma: torch.Tensor, chunk: int):
    """[call(x[a:b], sigma[a:b]) for each chunk] (one call when everything fits)."""
    if chunk >= x.shape[0]:
        return [call(x, sigma)]
    return [call(x[a:a + chunk], sigma[a:a + chunk]) for a in range(0, x.shape[0], chunk)]
