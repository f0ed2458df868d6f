"""docs/epsilon_sweep.md from the sweep's error tables."""
from __future__ import annotations

from ..markdown import table

COMMAND = "python -m benchmarks.epsilon_sweep"
DETAIL_SIGMAS = (14.6, 3.0, 1.0, 0.56, 0.3, 0.1, 0.029)


def _worst(errors, rows, j):
    return max(errors[i][j] for i in rows)


def _fmt(value: float) -> str:
    return f"{value:.1e}"


def best_epsilon(cases, guided_rows, epsilons):
    """The epsilon whose worst relative error (over cases and guided sigmas) is smallest."""
    scores = [max(_worst(errs, guided_rows, j) for errs, _ in cases.values()) for j in range(len(epsilons))]
    j = min(range(len(epsilons)), key=lambda k: scores[k])
    return epsilons[j], scores[j]


def markdown(sigmas, guided, epsilons, results, current_default, quick=False) -> str:
    names = list(results)
    all_rows = list(range(len(sigmas)))
    guided_rows = [i for i, g in enumerate(guided) if g]
    best, best_score = best_epsilon(results, guided_rows, epsilons)
    j_best = epsilons.index(best)

    def label(eps):
        marks = [m for m, on in (("chosen", eps == best), ("engine default", eps == current_default)) if on]
        return f"{eps:g}" + (f" ({', '.join(marks)})" if marks else "")

    def worst_table(rows):
        body = [[label(eps)] + [_fmt(_worst(results[n][0], rows, j)) for n in names] for j, eps in enumerate(epsilons)]
        return table(["epsilon"] + names, body)

    detail_idx = sorted({min(all_rows, key=lambda i: abs(sigmas[i] - s)) for s in DETAIL_SIGMAS})
    details = []
    for n in names:
        errs, eff = results[n]
        body = [[f"{eps:g}"] + [f"{_fmt(errs[i][j])}" + (f" (eff {eff[i][j]:.2g})" if eff[i][j] > eps * 1.01 else "")
                                for i in detail_idx] for j, eps in enumerate(epsilons)]
        details += [f"### {n}", table(["epsilon \\ sigma"] + [f"{sigmas[i]:.3g}" for i in detail_idx], body)]

    bounds = [f"- {n}: {_fmt(_worst(results[n][0], all_rows, j_best))} over all {len(sigmas)} sigmas, "
              f"{_fmt(_worst(results[n][0], guided_rows, j_best))} over the guided ones."
              for n in names]
    parts = [
        "# Finite-difference step sweep (epsilon)",
        f"Regenerate with `{COMMAND}`" + (" (this copy was made with --quick)" if quick else "") +
        ". CPU, one thread, float64 autograd as the reference.",
        "## What is measured",
        "\n".join([
            "- FD J v: `guidance.engine.lags_direction` exactly as `guided_denoise` calls it for `lags`: the probe "
            "moves each item by h = max(epsilon * sigma * sqrt(d), sqrt(u/2) * ||x||) along v/||v|| "
            "(u = unit round-off of the dtype the denoiser computes in, `denoiser_dtype`), and the difference is taken in float32/float64.",
            "- Reference: forward-mode autograd J v (`torch.func.jvp`) of the same function in float64, at the "
            "same (rounded) x, so only the finite difference is judged.",
            "- Error: ||FD - exact|| / ||exact||, the max over the batch (256 points for the mixture, one "
            "4x128x128 latent for the conv net), with x = x0 + sigma n (x0 a clean sample) and v ~ N(0, I).",
            f"- Sigmas: the {len(sigmas)} model sigmas of SDXL's 30-step Karras schedule ({sigmas[0]:.3g} .. "
            f"{sigmas[-1]:.3g}); \"guided\" = the {len(guided_rows)} with alpha(t) = 1/(1+10 sigma^4) >= 1e-3 "
            "(the engine skips the rest).",
            "- Cases: the 2-D benchmark mixture (`benchmarks.toy2d`, exact denoiser) in float64 and float32; a "
            "4-layer width-32 random conv net G as D = c_skip x + c_out G(c_in x) (EDM form, sigma_data = 1), "
            "(i) all in float16, (ii) ComfyUI's layout for an fp16 SDXL UNet: float32 latent, the network "
            "predicts eps in float16, D = x - sigma * eps computed in float32 "
            "(see `benchmarks/epsilon_sweep/conv_denoiser.py`).",
        ]),
        "## Worst relative error over the guided sigmas",
        worst_table(guided_rows),
        "## Worst relative error over all sigmas",
        worst_table(all_rows),
        "## Choice",
        f"Rule: the epsilon whose worst error over every case and every guided sigma is lowest: "
        f"**epsilon = {best:g}** (worst {_fmt(best_score)}). The engine's DEFAULT_EPSILON when this file was "
        f"written: {current_default:g}.",
        f"Worst relative error at epsilon = {best:g} (the bounds tests can use):\n" + "\n".join(bounds),
        "## Reading",
        "\n".join([
            "- Truncation: the forward difference is first order, so its error grows in proportion to epsilon "
            "(the mixture columns; float64 has no other error).",
            "- Round-off: where D carries float16 rounding the error grows like u / epsilon. The engine's floor "
            "sqrt(u/2) ||x||, with u taken from the dtype the denoiser computes in (`denoiser_dtype`; the "
            "ComfyUI bridge passes the UNet's compute dtype), caps it: both float16 columns are flat below the "
            "floor, including a float32 latent fed to a float16 network -- ComfyUI's usual way of running an "
            "fp16 SDXL UNet. That layout stays worst at high sigma, where eps is multiplied by sigma and J is "
            "small; the engine skips guidance there (alpha < 1e-3).",
        ]),
        "## Per sigma",
        "\"eff\" = the engine's effective epsilon where its round-off floor is larger than epsilon.",
    ] + details
    return "\n\n".join(parts) + "\n"
