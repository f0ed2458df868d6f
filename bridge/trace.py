"""Per-step "lags.trace" messages for the web extension (web/ listens for this event).

Payload: {"node": str, "step": int (1-based), "steps": int, "sigma": float, "level": float | None
(the noise level alpha saw: sigma, or sigma/(1-sigma) for flow models; None where infinite),
"alpha": float, "log_w": float | None, "grad_norm": float, "guided": bool,
"guarded": int, "probed": bool (a lags step took J v from the finite-difference probe; False where
the adaptive probe used J0 v, or the step was not guided), "probe_gap": float | None (measured
||J v - J0 v|| / ||J0 v|| on a probing step)}. Sending never raises: sampling must not depend on a UI being there.
"""
from __future__ import annotations

import logging
import math

import torch

EVENT = "lags.trace"
#: bridge/post_cfg.py adds "displacement": float | None, ||D_q - D|| / ||D|| over the guided items
#: (how much guidance moved the step's denoised image; guidance/effect.py).


def step_position(sigma: float, sample_sigmas) -> tuple[int, int]:
    """(1-based step, steps) of a model call at `sigma` within the sampler's sigma list.

    A call at sigmas[i] belongs to step i + 1; calls between two sigmas (2nd-order
    samplers) belong to the step they sit in. (0, 0) when the list is unknown.
    """
    if sample_sigmas is None:
        return 0, 0
    sigmas = torch.as_tensor(sample_sigmas).detach().flatten().double().cpu()
    steps = max(int(sigmas.numel()) - 1, 0)
    if steps == 0:
        return 0, 0
    at_or_above = int((sigmas >= sigma * (1 - 1e-4)).sum())
    return min(max(at_or_above, 1), steps), steps


def _mean(values: torch.Tensor, mask: torch.Tensor):
    if not bool(mask.any()):
        return None
    value = float(values[mask].double().mean())
    return value if math.isfinite(value) else None


def _finite_or_none(value: float):
    return value if math.isfinite(value) else None


def trace_payload(node_id, step, steps, diagnostics) -> dict:
    d = diagnostics
    guided = d.guided & ~d.guarded
    grad = _mean(d.grad_norm, guided)
    return {
        "node": str(node_id) if node_id is not None else "",
        "step": int(step),
        "steps": int(steps),
        "sigma": float(d.sigma.double().mean()),
        "level": _finite_or_none(float(d.level.double().mean())),  # inf (flow, sigma = 1) is not JSON
        "alpha": float(d.alpha.double().mean()),
        "log_w": _mean(d.log_w, d.guided),
        "grad_norm": grad if grad is not None else 0.0,
        "guided": bool(d.guided.any()),
        "guarded": int(d.guarded.sum()),
        "probed": bool(d.probed.any()) if d.probed is not None else False,
        "probe_gap": _mean(d.probe_gap, d.probed & torch.isfinite(d.probe_gap)) if d.probed is not None else None,
    }


def send_trace(payload: dict, event: str = EVENT) -> bool:
    try:
        import server

        instance = getattr(server.PromptServer, "instance", None)
        if instance is None:
            return False
        instance.send_sync(event, payload, getattr(instance, "client_id", None))
        return True
    except Exception as exc:  # a missing or broken UI server must not stop sampling
        logging.debug("LAGS: could not send %s: %s", event, exc)
        return False
