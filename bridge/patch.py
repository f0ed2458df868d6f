"""Apply LAGS to a MODEL: clone it and register the post-CFG hook on the clone."""
from __future__ import annotations

from .checks import check_decoder_available, check_model_against_vae
from .post_cfg import LagsPostCfg

WRAPPER_KEY = "lags"


def patch_model(model, settings):
    """A clone of `model` (a ComfyUI ModelPatcher) that samples with LAGS guidance.

    disable_cfg1_optimization=True keeps uncond around at cfg = 1, like ComfyUI's
    other post-CFG patches; an OUTER_SAMPLE wrapper marks where one sampling run starts
    and ends (per-run state, the single non-finite warning).
    """
    import comfy.patcher_extension

    check_model_against_vae(model, settings)
    check_decoder_available(model, settings)
    hook = LagsPostCfg(settings)
    patched = model.clone()
    patched.set_model_sampler_post_cfg_function(hook, disable_cfg1_optimization=True)
    patched.add_wrapper_with_key(comfy.patcher_extension.WrappersMP.OUTER_SAMPLE, WRAPPER_KEY,
                                 hook.outer_sample_wrapper)
    return patched
