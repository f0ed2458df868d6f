"""The finite-difference J v of `lags` against autograd's J v in float64 (ground truth)."""
import copy

import pytest
import torch

from guidance import DEFAULT_EPSILON
from guidance.engine import lags_direction
from guidance.mixture import GaussianMixture
from guidance.reward_gradient import compute_dtype_for
from conv_denoiser import ConvDenoiser, fp16_network_on_fp32_latent

SIGMAS = [0.03, 0.3, 1.0, 3.0, 14.6]  # SDXL's karras range end to end

#: Bounds at the default epsilon, over SDXL's sigma range: float32 is limited by
#: truncation (measured here <= 0.048), float16 by round-off (<= 0.049 here; the sweep in
#: docs/epsilon_sweep.md saw <= 0.063 over the guided sigmas of a 4x128x128 latent).
FLOAT32_BOUND = 0.06
FLOAT16_BOUND = 0.07


def mixture():
    return GaussianMixture([0.3, 0.5, 0.2], [[-1.0, 0.5], [1.0, -0.5], [0.0, 1.5]], [0.2, 0.4, 0.1])


def fd_jvp(denoiser, x, sigma, v, epsilon):
    dtype = compute_dtype_for(x.dtype)
    with torch.no_grad():
        d0 = denoiser(x, sigma.to(x.dtype))
        return lags_direction(denoiser, x, sigma.to(x.dtype), sigma.to(dtype), d0, v.to(dtype), epsilon, dtype)


def exact_jvp(denoiser64, x, sigma, v):
    _, jv = torch.autograd.functional.jvp(lambda z: denoiser64(z, sigma.double()), (x.double(),), (v.double(),))
    return jv


def relative_error(fd, exact):
    return ((fd.double() - exact).flatten(1).norm(dim=1) / exact.flatten(1).norm(dim=1)).max().item()


def problem(shape, sigma, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, dtype=torch.float64, generator=gen) * (1 + sigma)
    v = torch.randn(shape, dtype=torch.float64, generator=gen)
    return x, v, torch.full((shape[0],), sigma, dtype=torch.float64)


@pytest.mark.parametrize("sigma", SIGMAS)
def test_fd_jvp_matches_autograd_on_mixture_float64(sigma):
    gm = mixture()
    x, v, s = problem((8, 2), sigma, seed=1)
    assert relative_error(fd_jvp(gm, x, s, v, 1e-6), exact_jvp(gm, x, s, v)) < 1e-3


@pytest.mark.parametrize("sigma", SIGMAS)
def test_fd_jvp_matches_autograd_on_conv_net_float64(sigma):
    net = ConvDenoiser().double()
    x, v, s = problem((2, 4, 16, 16), sigma, seed=2)
    assert relative_error(fd_jvp(net, x, s, v, 1e-6), exact_jvp(net, x, s, v)) < 1e-3


@pytest.mark.parametrize("sigma", SIGMAS)
def test_fd_jvp_at_default_epsilon_in_float32_on_mixture(sigma):
    gm = mixture()
    x, v, s = problem((64, 2), sigma, seed=5)
    assert relative_error(fd_jvp(gm, x.float(), s, v, DEFAULT_EPSILON), exact_jvp(gm, x, s, v)) < FLOAT32_BOUND


@pytest.mark.parametrize("sigma", SIGMAS)
def test_fd_jvp_at_default_epsilon_in_float32(sigma):
    net = ConvDenoiser()
    x, v, s = problem((2, 4, 16, 16), sigma, seed=3)
    err = relative_error(fd_jvp(net, x.float(), s, v, DEFAULT_EPSILON), exact_jvp(copy.deepcopy(net).double(), x, s, v))
    assert err < FLOAT32_BOUND


@pytest.mark.parametrize("sigma", SIGMAS)
def test_fd_jvp_at_default_epsilon_in_float16_has_documented_bound(sigma):
    net = ConvDenoiser()
    x, v, s = problem((1, 4, 32, 32), sigma, seed=4)
    fd = fd_jvp(copy.deepcopy(net).half(), x.half(), s, v, DEFAULT_EPSILON)
    assert fd.dtype == torch.float32, "the FD difference must be taken in float32"
    err = relative_error(fd, exact_jvp(copy.deepcopy(net).double(), x.half().double(), s, v))
    assert err < FLOAT16_BOUND


@pytest.mark.parametrize("sigma", SIGMAS)
def test_fp16_network_on_fp32_latent_needs_the_denoiser_dtype_floor(sigma):
    net = ConvDenoiser()
    x, v, s = problem((1, 4, 32, 32), sigma, seed=6)
    denoise = fp16_network_on_fp32_latent(net)
    exact = exact_jvp(copy.deepcopy(net).double(), x.float().double(), s, v)
    x32, v32, s32 = x.float(), v.float(), s.float()
    with torch.no_grad():
        d0 = denoise(x32, s32)
        floored = lags_direction(denoise, x32, s32, s32, d0, v32, DEFAULT_EPSILON, torch.float32, torch.float16)
        unfloored = lags_direction(denoise, x32, s32, s32, d0, v32, DEFAULT_EPSILON, torch.float32)
    assert relative_error(floored, exact) < FLOAT16_BOUND
    # Judging the floor by x's float32 alone leaves float16 rounding noise where the step
    # is small (low sigma); elsewhere both steps coincide.
    assert relative_error(unfloored, exact) >= relative_error(floored, exact)
    if sigma < 0.1:
        assert relative_error(unfloored, exact) > 2 * FLOAT16_BOUND
