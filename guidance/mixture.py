"""Gaussian-mixture data with its exact denoiser: ground truth for the guidance math.

p(x0) = sum_k pi_k N(x0; mu_k, S_k) in any dimension. Under x = x0 + sigma n the
posterior is again a mixture, so E[x0 | x], E[w(X0) | x] for a Gaussian weight, and
the weighted target q ~ w p are all closed form. Each S_k is stored by its
eigen-decomposition so (S_k + s^2 I)^-1 is cheap for every sigma.
"""
from __future__ import annotations

import math

import torch

_F64 = torch.float64


class GaussianMixture:
    def __init__(self, weights, means, covariances):
        self.means = torch.as_tensor(means, dtype=_F64)
        k, d = self.means.shape
        w = torch.as_tensor(weights, dtype=_F64).flatten()
        if w.numel() != k or (w < 0).any() or w.sum() <= 0:
            raise ValueError("weights must be K non-negative numbers with a positive sum")
        self.weights = w / w.sum()
        cov = torch.as_tensor(covariances, dtype=_F64)
        if cov.dim() == 1:  # one isotropic variance per component
            cov = cov.view(k, 1, 1) * torch.eye(d, dtype=_F64)
        if cov.shape != (k, d, d):
            raise ValueError(f"covariances must be [K], or [K, d, d]; got {list(cov.shape)}")
        self.covariances = 0.5 * (cov + cov.transpose(1, 2))
        self.eigvals, self.eigvecs = torch.linalg.eigh(self.covariances)  # [K,d], [K,d,d]
        if (self.eigvals <= 0).any():
            raise ValueError("covariances must be positive definite")

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    @property
    def num_components(self) -> int:
        return self.means.shape[0]

    # -- sampling and density -------------------------------------------------------
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        comp = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        z = torch.randn(n, self.dim, dtype=_F64, generator=generator)
        scaled = self.eigvecs[comp] @ (self.eigvals[comp].sqrt() * z).unsqueeze(-1)
        return self.means[comp] + scaled.squeeze(-1)

    def _component_log_density(self, x, extra_var):
        """log N(x; mu_k, S_k + extra_var I) for x [B,d], extra_var [B] -> [B,K]."""
        lam = self.eigvals.unsqueeze(0) + extra_var.view(-1, 1, 1)  # [B,K,d]
        proj = torch.einsum("kde,bkd->bke", self.eigvecs, x.unsqueeze(1) - self.means.unsqueeze(0))
        return -0.5 * ((proj**2 / lam).sum(-1) + lam.log().sum(-1) + self.dim * math.log(2 * math.pi))

    def log_prob(self, x: torch.Tensor, sigma=0.0) -> torch.Tensor:
        """log density of x = x0 + sigma n (sigma = 0: the data density). x [B,d]."""
        x = torch.as_tensor(x, dtype=_F64)
        var = torch.as_tensor(sigma, dtype=_F64).expand(x.shape[0]) ** 2
        return torch.logsumexp(self.weights.log() + self._component_log_density(x, var), dim=1)

    # -- the exact denoiser -------------------------------------------------------------
    def posterior(self, x: torch.Tensor, sigma):
        """Posterior of x0 given x = x0 + sigma n: responsibilities [B,K], means [B,K,d],
        and the eigenvalues [B,K,d] of the component covariances (eigvecs as the prior's)."""
        x = x.reshape(x.shape[0], -1).to(_F64)
        s2 = torch.as_tensor(sigma, dtype=_F64, device=x.device).flatten().expand(x.shape[0]) ** 2
        log_r = self.weights.log() + self._component_log_density(x, s2)
        resp = torch.softmax(log_r, dim=1)
        lam = self.eigvals.unsqueeze(0)
        shrink = lam / (lam + s2.view(-1, 1, 1))  # [B,K,d]
        proj = torch.einsum("kde,bkd->bke", self.eigvecs, x.unsqueeze(1) - self.means.unsqueeze(0))
        means = self.means + torch.einsum("kde,bke->bkd", self.eigvecs, shrink * proj)
        post_var = lam * s2.view(-1, 1, 1) / (lam + s2.view(-1, 1, 1))
        return resp, means, post_var

    def denoise(self, x: torch.Tensor, sigma) -> torch.Tensor:
        """E[x0 | x0 + sigma n = x] for x of any shape [B, ...] (flattened to d)."""
        resp, means, _ = self.posterior(x, sigma)
        return (resp.unsqueeze(-1) * means).sum(1).reshape(x.shape).to(x.dtype)

    __call__ = denoise

    # -- a Gaussian weight w(x0) = exp(-||x0 - b||^2 / (2 tau^2)) --------------------------
    def log_expected_gaussian_weight(self, x, sigma, center, tau: float) -> torch.Tensor:
        """log E[w(X0) | X_sigma = x]: the exact quantity whose gradient LAGS approximates."""
        resp, means, post_var = self.posterior(x, sigma)
        b = torch.as_tensor(center, dtype=_F64).flatten()
        var = post_var + tau**2  # [B,K,d] in the eigenbasis of each component
        proj = torch.einsum("kde,bkd->bke", self.eigvecs, b - means)
        log_n = -0.5 * ((proj**2 / var).sum(-1) + var.log().sum(-1) + self.dim * math.log(2 * math.pi))
        return torch.logsumexp(resp.log() + log_n, dim=1) + 0.5 * self.dim * math.log(2 * math.pi * tau**2)

    def weighted_by_gaussian(self, center, tau: float) -> "GaussianMixture":
        """The target q ~ w p, again a Gaussian mixture, in closed form."""
        b = torch.as_tensor(center, dtype=_F64).flatten()
        eye = torch.eye(self.dim, dtype=_F64)
        prec = torch.linalg.inv(self.covariances) + eye / tau**2
        cov = torch.linalg.inv(prec)
        rhs = torch.linalg.solve(self.covariances, self.means.unsqueeze(-1)).squeeze(-1) + b / tau**2
        means = (cov @ rhs.unsqueeze(-1)).squeeze(-1)
        shifted = GaussianMixture(self.weights, self.means, self.covariances + tau**2 * eye)
        log_pi = self.weights.log() + shifted._component_log_density(b.unsqueeze(0), torch.zeros(1, dtype=_F64))[0]
        return GaussianMixture(torch.softmax(log_pi, 0), means, cov)

    def nearest_component(self, x: torch.Tensor) -> torch.Tensor:
        """Index of the most responsible component at sigma = 0 (to bin samples)."""
        x = torch.as_tensor(x, dtype=_F64).reshape(x.shape[0], -1)
        log_r = self.weights.log() + self._component_log_density(x, torch.zeros(x.shape[0], dtype=_F64))
        return log_r.argmax(1)


