"""The epsilon sweep's harness: its denoiser layouts, its FD-vs-autograd check, its report."""
import torch

from benchmarks.epsilon_sweep.cases import Case, sweep_case
from benchmarks.epsilon_sweep.conv_denoiser import INPUT_DTYPES, LAYOUTS, ConvLatentDenoiser
from benchmarks.epsilon_sweep.fd_error import exact_jvp, fd_jvp, relative_errors
from benchmarks.epsilon_sweep.report import markdown


def _latent(sigma, seed=0, size=16):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(1, 4, size, size, dtype=torch.float64, generator=gen) * (1 + sigma)
    v = torch.randn(1, 4, size, size, dtype=torch.float64, generator=gen)
    return x, v, torch.full((1,), sigma, dtype=torch.float64)


def test_layouts_compute_the_same_function_up_to_float16_rounding():
    net = ConvLatentDenoiser(width=8)
    x, _, s = _latent(2.0)
    ref = net.denoiser("float64")(x, s)
    for layout in LAYOUTS[1:]:
        out = net.denoiser(layout)(x.to(INPUT_DTYPES[layout]), s)
        assert out.dtype == INPUT_DTYPES[layout]
        assert ((out.double() - ref).norm() / ref.norm()) < 5e-3


def test_float64_fd_matches_autograd_so_the_harness_judges_only_rounding_and_step():
    net = ConvLatentDenoiser(width=8)
    ref = net.denoiser("float64")
    for sigma in (0.05, 1.0, 14.0):
        x, v, s = _latent(sigma, seed=1)
        err = relative_errors(fd_jvp(ref, x, s, v, 1e-6), exact_jvp(ref, x, s, v))
        assert err.max() < 1e-4


def test_sweep_and_report_on_a_tiny_case():
    net = ConvLatentDenoiser(width=8)
    case = Case("tiny float16", net.denoiser("float16"), net.denoiser("float64"), torch.float16, (1, 4, 8, 8),
                lambda n, g: torch.randn(n, 4, 8, 8, dtype=torch.float64, generator=g))
    errors, effective = sweep_case(case, [3.0, 0.1], [1e-3, 0.1])
    assert len(errors) == 2 and all(0 < e < 1 for row in errors for e in row)
    assert effective[0][0] > 1e-3  # float16: the engine's round-off floor lifts a tiny epsilon
    text = markdown([3.0, 0.1], [False, True], [1e-3, 0.1], {case.name: (errors, effective)}, 0.1)
    assert "(chosen" in text and "tiny float16" in text and "| 0.1 (" in text
