"""What the SMC sampler needs from each guided model call, recorded by the post-CFG hook."""
from __future__ import annotations

from ..guidance.sampling import particle_log_w


class ParticleListener:
    """Set on a SamplingRun by the particle sampler; the hook records every model call into it.

    update: D_q - D (None: nothing guided); log_w: [N] log w(x0_bar) in guidance units; alpha: [N];
    evaluated: [N] where log w was computed. With `evaluate_all` (the last noisy step) the reward
    is also evaluated where alpha skipped the step, because the final weights need it."""

    def __init__(self):
        self.evaluate_all = False
        self.update = self.log_w = self.alpha = self.evaluated = None

    def record(self, result, log_w) -> None:
        values, evaluated = particle_log_w(result, log_w, self.evaluate_all)
        self.update, self.log_w, self.alpha, self.evaluated = result.update, values, result.diagnostics.alpha, evaluated

    def take(self):
        """(update, log_w, alpha, evaluated) of the last call, cleared so a missing record fails loudly."""
        if self.log_w is None:
            raise RuntimeError("LAGS particles: the model call did not pass through LAGS guidance (is another "
                               "sampler wrapper replacing the model?).")
        out = (self.update, self.log_w, self.alpha, self.evaluated)
        self.update = self.log_w = self.alpha = self.evaluated = None
        return out
