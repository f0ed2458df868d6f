"""Sequential Monte Carlo over particles with LAGS-guided proposals (host-free: torch only).

LAGS is first order and its alpha(t) switches it off at high noise, where global attributes
are decided. Particles reach q there: K trajectories per output are re-weighted by the twist
log w(x0_bar) and resampled, with the proposal correction p/q of each guided stochastic step,
so the final draw targets q ~ w p (asymptotically in K) whatever alpha(t) does.
"""
from .resampling import draw_one_per_group, systematic_ancestors
from .smc import DEFAULT_ESS_THRESHOLD, PARTICLE_SCHEDULE_C, SmcReport, smc_sample
from .steppers import STEPPERS, SUPPORTED_SAMPLERS, stepper_for
from .weights import GroupWeights

__all__ = ["GroupWeights", "STEPPERS", "SUPPORTED_SAMPLERS", "SmcReport", "DEFAULT_ESS_THRESHOLD", "PARTICLE_SCHEDULE_C", "draw_one_per_group",
           "smc_sample", "stepper_for", "systematic_ancestors"]
