"""How much guidance changed a step's denoised image, and when that is too little or too much.

Host-free. The per-step number is the relative displacement of the denoised estimate caused
by guidance, ||D_q - D|| / ||D|| (D_q - D is GuidanceResult.update). Its largest value over a
run ("peak") tracks the visible change of the final image; the two thresholds come from
`python -m benchmarks.guidance_effect` (real TAEF2 decoder weights, real photos, 10- and
30-step runs; docs/guidance_effect.md), and web/lib/effect.js mirrors them:

- below WEAK_PEAK (1 %): a colour reward moved the mean colour by Delta-E ~3 at most (the
  just-noticeable difference is ~2.3) and a detail reward changed the picture by less than
  about 40 dB PSNR: "too weak to see";
- above DESTRUCTIVE_PEAK (10 %): both rewards had changed the picture's structure to a
  structure PSNR of 22 dB or less; the colour reward had reached its target (more strength
  only damaged), the detail reward had put a third or more of the picture's energy into its
  band (from 2 %): "likely destructive".

The shipped default strengths peak at 4-6 %, about twice inside either threshold.
"""
from __future__ import annotations

import math

import torch

#: Peak displacement below which guidance is too weak to see.
WEAK_PEAK = 0.01
#: Peak displacement above which guidance has likely damaged the picture.
DESTRUCTIVE_PEAK = 0.10
#: Largest alpha of a schedule below which guidance cannot reach WEAK_PEAK at the default strengths.
TINY_ALPHA = 0.1


def relative_displacement(update: torch.Tensor | None, guided_denoised: torch.Tensor,
                          guided: torch.Tensor) -> float | None:
    """Mean over the guided items of ||update|| / ||D||, with D = guided_denoised - update;
    None where no item was guided (or the numbers are not finite)."""
    if update is None or not bool(guided.any()):
        return None
    update = update.detach().double().flatten(1)
    reference = guided_denoised.detach().double().flatten(1) - update
    ratio = update.norm(dim=1) / reference.norm(dim=1).clamp_min(1e-12)
    value = float(ratio[guided.to(ratio.device)].mean())
    return value if math.isfinite(value) else None


def verdict(peak: float | None, guided_steps: int) -> str | None:
    """"too weak to see", "likely destructive", or None (a visible, non-destructive change, or
    no displacement measured)."""
    if guided_steps == 0 or (peak is not None and peak < WEAK_PEAK):
        return "too weak to see"
    if peak is not None and peak > DESTRUCTIVE_PEAK:
        return "likely destructive"
    return None
