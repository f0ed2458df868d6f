"""The denoiser the engine re-evaluates for the finite-difference probe (and DPS).

It repeats the guider's own prediction at another x: CFGGuider's cond/uncond batch, or
PerpNeg's, DualCFG's or any other guider's predict_noise (captured by a PREDICT_NOISE
wrapper), with pre-CFG hooks and custom CFG functions, then only the post-CFG functions
registered BEFORE the LAGS one. So the probe and the sampler's denoiser are the same function.
"""
from __future__ import annotations

import math

import torch


def options_before(model_options: dict, owner) -> dict:
    """model_options whose post-CFG chain stops just before `owner`."""
    chain = list(model_options.get("sampler_post_cfg_function", []))
    cut = next((i for i, fn in enumerate(chain) if fn is owner), len(chain))
    options = dict(model_options)
    options["sampler_post_cfg_function"] = chain[:cut]
    return options


def uncond_unused(options: dict, cond_scale: float) -> bool:
    """Plain CFG at scale 1 gives cond exactly (hooks might still look at uncond)."""
    hooks = ("sampler_pre_cfg_function", "sampler_post_cfg_function")
    plain = "sampler_cfg_function" not in options and not any(options.get(h) for h in hooks)
    return plain and math.isclose(cond_scale, 1.0)


def is_plain_cfg(guider) -> bool:
    """CFGGuider's own predict_noise: the post-CFG hook receives its final output."""
    import comfy.samplers

    return guider is None or getattr(type(guider), "predict_noise", None) is comfy.samplers.CFGGuider.predict_noise


def make_probe(args: dict, owner, guider=None, seed=None):
    """denoiser(x, sigma) -> the guider's prediction up to (not including) `owner`, for the
    model call described by `args`."""
    import comfy.samplers

    options = options_before(args["model_options"], owner)
    if not is_plain_cfg(guider):
        def guider_denoiser(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
            return guider.predict_noise(x, sigma, model_options=options, seed=seed)

        return guider_denoiser

    model = args["model"]
    cond, uncond, cond_scale = args["cond"], args["uncond"], args["cond_scale"]
    if uncond_unused(options, cond_scale):
        # uncond + (cond - uncond) * 1 == cond: skip the uncond half of the probe batch.
        options["disable_cfg1_optimization"] = False

    def denoiser(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        return comfy.samplers.sampling_function(model, x, sigma, uncond, cond, cond_scale, model_options=options,
                                                seed=seed)

    return denoiser


def normal_tensor_copies(base_model: torch.nn.Module) -> dict:
    """Normal-tensor copies of the model's inference-tensor weights, keyed for
    make_differentiable. Made once per sampling run: LoRA and other weight patches are
    applied before the run starts and stay fixed during it."""
    with torch.inference_mode(False), torch.no_grad():
        return {"inner." + name: t.clone()
                for name, t in list(base_model.named_parameters()) + list(base_model.named_buffers())
                if t.is_inference()}


def make_differentiable(denoiser, base_model: torch.nn.Module, tensors: dict):
    """DPS needs autograd through the diffusion model, whose weights ComfyUI loaded as
    inference tensors. Run it with `tensors` (normal_tensor_copies) in their place
    (torch.func.functional_call; the model itself is left untouched)."""
    holder = _Holder(base_model, denoiser)

    def run(x, sigma):
        return torch.func.functional_call(holder, tensors, (x, sigma), strict=False)

    return run


class _Holder(torch.nn.Module):
    def __init__(self, inner, denoiser):
        super().__init__()
        self.inner = inner
        self._denoiser = denoiser

    def forward(self, x, sigma):
        return self._denoiser(x, sigma)
