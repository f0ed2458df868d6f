"""The best any guidance can do on the mixture: grad log E[w(X0) | x] from the exact posterior.

For x = x0 + sigma n, grad_x log E[w(X0) | x] = (E_w[X0 | x] - D(x)) / sigma^2, where E_w is the
posterior re-weighted by w (differentiate log of the integral of w(x0) p(x | x0) p(x0)). So
D_q = D + sigma^2 alpha g* = D + alpha (E_w[X0 | x] - D), and with alpha = 1 it is the exact
denoiser of q itself. The posterior of a Gaussian mixture is a Gaussian mixture
(GaussianMixture.posterior); E_w is a self-normalised Monte Carlo average over its draws.
"""
from __future__ import annotations

import torch


class ExactGuidance:
    """denoise(x, sigma) -> D + alpha(sigma) (E_w[X0 | x] - D) with `draws` posterior draws per point."""

    def __init__(self, mixture, log_w, schedule, draws: int = 256, seed: int = 0, chunk: int = 2000):
        self.mixture, self.log_w, self.schedule = mixture, log_w, schedule
        self.draws, self.chunk = draws, chunk
        self.generator = torch.Generator().manual_seed(seed)
        self.calls = 0

    def __call__(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        sigma = torch.as_tensor(sigma, dtype=torch.float64).flatten().expand(x.shape[0])
        alpha = self.schedule(sigma).to(torch.float64)
        parts = [self._chunk(xc, sc, ac) for xc, sc, ac in
                 zip(x.split(self.chunk), sigma.split(self.chunk), alpha.split(self.chunk))]
        return torch.cat(parts).to(x.dtype)

    def _chunk(self, x, sigma, alpha):
        resp, means, post_var = self.mixture.posterior(x, sigma)
        denoised = (resp.unsqueeze(-1) * means).sum(1)
        if not bool((alpha > 0).any()):
            return denoised
        return denoised + alpha.view(-1, 1) * (self.reweighted_mean(resp, means, post_var) - denoised)

    def reweighted_mean(self, resp, means, post_var) -> torch.Tensor:
        """E_w[X0 | x]: draws from the posterior mixture, weighted by w."""
        batch, dim = resp.shape[0], means.shape[-1]
        comp = torch.multinomial(resp, self.draws, replacement=True, generator=self.generator)  # [B, M]
        rows = torch.arange(batch).unsqueeze(1)
        z = torch.randn(batch, self.draws, dim, dtype=torch.float64, generator=self.generator)
        offset = torch.einsum("bmde,bme->bmd", self.mixture.eigvecs[comp], post_var[rows, comp].sqrt() * z)
        x0 = means[rows, comp] + offset
        weights = torch.softmax(self.log_w(x0.reshape(-1, dim)).to(torch.float64).view(batch, self.draws), dim=1)
        return (weights.unsqueeze(-1) * x0).sum(1)
