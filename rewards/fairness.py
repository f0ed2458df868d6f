"""Classifier fairness: re-weight the base model's class mix to a target mix.

With a classifier p(y|x), the base model's class distribution pi_hat and a
target pi_star,

    w(x) = sum_y p(y|x) * pi_star(y) / pi_hat(y).

If the classifier is confident (p(y|x) one-hot), samples of class y get weight
pi_star(y)/pi_hat(y) and q = w p / Z has class marginal exactly pi_star. The
"steer" mode asks for one class instead: log w = log p(k|x).

log w is returned times `strength` (1 = the exact re-weighting; more tempers q
towards the target harder). pi_hat is typed by the user or estimated from a
calibration batch of unguided samples (`estimate_base_distribution`).
"""
from __future__ import annotations

import math

import torch

from .base import PIXEL, Reward
from .decode_scale import model_input_scale
from .image_input import check_strength, image_rgb

BALANCE = "balance"
STEER = "steer"
MODES = (BALANCE, STEER)

#: Pseudo-count added per class when pi_hat is estimated, so that a class the
#: calibration batch never produced gets a finite (large) weight, not infinity.
CALIBRATION_PSEUDO_COUNT = 0.5

_NAME = "Classifier Fairness"


def parse_class_prompts(text: str) -> list[str]:
    """One class per non-empty line; at least two classes."""
    names = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(names) < 2:
        raise ValueError(f"{_NAME}: give at least two class prompts, one per line (got {len(names)})")
    if len(set(names)) != len(names):
        raise ValueError(f"{_NAME}: class prompts must be distinct")
    return names


def parse_proportions(text, count: int, what: str):
    """'0.5, 0.3, 0.2' (or '5:3:2', or spaces) -> normalised float64 [count]; empty -> None."""
    if text is None:
        return None
    if isinstance(text, (list, tuple, torch.Tensor)):
        values = [float(v) for v in text]
    else:
        parts = [p for p in str(text).replace(":", ",").replace(";", ",").replace(" ", ",").split(",") if p.strip()]
        if not parts:
            return None
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise ValueError(f"{_NAME}: {what} must be numbers separated by commas, got {text!r}") from None
    if len(values) != count:
        raise ValueError(f"{_NAME}: {what} has {len(values)} values but there are {count} classes")
    if any(not math.isfinite(v) or v < 0 for v in values) or sum(values) <= 0:
        raise ValueError(f"{_NAME}: {what} must be non-negative with a positive sum, got {values}")
    t = torch.tensor(values, dtype=torch.float64)
    return t / t.sum()


