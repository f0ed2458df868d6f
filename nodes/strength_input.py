"""The strength widget every reward node shares (defaults: rewards/defaults.py).

Guidance uses log w per latent pixel (reward_path/unit.py), so a strength gives the same
visible change at 512^2, 1024^2 and any aspect ratio.
"""
from __future__ import annotations

import math

from comfy_api.latest import io

#: Widget maximum: about 100x the defaults' visible change, well into image destruction.
STRENGTH_MAX = 1000.0

from ..rewards.defaults import (  # noqa: F401 (re-export)
    COLOUR_STRENGTH, FAIRNESS_STRENGTH, FREQUENCY_STRENGTH, LEARNED_STRENGTH)

UNIT_SENTENCE = ("The same value gives the same visible change at any image size. After a run the sampler's chart "
                 "says whether the change was too weak to see or likely destructive.")


#: Per-image rewards (fairness): strength is the exponent on w itself (reward_path/unit.py).
PER_IMAGE_SENTENCE = ("1 is the exact re-weighting: with particles on the sampler, batches reach the target mix; "
                      "guidance alone moves it only a little.")


def strength_input(default: float, towards: str, unit_sentence: str = UNIT_SENTENCE) -> io.Float.Input:
    """`towards`: what the reward pulls the picture towards, in words."""
    return io.Float.Input(
        "strength", default=default, min=0.0, max=STRENGTH_MAX, step=0.05, round=0.001,
        tooltip=f"How hard guidance pulls the picture {towards}. Larger changes the picture more; too large "
                f"damages it; 0 switches the reward off. The default gives a clear but natural change. {unit_sentence}")


def strength_error(strength) -> str | None:
    """None, or the message ComfyUI shows when the prompt is queued. (Defining validation for
    `strength` turns ComfyUI's own min/max check off for it, so the range is checked here.)"""
    try:
        value = float(strength)
    except (TypeError, ValueError):
        return f"strength must be a number; got {strength!r}."
    if not math.isfinite(value) or not 0.0 <= value <= STRENGTH_MAX:
        return f"strength must be a finite number from 0 to {STRENGTH_MAX:g}; got {strength!r}."
    return None


class StrengthChecked:
    """Mixin for reward nodes (list it before io.ComfyNode): rejects a bad strength when the
    prompt is validated, before anything runs."""

    @classmethod
    def validate_inputs(cls, strength):
        return strength_error(strength) or True
