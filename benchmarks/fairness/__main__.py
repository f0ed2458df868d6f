"""python -m benchmarks.fairness [--quick] [--out FILE]: does a batch of 8 reach the target class mix?

The base model is a 2-D mixture of two classes (0.8 / 0.2, overlapping a little), the
classifier is the exact class posterior p(y | x0) of that mixture (known probabilities), and
the reward is the fairness re-weighting w(x) = sum_y p(y|x) target(y) / base(y)
(rewards/fairness.py) with target 0.5 / 0.5: q has exactly the target class mix. Each method
samples batches of 8 images; a batch's achieved mix counts each image as its most likely class.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch

from benchmarks.markdown import table
from benchmarks.toy2d.methods import Counted
from benchmarks.toy2d.truth import importance_resample
from guidance.families import VE
from guidance.mixture import GaussianMixture
from guidance.sampling import GuidedDenoiser, TwistedDenoiser, karras_sigmas, sample_euler
from particles import PARTICLE_SCHEDULE_C, smc_sample, stepper_for
from rewards.fairness import fairness_log_weight
from schedulers import PaperAlpha

BATCH = 8
BASE_MIX, TARGET_MIX = (0.8, 0.2), (0.5, 0.5)
OUT = Path(__file__).resolve().parents[2] / "docs" / "fairness_particles.md"


def problem():
    p = GaussianMixture(list(BASE_MIX), torch.tensor([[-1.0, 0.0], [1.0, 0.0]]), torch.tensor([0.45**2, 0.45**2]))
    base, target = torch.tensor(BASE_MIX, dtype=torch.float64), torch.tensor(TARGET_MIX, dtype=torch.float64)

    def class_log_probs(x0):
        x0 = x0.reshape(x0.shape[0], -1).to(torch.float64)
        return torch.log_softmax(p.weights.log() + p._component_log_density(x0, torch.zeros(x0.shape[0], dtype=x0.dtype)), 1)

    def log_w(x0, strength=1.0):
        return strength * fairness_log_weight(class_log_probs(x0), target, base)

    return p, class_log_probs, log_w


def batch_stats(images, class_log_probs) -> dict:
    minority = (class_log_probs(images).argmax(1) == 1).double().view(-1, BATCH).mean(1)  # per batch
    return {"share": float(minority.mean()), "batch_error": float((minority - TARGET_MIX[1]).abs().mean()),
            "exact": float((minority == TARGET_MIX[1]).double().mean())}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fairness", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="50 batches instead of 400 (for tests)")
    parser.add_argument("--out", type=Path, default=None, help=f"write the markdown here (docs: {OUT})")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    batches, steps = (50, 20) if args.quick else (400, 30)
    n = batches * BATCH
    p, class_log_probs, log_w = problem()
    sigmas = karras_sigmas(steps)
    gen = torch.Generator().manual_seed(0)
    noise = torch.randn(n, 2, dtype=torch.float64, generator=gen) * float(sigmas[0])
    rows = []

    def add(label, images, seconds, calls):
        rows.append([label] + [f"{v:.3f}" for v in batch_stats(images, class_log_probs).values()]
                    + [f"{seconds:.2f}", f"{calls:.0f}"])

    pool = p.sample(200_000, gen)
    truth = importance_resample(pool, log_w(pool).exp(), n, gen)
    add("q itself (importance resampling: iid draws, the best any sampler can do)", truth, 0.0, 0)
    start = time.perf_counter()
    add("Base sampler (no guidance)", sample_euler(p.denoise, noise, sigmas), time.perf_counter() - start, steps)
    for strength in (1.0, 3.0, 10.0):
        counted = Counted(p.denoise)
        guided = GuidedDenoiser(counted, lambda x0, s=strength: log_w(x0, s), PaperAlpha(10.0).bind(sigmas))
        start = time.perf_counter()
        out = sample_euler(guided, noise, sigmas)
        calls = counted.points / n  # the adaptive probe skips some finite-difference calls
        add(f"LAGS alone, strength {strength:g}", out, time.perf_counter() - start, calls)
    for k, whole_batch in ((4, False), (8, False), (4, True), (8, True)):
        x = torch.randn(n * k, 2, dtype=torch.float64, generator=gen) * float(sigmas[0])
        counted = Counted(p.denoise)
        model = TwistedDenoiser(counted, log_w, PaperAlpha(PARTICLE_SCHEDULE_C).bind(sigmas),
                                final_sigma=float(sigmas[-2]))
        group, outputs = (k * BATCH, BATCH) if whole_batch else (k, 1)
        start = time.perf_counter()
        out = smc_sample(model, x, sigmas, particles=group, outputs=outputs, stepper=stepper_for("euler_ancestral"),
                         family=VE, generator=gen)
        out = out.view(-1, group, 2)[:, :outputs].reshape(-1, 2)
        calls = counted.points / n
        how = "the batch's 8 x K particles resampled together" if whole_batch else "each image on its own"
        add(f"Particles K={k} per image, strength 1, {how}", out, time.perf_counter() - start, calls)
    text = "\n\n".join([
        "# Fairness with particles: class mix in batches of 8",
        f"Regenerate with `python -m benchmarks.fairness --out docs/fairness_particles.md` (CPU, one thread, "
        f"seconds). {batches} batches of {BATCH} per method, {steps} Karras steps (SDXL's sigma range).",
        "Base model: two classes, 0.8 / 0.2, each a Gaussian of std 0.45 at (-1, 0) and (1, 0). Classifier: the "
        "exact class posterior p(y | x0) of that mixture (known probabilities; each image is counted as its most "
        "likely class). Reward: the fairness re-weighting of `rewards/fairness.py`, w = sum_y p(y|x) "
        "target(y)/base(y), target 0.5 / 0.5, so q's class mix is the target; strength 1 is that exact "
        "re-weighting. LAGS alone uses alpha(t) with c = 10 and euler; particles use euler ancestral and "
        f"alpha(t) with c = {PARTICLE_SCHEDULE_C:g} for guidance and weights.",
        table(["method", "minority share (target 0.500)", "mean |batch share - 0.5|", "batches exactly 4 / 4",
               f"wall s ({n} images)", "model calls / image"], rows),
        "Reading: the first row is the floor for batches of 8 independent draws from q (a batch of 8 iid "
        "draws is binomial, so even q misses 4 / 4 most of the time). Single-trajectory guidance cannot move "
        "images between classes once alpha(t) turns on (the class is decided earlier); a stronger strength "
        "only pushes harder within the class. Particles re-weight whole trajectories. Each image on its own, "
        "a group of K particles draws one image; with few particles of the rarer class in a group, its draw "
        "under-represents that class (self-normalised weights). With the batch's particles resampled together, "
        "the 8 outputs are systematic draws from all 8 x K weighted particles, so the batch's mix follows the "
        "weights closely; the images are then no longer independent of each other.",
    ]) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
