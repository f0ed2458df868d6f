"""Scoring a batch with any reward, for A/B comparisons (guided vs plain).

For each image: the score of every learned term in its model's own units
(PickScore, HPS, aesthetic), the log w of terms without such a score, and the
total log w that guidance uses. Rewards with a `report(images)` method (the
fairness reward: achieved class frequencies) add their text below the table.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from .base import CombinedReward
from .scored_reward import ScoredReward

EVAL_CHUNK = 16  # images scored at once: bounds activation memory on large batches


@dataclass
class Evaluation:
    columns: list
    rows: list  # per image: one float per column
    total: list  # per image: total log w
    notes: list = field(default_factory=list)
    score_first: bool = False  # a single learned reward: column 0 is its score

    @property
    def primary(self) -> list:
        """The per-image numbers users compare: the model score for a single learned reward, else log w."""
        return [row[0] for row in self.rows] if self.score_first else list(self.total)


def _terms(reward):
    if isinstance(reward, CombinedReward):
        return list(reward.terms)
    return [(reward, 1.0)]


def _column(reward, lam, single: bool) -> str:
    """Short column titles: a learned term's score name, else '<name> log w'; (xλ) when combined."""
    weight = "" if single or lam == 1.0 else f" (x{lam:g})"
    label = getattr(reward, "score_label", None) or getattr(reward, "score_name", None)
    if hasattr(reward, "score") and label:
        return label + weight
    return "log w" if single else f"{getattr(reward, 'name', 'reward')} log w{weight}"


def _per_term(reward, lam, x, probabilities: list):
    """(shown value, lam * log w) per image, each model run once; classifier rewards append
    their class probabilities to `probabilities` for their report."""
    if isinstance(reward, ScoredReward):  # log w = strength * score: one model pass
        score = reward.score(x).float()
        return score, lam * reward.strength * score
    if hasattr(reward, "score") and getattr(reward, "score_name", None):
        return reward.score(x).float(), lam * reward.log_w(x).float()
    if hasattr(reward, "report_from"):
        log_probs = reward.log_probs(x)
        probabilities.append(log_probs.exp().cpu())
        value = lam * reward.log_w_from(log_probs).float()
        return value, value
    value = lam * reward.log_w(x).float()
    return value, value


def evaluate(reward, x: torch.Tensor, device=None) -> Evaluation:
    terms = _terms(reward)
    single = len(terms) == 1
    if device is not None:
        reward.prepare(torch.device(device), torch.float32)
    columns = [_column(r, lam, single) for r, lam in terms]
    if not single or columns[0] != "log w":
        columns.append("log w")
    rows, totals = [], []
    probabilities = {id(r): [] for r, _ in terms}
    with torch.no_grad():
        for start in range(0, x.shape[0], EVAL_CHUNK):
            chunk = x[start:start + EVAL_CHUNK]
            values, total = [], torch.zeros(chunk.shape[0])
            for r, lam in terms:
                shown, log_w = _per_term(r, lam, chunk, probabilities[id(r)])
                values.append(shown.cpu())
                total = total + log_w.cpu()
            if len(columns) > len(values):
                values.append(total)
            rows += torch.stack(values, dim=1).tolist()
            totals += total.tolist()
    notes = [r.report_from(torch.cat(probabilities[id(r)])) if probabilities[id(r)] else r.report(x)
             for r, _ in terms if hasattr(r, "report")]
    return Evaluation(columns, rows, totals, notes, score_first=single and columns[0] != "log w")


def _stats(values):
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return mean, std


def format_table(result: Evaluation, title: str = "", compare: Evaluation | None = None,
                 labels=("A", "B")) -> str:
    width = max(10, *(len(c) for c in result.columns))
    head = "image  " + "  ".join(f"{c:>{width}}" for c in result.columns)
    lines = [title] if title else []

    def block(label, ev):
        out = [f"[{label}] {len(ev.rows)} image(s)", head]
        out += [f"{i:5d}  " + "  ".join(f"{v:>{width}.4f}" for v in row) for i, row in enumerate(ev.rows)]
        means = [_stats([row[j] for row in ev.rows]) for j in range(len(ev.columns))]
        out.append(" mean  " + "  ".join(f"{m:>{width}.4f}" for m, _ in means))
        out.append("  std  " + "  ".join(f"{s:>{width}.4f}" for _, s in means))
        return out, [m for m, _ in means]

    block_a, means_a = block(labels[0], result)
    lines += block_a
    if compare is not None:
        block_b, means_b = block(labels[1], compare)
        lines += [""] + block_b
        lines.append("")
        lines.append(f"{labels[0]} - {labels[1]} (mean)  " + "  ".join(
            f"{c}: {a - b:+.4f}" for c, a, b in zip(result.columns, means_a, means_b)))
    for note in result.notes:
        lines += ["", f"[{labels[0]}] " + note]
    if compare is not None:
        for note in compare.notes:
            lines += ["", f"[{labels[1]}] " + note]
    return "\n".join(lines)
