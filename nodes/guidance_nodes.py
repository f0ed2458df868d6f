"""LAGS Guidance: a MODEL patch for KSamplerAdvanced, SamplerCustomAdvanced and friends."""
from __future__ import annotations

from comfy_api.latest import io

from ..bridge import patch_model
from .guidance_inputs import CATEGORY, guidance_inputs, settings_from


class LAGSGuidance(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSGuidance",
            display_name="LAGS Guidance",
            category=CATEGORY,
            description=("Patches a MODEL so that any sampler (KSampler Advanced, SamplerCustomAdvanced...) "
                         "samples from q(x) ~ w(x) p(x) with LAGS guidance. The original model is unchanged."),
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
