"""The reward path for one sampling run: the host-free reward_path.RewardPath with the
ComfyUI decoder (the connected VAE or TAESD) and a memory budget from what ComfyUI reports
free on the sampling device."""
from __future__ import annotations

import torch

from ..reward_path import RewardPath
from ..reward_path.path import DEFAULT_BUDGET
from .decoders import make_decoder

#: Share of the device's free memory the reward path may plan for (the rest is the UNet's).
FREE_MEMORY_SHARE = 0.5


def memory_budget(device) -> float:
    """Decoder activation budget: DEFAULT_BUDGET (the reward path then stays within 3 GiB at
    SDXL 1024^2), less where the device has less free."""
    try:
        import comfy.model_management

        free = comfy.model_management.get_free_memory(torch.device(device))
    except Exception:  # no host or an unknown device: the default alone
        return DEFAULT_BUDGET
    return max(min(DEFAULT_BUDGET, FREE_MEMORY_SHARE * float(free)), 0.0)


def make_reward_path(settings, base_model, device) -> RewardPath:
    return RewardPath(settings.reward, make_decoder(settings, base_model), settings.decode_scale,
                      budget=memory_budget(device))
