"""What the SMC sampler needs from each guided model call, recorded by the post-CFG hook."""
from __future__ import annotations

import torch


class ParticleListener:
    """Set on a SamplingRun by the particle sampler; the hook records every model call into it.

    update: D_q - D (None: nothing guided); log_w: [N] log w(x0_bar) in guidance units; alpha: [N];
    evaluated: [N] where log w was computed. With `evaluate_all` (the last noisy step) the reward
    is also evaluated where alpha skipped the step, because the final weights need it."""

    def __init__(self):
        self.evaluate_all = False
        self.update = self.log_w = self.alpha = self.evaluated = None

    def record(self, result, log_w) -> None:
        d = result.diagnostics
        values, evaluated = d.log_w.clone(), d.guided.clone()
        if self.evaluate_all and not bool(evaluated.all()):
            reference = result.denoised if result.update is None else result.denoised - result.update
            with torch.no_grad():  # the whole batch: an inpainting composite needs every item
                every = log_w(reference).to(values)
            values = torch.where(evaluated, values, every)
            evaluated = torch.ones_like(evaluated)
        self.update, self.log_w, self.alpha, self.evaluated = result.update, values, d.alpha, evaluated

    def take(self):
        """(update, log_w, alpha, evaluated) of the last call, cleared so a missing record fails loudly."""
        if self.log_w is None:
            raise RuntimeError("LAGS particles: the model call did not pass through LAGS guidance (is another "
                               "sampler wrapper replacing the model?).")
        out = (self.update, self.log_w, self.alpha, self.evaluated)
        self.update = self.log_w = self.alpha = self.evaluated = None
        return out
