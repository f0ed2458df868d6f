"""guided_denoise: methods, dtypes, skipping, inference mode, guards and bad input."""
import math

import pytest
import torch

from guidance import METHODS, guided_denoise
from guidance.mixture import GaussianMixture, gaussian_log_weight
from schedulers import ConstantAlpha, PaperAlpha
from conv_denoiser import ConvDenoiser

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]


def net_and_input(dtype, batch=3, seed=0):
    net = ConvDenoiser().to(dtype)
    gen = torch.Generator().manual_seed(seed)
    x = (torch.randn(batch, 4, 8, 8, generator=gen) * 1.5).to(dtype)
    return net, x


def mean_log_w(x0):  # a smooth latent-space reward
    return -((x0 - 0.5) ** 2).flatten(1).mean(1)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("method", METHODS)
def test_every_method_and_dtype_returns_finite_guided_denoised(dtype, method):
    net, x = net_and_input(dtype)
    sigma = torch.tensor([0.5, 0.5, 0.5])
    with torch.no_grad():
        res = guided_denoise(net, mean_log_w, x, sigma, ConstantAlpha(1.0), method=method)
    assert res.denoised.dtype == dtype and res.denoised.shape == x.shape
    assert torch.isfinite(res.denoised).all()
    d = res.diagnostics
    assert d.guided.all() and not d.guarded.any() and (d.grad_norm > 0).all()
    assert torch.allclose(d.log_w, mean_log_w(net(x, sigma.to(dtype)).double()), rtol=0.05, atol=1e-3)


def test_alpha_zero_gives_the_unguided_denoised_bit_for_bit():
    net, x = net_and_input(torch.float16)
    sigma = torch.full((3,), 0.7)
    with torch.no_grad():
        plain = net(x, sigma.half())
        res = guided_denoise(net, mean_log_w, x, sigma, ConstantAlpha(0.0), skip_below=0.0)
    assert torch.equal(res.denoised, plain)
    assert not res.diagnostics.guided.any()


def test_items_below_skip_threshold_are_untouched_and_cost_no_reward_call():
    calls = []

    def counting_log_w(x0):
        calls.append(x0.shape[0])
        return mean_log_w(x0)

    net, x = net_and_input(torch.float32)
    sigma = torch.full((3,), 14.6)  # PaperAlpha(10): alpha = 2e-6 < 1e-3
    with torch.no_grad():
        res = guided_denoise(net, counting_log_w, x, sigma, PaperAlpha(10))
        assert torch.equal(res.denoised, net(x, sigma))
    assert calls == []


def test_guidance_raises_the_reward_of_the_denoised():
    net, x = net_and_input(torch.float32)
    sigma = torch.full((3,), 0.3)
    with torch.no_grad():
        res = guided_denoise(net, mean_log_w, x, sigma, ConstantAlpha(1.0))
        plain = net(x, sigma)
    assert (mean_log_w(res.denoised) > mean_log_w(plain)).all()


def test_lags_matches_dps_when_the_jacobian_is_symmetric():
    # The exact mixture denoiser has a symmetric Jacobian, so J v (lags) = J^T v (dps).
    gm = GaussianMixture([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.5]], [0.3, 0.2])
    x = torch.tensor([[0.2, 0.1], [-0.5, 1.0]], dtype=torch.float64)
    lw = gaussian_log_weight([1.0, 1.0], 0.7)
    kw = dict(sigma=torch.tensor([0.6, 0.6]), schedule=ConstantAlpha(1.0))
    lags = guided_denoise(gm, lw, x, method="lags", epsilon=1e-6, **kw).denoised
    dps = guided_denoise(gm, lw, x, method="dps", **kw).denoised
    assert torch.allclose(lags, dps, atol=1e-6)


