"""LAGS guided denoising in ComfyUI's sigma-parametrisation (host-free).

D_q(x, sigma) = D(x, sigma) + sigma^2 * alpha(sigma) * g for VE models (x = x0 + sigma n),
and the model family's own row otherwise (families.py: flow models use
sigma^2/(1-sigma) * alpha(sigma/(1-sigma))), where g approximates
grad log E[w(X0) | X_sigma = x] by J^T grad log w(x0_bar), x0_bar = D(x, sigma):

- "lags":    g = J v by a forward finite difference (J = dD/dx is symmetric), one
             extra denoiser call and no gradient through the denoiser;
- "tweedie": g = J v with J where the data has no curvature (I for VE), no extra call;
- "dps":     g = J^T v by backprop through the denoiser (the baseline LAGS replaces).

v = grad log w(x0_bar) is the only gradient taken for lags/tweedie. With a `probe_policy`
(adaptive_probe.AdaptiveProbe) a lags step may take J0 v instead of probing, where the probes
have measured J v ~ J0 v (J0: the family's identity_jacobian); it stays guided either way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .adaptive_probe import pooled_gap
from .checks import check_alpha, check_epsilon, check_method, check_skip_below, per_item_sigma
from .families import VE
from .reward_gradient import compute_dtype_for, grad_log_w, vjp_through

METHODS = ("lags", "tweedie", "dps")

#: Finite-difference step, in units of sigma: the probe point moves each item by
#: epsilon * sigma (root-mean-square per element) along v, floored at the round-off
#: limit of the denoiser's dtype. Chosen from the sweep in docs/epsilon_sweep.md (one
#: value for a 2-D toy in float64 and a 4x128x128 latent in float16).
DEFAULT_EPSILON = 0.05

#: Items whose alpha is below this skip the guidance computation altogether.
DEFAULT_SKIP_BELOW = 1e-3


@dataclass
class GuidanceDiagnostics:
    """Per-item numbers of one guided denoiser call (all [B] tensors, float64/bool)."""

    sigma: torch.Tensor
    level: torch.Tensor  # the noise level alpha saw (sigma for VE models, sigma/(1-sigma) for flow)
    alpha: torch.Tensor
    log_w: torch.Tensor  # log w(x0_bar); nan where the item was not guided
    grad_norm: torch.Tensor  # ||g||; 0 where the item was not guided
    guided: torch.Tensor  # alpha above the skip threshold
    guarded: torch.Tensor  # guidance was non-finite and the item fell back to D
    probed: torch.Tensor | None = None  # J v came from the finite-difference probe (lags)
    probe_gap: torch.Tensor | None = None  # ||J v - J0 v|| / ||J0 v|| where probed, else nan

    @property
    def num_guarded(self) -> int:
        return int(self.guarded.sum())


@dataclass
class GuidanceResult:
    denoised: torch.Tensor
    diagnostics: GuidanceDiagnostics
    update: torch.Tensor | None = None  # denoised - D (None when no item was guided)


def _per_item_norm(t: torch.Tensor) -> torch.Tensor:
    return t.flatten(1).norm(dim=1)


def _expand(per_item: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return per_item.view(-1, *([1] * (like.dim() - 1)))


def _call(denoiser, x, sigma):
    with torch.no_grad():
        return denoiser(x, sigma)


def lags_direction(denoiser, x, sigma_in, sigma, x0_bar, v, epsilon, dtype, denoiser_dtype=None):
    """g = J v ~ (D(x + h u) - D(x)) * ||v|| / h, with u = v / ||v||.

    The step is relative to sigma (the scale on which the posterior mean bends) and to
    the dimension, so one epsilon fits a 2-D toy and a 4x128x128 latent. The
    difference is taken in float32/float64 even when the denoiser runs in float16.
    `denoiser_dtype` is the precision the denoiser computes in (ComfyUI feeds a float32
    latent to a float16 UNet); it defaults to x's dtype.
    """
    v_norm = _per_item_norm(v)
    # Step length ||h u||: epsilon * sigma RMS per element, but never below the classic
    # round-off floor sqrt(unit round-off) * ||x|| of the dtype the denoiser computes in
    # (float16: 2.2% of x), below which D(x + h u) - D(x) is mostly rounding noise.
    unit_round_off = torch.finfo(denoiser_dtype or x.dtype).eps / 2
    x_c = x.to(dtype)
    floor = math.sqrt(unit_round_off) * _per_item_norm(x_c)
    h = torch.maximum(epsilon * sigma * math.sqrt(v[0].numel()), floor)
    safe_norm = torch.where(v_norm > 0, v_norm, torch.ones_like(v_norm))
    step = v * _expand(h / safe_norm, v)
    probe = denoiser((x_c + step).to(x.dtype), sigma_in)
    safe_h = torch.where(h > 0, h, torch.ones_like(h))
    jv = (probe.to(dtype) - x0_bar.to(dtype)) * _expand(safe_norm / safe_h, v)
    return torch.where(_expand((v_norm > 0) & (h > 0), v), jv, torch.zeros_like(jv))


def guided_denoise(
    denoiser,
    log_w,
    x: torch.Tensor,
    sigma,
    schedule,
    *,
    method: str = "lags",
    epsilon: float = DEFAULT_EPSILON,
    denoised: torch.Tensor | None = None,
    skip_below: float = DEFAULT_SKIP_BELOW,
    denoiser_dtype: torch.dtype | None = None,
    family=VE,
    need_denoised: bool = True,
    probe_policy=None,
) -> GuidanceResult:
    """One guided denoiser evaluation.

    denoiser(x, sigma) -> x0_bar (post-CFG in the host); called with `sigma` exactly
    as given here. log_w(x0) -> [B] log-weights, differentiable in x0. `denoised`,
    when given, is D(x, sigma) already computed by the caller (ComfyUI's post-CFG
    hook), saving one call. `denoiser_dtype`: the precision the denoiser computes in,
    when it differs from x's (sets the finite-difference round-off floor). `family`: how
    sigma relates to the data (families.VE or FLOW). Items whose guidance is non-finite fall
    back to D. `probe_policy` (lags only; adaptive_probe.AdaptiveProbe, the caller's per-run
    state): asked whether this step probes, told the gap it measured. None: always probe.
    """
    method = check_method(method, METHODS)
    epsilon = check_epsilon(epsilon)
    skip_below = check_skip_below(skip_below)
    batch = x.shape[0]
    sigma_b = per_item_sigma(sigma, batch, x.device)
    level = family.noise_level(sigma_b)
    alpha = check_alpha(schedule(level), batch, x.device)
    dtype = compute_dtype_for(x.dtype)
    guided = (alpha > skip_below) & (alpha > 0) & family.guidable(sigma_b)
    log_w_values = torch.full((batch,), math.nan, dtype=torch.float64, device=x.device)
    grad_norm = torch.zeros(batch, dtype=torch.float64, device=x.device)
    guarded = torch.zeros(batch, dtype=torch.bool, device=x.device)
    probed = torch.zeros(batch, dtype=torch.bool, device=x.device)
    probe_gap = torch.full((batch,), math.nan, dtype=torch.float64, device=x.device)
    diagnostics = GuidanceDiagnostics(sigma_b, level, alpha, log_w_values, grad_norm, guided, guarded, probed,
                                      probe_gap)
    if not guided.any():
        return GuidanceResult(denoised if denoised is not None or not need_denoised else _call(denoiser, x, sigma),
                              diagnostics)
    if denoised is None:
        denoised = _call(denoiser, x, sigma)

    if method == "dps":
        values, g = vjp_through(denoiser, log_w, x, sigma, dtype)
    else:
        values, v = grad_log_w(log_w, denoised, dtype)
        # A non-finite v must not reach the denoiser (it would poison the probe call).
        v_ok = torch.isfinite(v.flatten(1)).all(dim=1) & torch.isfinite(values)
        v = torch.where(_expand(v_ok, v), v, torch.zeros_like(v))
        j0v = v * _expand(family.identity_jacobian(sigma_b).to(v.dtype), v)
        step_level = float(level[guided].max())
        probe = method == "lags" and (probe_policy is None or probe_policy.should_probe(step_level))
        if not probe:
            g = j0v
        else:
            with torch.no_grad():
                g = lags_direction(denoiser, x, sigma, sigma_b.to(dtype), denoised, v, epsilon, dtype,
                                   denoiser_dtype)
            probed.copy_(guided)
            gap = _per_item_norm(g - j0v) / _per_item_norm(j0v)
            probe_gap.copy_(torch.where(guided & v_ok, gap.to(torch.float64), probe_gap))
            if probe_policy is not None:
                probe_policy.observe(step_level, pooled_gap(g, j0v, guided & v_ok))
        if method == "lags" and probe_policy is not None:
            probe_policy.count(probe)
        g = torch.where(_expand(v_ok, g), g, torch.full_like(g, math.nan))

    with torch.no_grad():
        # where(): sigma = 1 in a flow model has an infinite scale and is never guided
        scale = torch.where(guided, family.guidance_scale(sigma_b) * alpha, torch.zeros_like(alpha)).to(dtype)
        update = g * _expand(scale, g)
        candidate = (denoised.to(dtype) + update).to(denoised.dtype)
        finite = torch.isfinite(candidate.flatten(1)).all(dim=1) & torch.isfinite(values)
        keep = guided & finite
        # Skipped and guarded items get D exactly (bit for bit).
        out = torch.where(_expand(keep, candidate), candidate, denoised)

    log_w_values.copy_(torch.where(guided, values.to(torch.float64), log_w_values))
    grad_norm.copy_(torch.where(keep, _per_item_norm(g).to(torch.float64), grad_norm))
    guarded.copy_(guided & ~finite)
    update = torch.where(_expand(keep, candidate), update.to(denoised.dtype), torch.zeros_like(denoised))
    return GuidanceResult(out, diagnostics, update)
