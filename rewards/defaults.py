"""Default strengths of the reward nodes (per latent pixel, reward_path/unit.py), host-free so
the calibration benchmark uses the very numbers the nodes ship.

- Colour: calibrated with real decoder weights (TAEF2) on real photos so the shipped workflows
  show a clear, non-destructive change (`python -m benchmarks.real_weights`,
  docs/real_weights.md: mean-colour shift Delta-E 5-20 at 512^2, 1024^2 and 768x512).
- Frequency: calibrated the same way on the node's default band (favour 0.25-0.5, the shipped
  workflow): strength 3 raised the band share by a third (structure PSNR 45 dB), 10 tripled it
  at 32 dB; 10 it is.
- Learned rewards (no real weights exist here to calibrate them): the same log-weight per
  latent pixel for a clear change of their own score as the colour default gives for a clear
  colour change (Delta-E 10 = 0.1 colour distance): one PickScore / HPS / aesthetic point, one
  nat of class log-probability.
"""
from __future__ import annotations

COLOUR_STRENGTH = 3.5
FREQUENCY_STRENGTH = 10.0

#: log w change of the colour default for a clear colour change (0.1 colour distance).
_CLEAR_CHANGE_LOG_W = COLOUR_STRENGTH * 0.1
LEARNED_STRENGTH = round(_CLEAR_CHANGE_LOG_W / 1.0, 6)  # per point / per nat of their score

#: Fairness is per image (reward_path/unit.py): 1 is the exact re-weighting to the target class mix.
FAIRNESS_STRENGTH = 1.0
