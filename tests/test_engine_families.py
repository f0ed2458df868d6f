"""The model-family rows (guidance/families.py) against exact ground truth: a Gaussian prior
tilted by a linear reward, where first-order guidance is exact, in VE and flow form."""
import math

import pytest
import torch

from guidance import FLOW, VE, guided_denoise
from guidance.mixture import GaussianMixture, flow_denoiser
from guidance.sampling import sample_euler
from schedulers import ConstantAlpha, PaperAlpha

D = 3
MEAN = torch.tensor([[0.5, -1.0, 2.0]], dtype=torch.float64)
COV = torch.tensor([[[1.0, 0.3, 0.0], [0.3, 0.5, 0.1], [0.0, 0.1, 2.0]]], dtype=torch.float64)
TILT = torch.tensor([0.8, -0.4, 0.3], dtype=torch.float64)  # log w(x0) = TILT . x0


def prior():
    return GaussianMixture([1.0], MEAN, COV)


def tilted():
    """q ~ exp(TILT . x0) N(MEAN, COV) = N(MEAN + COV TILT, COV)."""
    return GaussianMixture([1.0], MEAN + (COV[0] @ TILT), COV)


def linear_log_w(x0):
    return x0.reshape(x0.shape[0], -1) @ TILT.to(x0)


def denoisers(family):
    if family is FLOW:
        return flow_denoiser(prior()), flow_denoiser(tilted())
    return prior().denoise, tilted().denoise


@pytest.mark.parametrize("family, sigmas", [(VE, [0.05, 0.7, 3.0]), (FLOW, [0.05, 0.5, 0.93])])
@pytest.mark.parametrize("method", ["lags", "dps"])
def test_guided_denoiser_is_the_tilted_models_denoiser(family, sigmas, method):
    """With a Gaussian prior and a linear log w, grad log E[w | x] = J^T grad log w exactly,
    so D + scale * g must equal q's own denoiser for the family's scale and level."""
    p_denoise, q_denoise = denoisers(family)
    gen = torch.Generator().manual_seed(0)
    for s in sigmas:
        x = torch.randn(5, D, generator=gen, dtype=torch.float64) * 2
        sigma = torch.full((5,), s, dtype=torch.float64)
        out = guided_denoise(p_denoise, linear_log_w, x, sigma, ConstantAlpha(1.0), method=method, epsilon=1e-4,
                             skip_below=0.0, family=family).denoised
        assert torch.allclose(out, q_denoise(x, sigma), atol=1e-6), (family.name, s)


def test_the_vp_formula_on_a_flow_model_is_wrong():
    """What the pack did before the table: sigma^2 alpha(sigma) g on a flow model misses q."""
    p_denoise, q_denoise = denoisers(FLOW)
    x = torch.randn(5, D, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    sigma = torch.full((5,), 0.5, dtype=torch.float64)
    wrong = guided_denoise(p_denoise, linear_log_w, x, sigma, ConstantAlpha(1.0), epsilon=1e-4, skip_below=0.0,
                           family=VE).denoised
    assert not torch.allclose(wrong, q_denoise(x, sigma), atol=1e-2)


def test_tweedie_uses_the_familys_flat_jacobian():
    """A very broad prior has J ~ the flat-data Jacobian, so tweedie ~ lags there."""
    broad = GaussianMixture([1.0], MEAN, COV * 1e6)
    x = torch.randn(4, D, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    for family, denoise, s in ((VE, broad.denoise, 0.5), (FLOW, flow_denoiser(broad), 0.5)):
        sigma = torch.full((4,), s, dtype=torch.float64)
        kwargs = dict(epsilon=1e-4, skip_below=0.0, family=family)
        tweedie = guided_denoise(denoise, linear_log_w, x, sigma, ConstantAlpha(1.0), method="tweedie", **kwargs)
        lags = guided_denoise(denoise, linear_log_w, x, sigma, ConstantAlpha(1.0), method="lags", **kwargs)
        assert torch.allclose(tweedie.denoised, lags.denoised, atol=1e-4), family.name


def test_flow_alpha_sees_the_equivalent_noise_level_and_pure_noise_is_never_guided():
    p_denoise, _ = denoisers(FLOW)
    x = torch.randn(3, D, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    sigma = torch.tensor([1.0, 0.5, 0.1], dtype=torch.float64)
    result = guided_denoise(p_denoise, linear_log_w, x, sigma, PaperAlpha(10.0), family=FLOW)
    d = result.diagnostics
    assert torch.allclose(d.level[1:], torch.tensor([1.0, 0.1 / 0.9], dtype=torch.float64))
    assert math.isinf(d.level[0]) and d.alpha[0] == 0 and not d.guided[0]
    assert torch.equal(result.denoised[0], p_denoise(x, sigma)[0])  # bit for bit
    assert torch.allclose(d.alpha[1:], 1 / (1 + 10 * d.level[1:] ** 4))
    # A constant alpha = 1 must not guide sigma = 1 either (its scale is infinite there).
    result = guided_denoise(p_denoise, linear_log_w, x, sigma, ConstantAlpha(1.0), family=FLOW)
    assert not result.diagnostics.guided[0] and torch.isfinite(result.denoised).all()


def _flow_sigmas(steps, shift=3.0):
    t = torch.linspace(1, 0, steps + 1, dtype=torch.float64)
    return shift * t / (1 + (shift - 1) * t)


@pytest.mark.parametrize("family", [VE, FLOW])
def test_guided_sampling_reaches_the_tilted_distribution(family):
    n = 20000
    gen = torch.Generator().manual_seed(4)
    p_denoise, _ = denoisers(family)
    if family is FLOW:
        sigmas, x = _flow_sigmas(60), torch.randn(n, D, generator=gen, dtype=torch.float64)
    else:
        from guidance.sampling import karras_sigmas

        sigmas = karras_sigmas(60, sigma_max=80.0)
        x = torch.randn(n, D, generator=gen, dtype=torch.float64) * 80.0

    def guided(x, sigma):
        return guided_denoise(p_denoise, linear_log_w, x, sigma, ConstantAlpha(1.0), epsilon=1e-3,
                              skip_below=0.0, family=family).denoised

    samples = sample_euler(guided, x, sigmas)
    base = sample_euler(p_denoise, x, sigmas)  # same noise: shares the sampler's discretisation error
    assert torch.allclose(base.mean(0), MEAN[0], atol=0.05)
    assert torch.allclose(samples.mean(0) - base.mean(0), COV[0] @ TILT, atol=0.02), samples.mean(0)
    assert torch.allclose(torch.cov(samples.T), torch.cov(base.T), atol=0.02)
