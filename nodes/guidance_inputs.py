"""Socket types and the guidance inputs shared by LAGS Weighted Sampler and LAGS Guidance."""
from __future__ import annotations

from comfy_api.latest import io

from ..bridge import DECODE_SCALES, DECODERS, LagsSettings
from ..guidance import DEFAULT_EPSILON, DEFAULT_PROBE_THRESHOLD, METHODS
from .probe_input import ADVANCED, probe_threshold_input  # ADVANCED: shown after "Show Advanced"

CATEGORY = "sampling/lags"
REWARD_CATEGORY = CATEGORY + "/rewards"
REWARD = io.Custom("LAGS_REWARD")
SCHEDULE = io.Custom("LAGS_SCHEDULE")

#: Smallest epsilon the widget accepts (the engine needs epsilon > 0).
EPSILON_MIN = 1e-4


def guidance_inputs() -> list:
    """vae, reward, schedule, method, epsilon, decode_scale, decoder, probe_threshold (in this order)."""
    return [
        io.Vae.Input("vae", optional=True,
                     tooltip="The checkpoint's VAE. Rewards that judge the picture look at the model's current "
                             "guess of it through the VAE at every guided step. Not needed with decoder = taesd."),
        REWARD.Input("reward", tooltip="What the picture should favour: a LAGS reward node (Colour, Frequency, "
                                       "PickScore, HPS, Aesthetic, Fairness, or several through Reward Combine)."),
        SCHEDULE.Input("schedule", optional=True,
                       tooltip="When during sampling guidance acts (a LAGS Schedule node). Unconnected: the "
                               "paper's schedule, off while the image is still noise and at full strength near "
                               "the end (about LAGS Schedule (starts at %) at 60 %)."),
        io.Combo.Input("method", options=list(METHODS), default="lags", extra_dict=ADVANCED,
                       tooltip="Advanced. lags: follows the model's own idea of the image (one extra model call "
                               "per guided step). tweedie: no extra call, cheaper, weaker in the middle of "
                               "sampling. dps: the older baseline, slow and memory hungry."),
        io.Float.Input("epsilon", default=DEFAULT_EPSILON, min=EPSILON_MIN, max=10.0, step=0.01, round=0.0001,
                       extra_dict=ADVANCED,
                       tooltip="Advanced (method lags). How far the extra model call looks to see how the model "
                               "reacts to the reward's pull. The default suits every model tested; there is "
                               "rarely a reason to change it (docs/epsilon_sweep.md)."),
        io.Combo.Input("decode_scale", options=list(DECODE_SCALES), default=DECODE_SCALES[0],
                       tooltip="How large the reward looks at the picture while guiding. auto: as small as "
                               "the reward still judges correctly (colour 1/4, palette 1/2, CLIP rewards "
                               "224 px, frequency full size), in tiles when memory is short. "
                               "1.0 / 0.5 / 0.25: force a fraction of the full size (0.5 = a quarter of "
                               "the pixels)."),
        io.Combo.Input("decoder", options=list(DECODERS), default="vae",
                       tooltip="vae: the connected VAE (exact, heavy). taesd: the tiny TAESD decoder from "
                               "models/vae_approx (fast, approximate; no VAE input needed)."),
        probe_threshold_input(),
    ]


def settings_from(reward, vae=None, schedule=None, method="lags", epsilon=None, decode_scale=DECODE_SCALES[0],
                  decoder="vae", node_id=None, probe_threshold=None, particles=False) -> LagsSettings:
    """epsilon / probe_threshold None (no widget value): the engine's default."""
    return LagsSettings(reward=reward, schedule=schedule, method=method,
                        epsilon=DEFAULT_EPSILON if epsilon is None else epsilon,
                        decode_scale=decode_scale, decoder=decoder, vae=vae, node_id=node_id, particles=particles,
                        probe_threshold=DEFAULT_PROBE_THRESHOLD if probe_threshold is None else probe_threshold)
