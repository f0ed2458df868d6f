"""LAGS Guidance: a MODEL patch for KSamplerAdvanced, SamplerCustomAdvanced and friends."""
from __future__ import annotations

from comfy_api.latest import io

from ..bridge import patch_model
from .guidance_inputs import CATEGORY, guidance_inputs, settings_from
from .search import search_aliases


class LAGSGuidance(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSGuidance",
            display_name="LAGS Reward Guidance (model patch)",
            category=CATEGORY,
            description=("Adds reward guidance to a MODEL: any sampler it feeds (KSampler, KSampler Advanced, "
                         "SamplerCustomAdvanced...) then steers the picture towards the reward. The original model "
                         "is unchanged. The chart shows each step of the sampler's run; method and epsilon are "
                         "under Show Advanced (node menu)."),
            **search_aliases("reward guidance", "model patch"),
            inputs=[io.Model.Input("model", tooltip="The model to guide (it is cloned, not modified).")]
            + guidance_inputs(),
            outputs=[io.Model.Output(tooltip="The model with LAGS guidance; connect it to a sampler.")],
            hidden=[io.Hidden.unique_id],
        )

    @classmethod
    def execute(cls, model, reward=None, vae=None, schedule=None, method="lags", epsilon=None, decode_scale="auto",
                decoder="vae", probe_threshold=None) -> io.NodeOutput:
        settings = settings_from(reward, vae=vae, schedule=schedule, method=method, epsilon=epsilon,
                                 decode_scale=decode_scale, decoder=decoder, node_id=cls.hidden.unique_id,
                                 probe_threshold=probe_threshold)
        return io.NodeOutput(patch_model(model, settings))


NODES = [LAGSGuidance]