def fairness_log_weight(log_probs: torch.Tensor, target: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
    """log sum_y p(y|x) target(y)/base(y), computed in log space: [B, K] -> [B]."""
    ratio = torch.log(target.to(log_probs)) - torch.log(base.to(log_probs))
    return torch.logsumexp(log_probs + ratio, dim=-1)


def estimate_base_distribution(probs: torch.Tensor, pseudo_count: float = CALIBRATION_PSEUDO_COUNT) -> torch.Tensor:
    """pi_hat from classifier probabilities [N, K] of unguided samples (smoothed mean)."""
    probs = probs.detach().to(torch.float64)
    if probs.dim() != 2 or probs.shape[0] == 0:
        raise ValueError(f"{_NAME}: calibration needs at least one image")
    counts = probs.sum(0) + pseudo_count
    return counts / counts.sum()


class ClassifierFairnessReward(Reward):
    space = PIXEL
    name = "fairness"
    #: log w is about the whole image's class, and strength 1 is the exact re-weighting: guidance and
    #: particles use it as it is, not per latent pixel (reward_path/unit.py).
    per_image = True

    def __init__(self, classifier, target=None, base=None, mode: str = BALANCE, steer_class=0,
                 strength: float = 1.0, base_source: str = "given"):
        """classifier: has `class_names`, `log_probs(images) -> [B, K]`, `prepare(device)`."""
        if mode not in MODES:
            raise ValueError(f"{_NAME}: mode must be one of {MODES}, got {mode!r}")
        self.classifier = classifier
        self.class_names = list(classifier.class_names)
        k = len(self.class_names)
        self.mode = mode
        self.strength = check_strength(strength, _NAME)
        self.target = parse_proportions(target, k, "target proportions")
        if self.target is None:
            self.target = torch.full((k,), 1.0 / k, dtype=torch.float64)
        self.base = parse_proportions(base, k, "base proportions")
        self.base_source = base_source
        self.steer_index = self._class_index(steer_class)
        if mode == BALANCE:
            if self.base is None:
                raise ValueError(
                    f"{_NAME}: balancing needs the base model's class mix: type base proportions, or connect "
                    "calibration images (a batch sampled without guidance) so it can be estimated"
                )
            if bool((self.base <= 0).any()):
                raise ValueError(f"{_NAME}: base proportions must all be > 0 (a class the model never makes "
                                 "cannot be re-weighted up)")

    def _class_index(self, steer_class) -> int:
        if isinstance(steer_class, str) and not steer_class.strip().lstrip("-").isdigit():
            if steer_class.strip() not in self.class_names:
                raise ValueError(f"{_NAME}: steer class {steer_class!r} is not one of {self.class_names}")
            return self.class_names.index(steer_class.strip())
        index = int(steer_class)
        if not 0 <= index < len(self.class_names):
            raise ValueError(f"{_NAME}: steer class index {index} is out of range 0..{len(self.class_names) - 1}")
        return index

    def log_probs(self, x) -> torch.Tensor:
        """log p(y|x) [B, K] from the classifier (one pass)."""
        return self.classifier.log_probs(image_rgb(x, _NAME)).float()

    def log_w_from(self, log_probs: torch.Tensor) -> torch.Tensor:
        if self.mode == STEER:
            value = log_probs[:, self.steer_index]
        else:
            value = fairness_log_weight(log_probs, self.target, self.base)
        return self.strength * value

    def log_w(self, x):
        return self.log_w_from(self.log_probs(x)).to(device=x.device, dtype=torch.float32)

    def faithful_decode_scale(self, image_hw) -> float:
        size = getattr(getattr(getattr(self.classifier, "backbone", None), "preprocess", None), "size", None)
        return 1.0 if size is None else model_input_scale(size, image_hw)

    def prepare(self, device, dtype=None):
        self.classifier.prepare(device)
        return self

    def class_probabilities(self, images) -> torch.Tensor:
        with torch.no_grad():
            return self.classifier.log_probs(image_rgb(images, _NAME)).float().exp().cpu()

    def report(self, images) -> str:
        """Achieved class frequencies on a batch, next to the target and base mix."""
        return self.report_from(self.class_probabilities(images))

    def report_from(self, probabilities: torch.Tensor) -> str:
        """report() from class probabilities already computed (Reward Evaluate: one classifier pass)."""
        return class_frequency_table(probabilities, self.class_names, self.target, self.base, self.base_source,
                                     self.mode, self.steer_index)

    def describe(self):
        if self.mode == STEER:
            return f"fairness[steer to {self.class_names[self.steer_index]!r}, strength={self.strength:g}]"
        mix = ", ".join(f"{t:.2f}" for t in self.target.tolist())
        return f"fairness[balance to ({mix}), strength={self.strength:g}]"


def class_frequency_table(probs, class_names, target=None, base=None, base_source="given",
                          mode=BALANCE, steer_index=0) -> str:
    probs = probs.detach().to(torch.float64)
    n = probs.shape[0]
    winners = probs.argmax(dim=-1)
    counts = torch.bincount(winners, minlength=len(class_names))
    width = max(5, min(40, max(len(c) for c in class_names)))
    lines = [f"Class frequencies on {n} image(s) (each image counted as its most likely class):",
             f"{'class':<{width}}  count  achieved  target  base    mean p"]
    for i, name in enumerate(class_names):
        tgt = "" if target is None else f"{100 * float(target[i]):5.1f}%"
        if mode == STEER:
            tgt = "  100%" if i == steer_index else "    0%"
        bse = "" if base is None else f"{100 * float(base[i]):5.1f}%"
        label = name if len(name) <= width else name[: width - 3] + "..."
        lines.append(f"{label:<{width}}  {int(counts[i]):5d}  {100 * float(counts[i]) / max(n, 1):7.1f}%  "
                     f"{tgt:>6}  {bse:>6}  {float(probs[:, i].mean()):6.3f}")
    if base is not None and mode == BALANCE:
        lines.append(f"(base mix: {base_source})")
    return "\n".join(lines)