def gaussian_log_weight(center, tau: float):
    """log w(x0) = -||x0 - center||^2 / (2 tau^2), per item, for x0 of any shape [B, ...]."""
    b = torch.as_tensor(center, dtype=_F64).flatten()

    def log_w(x0: torch.Tensor) -> torch.Tensor:
        diff = x0.reshape(x0.shape[0], -1) - b.to(x0)
        return -(diff**2).sum(1) / (2 * tau**2)

    return log_w


def flow_denoiser(mixture: GaussianMixture):
    """The same data as a flow-matching model: E[x0 | (1-sigma) x0 + sigma n = x]. A flow
    model at sigma is the VE model at s = sigma/(1-sigma) seen at x/(1-sigma); at sigma = 1
    (pure noise) it is the data mean."""

    def denoise(x: torch.Tensor, sigma) -> torch.Tensor:
        sigma = torch.as_tensor(sigma, dtype=_F64, device=x.device).flatten().expand(x.shape[0])
        noise_only = sigma >= 1
        keep = (1 - sigma).clamp_min(1e-300).view(-1, *([1] * (x.dim() - 1)))
        ve = mixture.denoise((x.to(_F64) / keep).to(x.dtype), torch.where(noise_only, 0.0, sigma / keep.flatten()))
        mean = (mixture.weights.unsqueeze(-1) * mixture.means).sum(0).reshape(x.shape[1:]).to(x.dtype)
        return torch.where(noise_only.view(-1, *([1] * (x.dim() - 1))), mean.expand_as(x), ve)

    return denoise