def test_tweedie_uses_the_reward_gradient_as_is():
    gm = GaussianMixture([1.0], [[0.0, 0.0]], [1.0])
    x = torch.tensor([[0.3, -0.2]], dtype=torch.float64)
    b, tau, sigma = torch.tensor([1.0, 2.0]), 0.5, 0.4
    res = guided_denoise(gm, gaussian_log_weight(b, tau), x, sigma, ConstantAlpha(1.0), method="tweedie")
    d = gm(x, torch.tensor([sigma]))
    assert torch.allclose(res.denoised, d + sigma**2 * (b - d) / tau**2)


@pytest.mark.parametrize("mode", ["inference_mode", "no_grad"])
def test_works_when_the_caller_disables_autograd(mode):
    ctx = torch.inference_mode() if mode == "inference_mode" else torch.no_grad()
    with ctx:
        net, x = net_and_input(torch.float32)  # weights created here are inference tensors
        res = guided_denoise(net, mean_log_w, x, 0.5, ConstantAlpha(1.0))
    assert res.diagnostics.guided.all() and torch.isfinite(res.denoised).all()


def test_non_finite_guidance_falls_back_per_item_and_is_counted():
    net, x = net_and_input(torch.float32)

    def poisoned(x0):  # item 1's gradient is nan
        scale = torch.tensor([1.0, math.nan, 1.0])
        return mean_log_w(x0) * scale

    sigma = torch.full((3,), 0.5)
    with torch.no_grad():
        res = guided_denoise(net, poisoned, x, sigma, ConstantAlpha(1.0))
        plain = net(x, sigma)
    assert res.diagnostics.guarded.tolist() == [False, True, False]
    assert res.diagnostics.num_guarded == 1
    assert torch.equal(res.denoised[1], plain[1])
    assert not torch.equal(res.denoised[0], plain[0])
    assert torch.isfinite(res.denoised).all()


def test_overflowing_guidance_in_float16_never_returns_inf():
    net, x = net_and_input(torch.float16)
    huge = lambda x0: 1e30 * x0.flatten(1).sum(1)  # noqa: E731 - gradient 1e30 overflows float16
    res = guided_denoise(net, huge, x, 1.0, ConstantAlpha(1.0), method="tweedie")
    assert torch.isfinite(res.denoised).all() and res.diagnostics.guarded.all()


@pytest.mark.parametrize("epsilon", [0.0, -1.0, math.nan, math.inf, "abc"])
def test_bad_epsilon_is_rejected_by_name(epsilon):
    net, x = net_and_input(torch.float32)
    with pytest.raises(ValueError, match="epsilon"):
        guided_denoise(net, mean_log_w, x, 0.5, ConstantAlpha(1.0), epsilon=epsilon)


@pytest.mark.parametrize("sigma", [math.nan, math.inf, -1.0, [0.5, 0.5]])
def test_bad_sigma_is_rejected_by_name(sigma):
    net, x = net_and_input(torch.float32)
    with pytest.raises(ValueError, match="sigma"):
        guided_denoise(net, mean_log_w, x, torch.tensor(sigma), ConstantAlpha(1.0))


@pytest.mark.parametrize("bad_log_w", [lambda x0: x0.flatten(1).sum(), lambda x0: x0.flatten(1)[:, :2],
                                       lambda x0: [1.0, 2.0, 3.0]])
def test_log_w_of_the_wrong_shape_is_rejected_by_name(bad_log_w):
    net, x = net_and_input(torch.float32)
    with pytest.raises(ValueError, match="log_w"):
        guided_denoise(net, bad_log_w, x, 0.5, ConstantAlpha(1.0))


def test_unknown_method_and_bad_schedule_are_rejected_by_name():
    net, x = net_and_input(torch.float32)
    with pytest.raises(ValueError, match="method"):
        guided_denoise(net, mean_log_w, x, 0.5, ConstantAlpha(1.0), method="magic")
    with pytest.raises(ValueError, match="schedule"):
        guided_denoise(net, mean_log_w, x, 0.5, lambda s: s * 0 + 2.0)
