"""log w(x0) for the engine: the reward applied to x0 (latent rewards) or to its decode
(pixel rewards). The engine differentiates this function, nothing else."""
from __future__ import annotations

import torch

from .decoders import downscale_latent, make_decoder


class RewardPath:
    def __init__(self, settings, base_model):
        self.reward = settings.reward
        self.decode_scale = settings.decode_scale
        self.decoder = make_decoder(settings, base_model)
        self._prepared_for = None

    def prepare(self, device) -> None:
        """Let the reward move its own weights (once per device)."""
        if self._prepared_for != device:
            self.reward.prepare(device, torch.float32)
            self._prepared_for = device

    def image(self, x0: torch.Tensor) -> torch.Tensor:
        """The decoded IMAGE [B,H,W,C] a pixel reward sees (differentiable in x0)."""
        return self.decoder(downscale_latent(x0, self.decode_scale), x0.device)

    def __call__(self, x0: torch.Tensor) -> torch.Tensor:
        if self.decoder is None:
            return self.reward.log_w(x0)
        return self.reward.log_w(self.image(x0))
