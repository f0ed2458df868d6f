"""The SMC loop: G groups of K particles, LAGS-guided stochastic proposals, resampling on a
low effective sample size, one draw per group at the end.

Weights (twisted SMC): a particle at step i carries
    log W += l_i - l_{i-1} + log p(x_i | x_{i-1}) - log q(x_i | x_{i-1})
with the twist l_i = alpha_i log w(x0_bar_i), p the sampler's unguided transition and q the
guided one actually taken (same std, means from D and from D_q). The twist is tempered by the
same alpha that scales the guidance, so each guided move is the locally optimal proposal for
its twist (a stronger or weaker twist than the proposal collapses the weights; measured in
docs/benchmark_2d.md), and steps that alpha skips carry no twist and need no reward. At the
last noisy step the twist is log w(x0_bar) at full strength (alpha taken as 1, x0_bar ~ x0 there),
so the draw targets q ~ w p. The move after the last draw uses the sampler's unguided kernel
(to sigma = 0: D itself), whose p/q is 1, so nothing after the draw changes its target.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .resampling import draw_one_per_group, flat_indices, systematic_ancestors
from .weights import GroupWeights

#: Resample a group when its effective sample size falls below this share of K.
DEFAULT_ESS_THRESHOLD = 0.5

#: c of the schedule alpha = 1/(1 + c sigma^4) that guides and tempers particles when no schedule is
#: connected. The twist log w(x0_bar) is only as good as x0_bar: tempering it with the paper's c = 10
#: resampled on blurry estimates and lost most of the gain; c = 1000 (alpha = 1/2 at sigma = 0.18)
#: was the best of 10, 100, 1000, 10^4 on the exact 2-D test bed (docs/benchmark_2d.md).
PARTICLE_SCHEDULE_C = 1000.0


@dataclass
class SmcReport:
    step: int  # 1-based
    steps: int
    ess: float  # mean effective sample size over groups, in particles
    particles: int
    resampled: bool
    zero_weight: int  # particles given weight 0 so far for a non-finite weight
    fallback_groups: int  # groups that had every weight 0 and were resampled uniformly


def _gaussian_log_ratio(noise, shift, std: float) -> torch.Tensor:
    """log p(x') - log q(x') per item, x' = mean_q + noise, mean_p = mean_q - shift, both N(., std^2)."""
    if std == 0:
        return torch.zeros(noise.shape[0], dtype=torch.float64, device=noise.device)
    a = noise.flatten(1).double()
    b = (noise + shift).flatten(1).double()
    return ((a * a).sum(1) - (b * b).sum(1)) / (2 * std * std)


class _History:
    """The previous step's denoised estimates (guided and unguided) for multistep samplers."""

    def __init__(self):
        self.guided = self.unguided = None
        self.log_step = None

    def permute(self, index):
        if self.guided is not None:
            self.guided, self.unguided = self.guided[index], self.unguided[index]


