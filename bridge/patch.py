"""Apply LAGS to a MODEL: clone it and register the post-CFG hook on the clone."""
from __future__ import annotations

from .checks import check_decoder_available, check_model_against_vae
from .model_family import model_family
from .post_cfg import LagsPostCfg

WRAPPER_KEY = "lags"


def patch_model(model, settings):
    """A clone of `model` (a ComfyUI ModelPatcher) that samples with LAGS guidance.

    The hook never needs uncond, so cfg = 1 keeps ComfyUI's cfg-1 optimisation (no uncond
    evaluation, bit-exact with core KSampler where nothing is guided). An OUTER_SAMPLE wrapper
    marks where one sampling run starts and ends (per-run state, the single non-finite
    warning); a PREDICT_NOISE wrapper tells the probe which guider is predicting, and a
    SAMPLER_SAMPLE wrapper hands over the inpainting mask and known latent.
    """
    import comfy.patcher_extension

    model_family(model)  # an unknown sampling type or a video/audio model fails here, before sampling
    check_model_against_vae(model, settings)
    check_decoder_available(model, settings)
    hook = LagsPostCfg(settings)
    patched = model.clone()
    patched.set_model_sampler_post_cfg_function(hook, disable_cfg1_optimization=False)
    patched.add_wrapper_with_key(comfy.patcher_extension.WrappersMP.OUTER_SAMPLE, WRAPPER_KEY,
                                 hook.outer_sample_wrapper)
    patched.add_wrapper_with_key(comfy.patcher_extension.WrappersMP.PREDICT_NOISE, WRAPPER_KEY,
                                 hook.predict_noise_wrapper)
    patched.add_wrapper_with_key(comfy.patcher_extension.WrappersMP.SAMPLER_SAMPLE, WRAPPER_KEY,
                                 hook.sampler_sample_wrapper)
    return patched


def lags_hook(model) -> LagsPostCfg:
    """The LAGS hook patch_model registered on `model` (the last one, if LAGS was applied twice)."""
    hooks = [fn for fn in model.model_options.get("sampler_post_cfg_function", []) if isinstance(fn, LagsPostCfg)]
    if not hooks:
        raise RuntimeError("LAGS: this model has no LAGS guidance patch.")
    return hooks[-1]