def smc_sample(model, x: torch.Tensor, sigmas, *, particles: int, stepper, family,
               generator: torch.Generator | None = None, ess_threshold: float = DEFAULT_ESS_THRESHOLD,
               outputs: int = 1, callback=None, report=None) -> torch.Tensor:
    """Samples G = len(x) / particles outputs. model(x, sigma[N]) -> (D_q, D_q - D or None, log_w [N], alpha [N], evaluated [N]):
    the guided denoised, what guidance added, log w(x0_bar) in the units guidance uses, the alpha
    that scaled the guidance, and where log w was evaluated (not where alpha skipped the step;
    the model must evaluate every particle at the last noisy step). `particles`: the group size.

    Returns x [N]; the first `outputs` slots of each group hold its draws: one multinomial draw
    (outputs = 1), or `outputs` systematic draws, which follow the group's weights with the least
    spread (a whole batch as one group: its class mix tracks the weights; outputs = particles:
    every particle an equally weighted draw, for benchmarks that score a population).

    family: guidance.families row (noise_level, data_scale) of the model.
    callback(i, denoised, x) after each step (previews, progress, interrupt); report(SmcReport).
    generator drives the noise and the resampling (same seed, same result)."""
    n = x.shape[0]
    if particles < 1 or n % particles:
        raise ValueError(f"the batch ({n}) must be a whole number of groups of {particles} particles")
    if not 1 <= outputs <= particles:
        raise ValueError(f"outputs per group must be 1..{particles}; got {outputs}")
    groups = n // particles
    sigmas = [float(s) for s in torch.as_tensor(sigmas).flatten().cpu()]
    steps = len(sigmas) - 1
    weights = GroupWeights(groups, particles, x.device)
    last_twist = torch.zeros(n, dtype=torch.float64, device=x.device)
    pending = torch.zeros(n, dtype=torch.float64, device=x.device)  # log p/q of the move into x
    history = _History()
    for i in range(steps):
        sigma, sigma_next = sigmas[i], sigmas[i + 1]
        denoised, update, log_w, alpha, evaluated = model(x, torch.full((n,), sigma, dtype=x.dtype, device=x.device))
        final = sigma_next == 0 or i == steps - 1
        twist = _twist(log_w, alpha, evaluated, final)
        weights.add(twist - last_twist + pending)
        weights.rescue_dead_groups()
        ess = weights.ess()
        resample = torch.ones_like(ess, dtype=torch.bool) if final else ess < ess_threshold * particles
        update = update if update is not None else torch.zeros_like(denoised)
        if final:
            within = _final_draws(weights.normalised(), outputs, generator)
        else:
            within = systematic_ancestors(weights.normalised(), generator)
            keep = torch.arange(particles, device=x.device).expand(groups, particles)
            within = torch.where(resample.unsqueeze(1), within, keep)
        if bool(resample.any()):
            index = flat_indices(within)
            x, denoised, update, twist = x[index], denoised[index], update[index], twist[index]
            history.permute(index)
            weights.reset(resample)
        # A non-finite twist already zeroed its particle (or its whole group restarted with equal
        # weights): the next increment counts from 0, not from -inf.
        last_twist = torch.where(torch.isfinite(twist), twist, torch.zeros_like(twist))
        if final:  # after the draw: the unguided kernel (p/q = 1), so the draw's target holds
            update = torch.zeros_like(update)
        x, pending = _move(stepper, family, x, denoised, update, history, sigma, sigma_next, generator)
        if report is not None:
            report(SmcReport(i + 1, steps, float(ess.mean()), particles, bool(resample.any()),
                             weights.zero_weight, weights.fallback_groups))
        if callback is not None:
            callback(i, denoised, x)
    return x


def _final_draws(probs: torch.Tensor, outputs: int, generator) -> torch.Tensor:
    """[G, K] slots: the first `outputs` are the group's draws, the rest repeat the first."""
    groups, k = probs.shape
    if outputs == 1:
        draws = draw_one_per_group(probs, generator).view(-1, 1)
    else:
        draws = systematic_ancestors(probs, generator, points=outputs)
    return torch.cat([draws, draws[:, :1].expand(groups, k - outputs)], dim=1)


def _twist(log_w: torch.Tensor, alpha: torch.Tensor, evaluated: torch.Tensor, final: bool) -> torch.Tensor:
    """alpha * log w where the reward was evaluated (full strength at the last step), 0 elsewhere.
    A non-finite evaluated value stays non-finite: the weights count it and zero the particle."""
    log_w = log_w.to(torch.float64)
    strength = torch.ones_like(log_w) if final else alpha.to(log_w)
    return torch.where(evaluated.to(torch.bool), strength * log_w, torch.zeros_like(log_w))


def _move(stepper, family, x, denoised, update, history, sigma, sigma_next, generator):
    """One transition from the proposal (guided) kernel; returns (x_next, log p/q of the move)."""
    s, s_next = float(family.noise_level(torch.tensor(sigma, dtype=torch.float64))), \
        float(family.noise_level(torch.tensor(sigma_next, dtype=torch.float64)))
    scale, scale_next = family.data_scale(sigma), family.data_scale(sigma_next)
    y = x / scale if scale > 0 else x  # unused at s = inf (the mean is D there)
    unguided = denoised - update
    mean_q = stepper.mean(y, denoised, history.guided, s, s_next, history.log_step)
    mean_p = stepper.mean(y, unguided, history.unguided, s, s_next, history.log_step)
    std = stepper.noise_std(s, s_next)
    noise = std * torch.randn(x.shape, dtype=torch.float64, generator=generator).to(x)
    log_ratio = _gaussian_log_ratio(noise, mean_q - mean_p, std)
    if stepper.uses_history:
        history.guided, history.unguided, history.log_step = denoised, unguided, stepper.log_step(s, s_next)
    return ((mean_q + noise) * scale_next).to(x.dtype), log_ratio
